"""Snippets with the query's words marked, for backends without server-side highlighting.
Runs on the handful of hits shown on one results page, never on the corpus."""

from __future__ import annotations

import re

from django.utils.html import escape

SNIPPET_RADIUS = 90
MAX_SNIPPETS = 2
MIN_TERM_LENGTH = 2


def query_terms(query: str) -> list[str]:
    terms = {term.lower() for term in re.findall(r"\w+", query) if len(term) >= MIN_TERM_LENGTH}
    return sorted(terms, key=len, reverse=True)


def stem(term: str) -> str:
    """A crude shared prefix, so "budgeting" also marks "budget" and "participatory" marks
    "participatif": full-text search matched them through stemming, readers should see why."""
    return term if len(term) <= 5 else term[: max(5, len(term) - 3)]


def _pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    stems = sorted({stem(t) for t in terms}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(t) for t in stems) + r")\w*", re.IGNORECASE)


def mark(text: str, pattern: re.Pattern) -> str:
    """Escape the text, then wrap matches in <mark>: safe to render as HTML."""
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """About SNIPPET_RADIUS characters before the match and twice as many after, cut at
    spaces so a snippet never starts or ends inside a word."""
    if start - SNIPPET_RADIUS <= 0:
        first = 0
    else:
        space = text.find(" ", start - SNIPPET_RADIUS, start)
        first = space + 1 if space != -1 else start
    if end + SNIPPET_RADIUS * 2 >= len(text):
        last = len(text)
    else:
        space = text.rfind(" ", end, end + SNIPPET_RADIUS * 2)
        last = space if space != -1 else end
    return first, last


def highlight_snippets(query: str, texts: list[str]) -> list[str]:
    pattern = _pattern(query_terms(query))
    if pattern is None:
        return []
    snippets = []
    for text in texts:
        text = " ".join((text or "").split())
        match = pattern.search(text)
        if not match:
            continue
        start, stop = word_bounds(text, match.start(), match.end())
        prefix = "…" if start > 0 else ""
        suffix = "…" if stop < len(text) else ""
        snippets.append(prefix + mark(text[start:stop], pattern) + suffix)
        if len(snippets) >= MAX_SNIPPETS:
            break
    return snippets
