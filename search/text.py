"""Words, stems and spelling, shared by the database backend's two dialects.

SQLite's FTS5 has one stemmer (Porter, English). To search every case in its own language,
as PostgreSQL does with one text configuration per language, the database backend stems the
text itself with the Snowball stemmers (the same algorithms PostgreSQL's configurations use)
before it reaches FTS5, and parses a query once per language, ORing the parses: exactly
PostgreSQL's `to_tsquery(config, words)` per configuration. Stop words are not dropped on
SQLite (PostgreSQL drops them from each language's parse); see docs/architecture.md."""

from __future__ import annotations

import functools
import re

import snowballstemmer

from search.types import words_of

# The text configuration (PostgreSQL) / Snowball stemmer per document language. Languages
# without one are read word for word ("simple": lower-cased, no stemming, no stop words).
STEMMERS = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "ar": "arabic",
    "ru": "russian",
    "pt": "portuguese",
    "id": "indonesian",
    "de": "german",
    "it": "italian",
    "tr": "turkish",
}
SIMPLE = "simple"
TERM = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # a spelling term: "e-voting" is one
MIN_TERM_LENGTH = 3
MAX_TERM_LENGTH = 40


def config_for(language: str) -> str:
    return STEMMERS.get(language, SIMPLE)


def all_configs() -> list[str]:
    return sorted({*STEMMERS.values(), SIMPLE})


@functools.cache
def _stemmer(config: str):
    return snowballstemmer.stemmer(config)


@functools.lru_cache(maxsize=200_000)
def stem(config: str, word: str) -> str:
    return word if config == SIMPLE else _stemmer(config).stemWord(word)


def stemmed(text: str, language: str) -> str:
    """The text as the index stores it on SQLite: each word stemmed in the document's
    language."""
    config = config_for(language)
    return " ".join(stem(config, word) for word in words_of(text))


def query_parses(words: list[str]) -> list[tuple[str, ...]]:
    """The words stemmed by each language, distinct parses only (most languages read most
    words alike, and each repeated alternative would be one more index lookup)."""
    return sorted({tuple(stem(config, word) for word in words) for config in all_configs()})


# Spelling ---------------------------------------------------------------------------------


def terms_of(text: str) -> set[str]:
    return {
        term
        for term in TERM.findall(text.lower())
        if MIN_TERM_LENGTH <= len(term) <= MAX_TERM_LENGTH
    }


def term_key(term: str) -> str:
    """What a term is compared by: "evoting" and "e-voting" are one key."""
    return term.replace("-", "")


def max_distance(word: str) -> int:
    return 1 if len(word) <= 4 else 2


def distance(left: str, right: str, limit: int) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions and
    transpositions of neighbours cost 1: "opne" is one step from "open"); anything above
    `limit` is reported as limit + 1."""
    if abs(len(left) - len(right)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(right) + 1))
    for i in range(1, len(left) + 1):
        current = [i] + [0] * len(right)
        for j in range(1, len(right) + 1):
            cost = 0 if left[i - 1] == right[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and left[i - 1] == right[j - 2] and left[i - 2] == right[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def correct(word: str, candidates: list[tuple[str, str, int]]) -> str:
    """The vocabulary term closest to `word` (candidates: term, key, document count): the
    same key first ("evoting" -> "e-voting"), then the smallest distance, the same length,
    the most documents. The word itself when it is known or nothing is close."""
    key = term_key(word)
    limit = max_distance(key)
    best = None
    for term, term_key_, count in candidates:
        if term == word:
            return word
        if term_key_ == key:
            rank = (-1, 0, -count)
        else:
            steps = distance(key, term_key_, limit)
            if steps > limit:
                continue
            rank = (steps, abs(len(term_key_) - len(key)), -count)
        if best is None or rank < best[0]:
            best = (rank, term)
    return best[1] if best else word
