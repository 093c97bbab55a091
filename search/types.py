"""The search interface's requests and responses, independent of the backend and of the
document type. Every parameter a reader sends is validated into a typed `SearchRequest`
before any backend sees it: text becomes plain words, facet values are checked against the
indexer's facets (numeric ones are ASCII decimal digits in a bounded range), sorts against
its sorts, pages are bounded. Malformed or out-of-range values are dropped, never answered
with an error, so a shared or hand-edited URL keeps working."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from search.registry import NEWEST, RELEVANCE

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_FACET = 20
MAX_FACET_VALUE_LENGTH = 80
MAX_PAGE = 1000
MAX_PER_PAGE = 100
# Numeric facet values are PostgreSQL `integer`s and Elasticsearch `integer`s: 32 bits.
MAX_INTEGER = 2_147_483_647
DEFAULT_PER_PAGE = 10
ASCII_DIGITS = re.compile(r"[0-9]{1,10}")
# A word: letters and digits of any script. Nothing else a reader types reaches a full-text
# engine, so quotes, operators and parentheses are never syntax (FTS5, tsquery, Elasticsearch).
WORD = re.compile(r"[^\W_]+")


def words_of(text: str) -> list[str]:
    return WORD.findall(text.lower())


def clean_text(raw: Any, limit: int = MAX_QUERY_LENGTH) -> str:
    """Printable text on one line: control characters (NUL included) and unpaired
    surrogates become spaces, runs of spaces one space, cut to `limit` characters."""
    text = "".join(
        " " if unicodedata.category(character) in ("Cc", "Cs") else character
        for character in str(raw or "")[: limit * 4]
    )
    return " ".join(text.split())[:limit].strip()


def positive_int(raw: Any, maximum: int) -> int | None:
    """An integer in 1..maximum written in ASCII digits ("²" and "٣" are digits to Python's
    isdigit(), not to a database), else None."""
    text = str(raw or "").strip()
    if not ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= maximum else None


def _facet_value(facet, raw: str) -> str | None:
    if facet.numeric:
        text = raw.strip()
        if not ASCII_DIGITS.fullmatch(text) or int(text) > MAX_INTEGER:
            return None
        return str(int(text))  # "007" and "7" are one value
    value = clean_text(raw, MAX_FACET_VALUE_LENGTH)
    if facet.pattern and not re.fullmatch(facet.pattern, value, flags=re.ASCII):
        return None
    return value or None


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = RELEVANCE
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def __post_init__(self):
        # Relevance needs words: without them the newest cases come first.
        if not self.words and self.sort == RELEVANCE:
            object.__setattr__(self, "sort", NEWEST)

    @property
    def words(self) -> list[str]:
        return words_of(self.query)

    @classmethod
    def from_params(cls, params, indexer, per_page: int = DEFAULT_PER_PAGE) -> SearchRequest:
        """Read a GET query string (a QueryDict) for the indexer's document type."""
        filters = {}
        for facet in indexer.facets:
            values: list[str] = []
            for raw in params.getlist(facet.name):
                value = _facet_value(facet, raw)
                if value is not None and value not in values:
                    values.append(value)
            if values:
                filters[facet.name] = tuple(values[:MAX_VALUES_PER_FACET])
        query = clean_text(params.get("q", ""))
        sort = params.get("sort", "")
        if sort not in indexer.sorts:
            sort = RELEVANCE if words_of(query) else NEWEST
        return cls(
            query=query,
            filters=filters,
            sort=sort,
            page=positive_int(params.get("page"), MAX_PAGE) or 1,
            per_page=per_page,
        )

    def without(self, facet_name: str) -> dict[str, tuple[str, ...]]:
        return {name: values for name, values in self.filters.items() if name != facet_name}

    def with_page(self, page: int) -> SearchRequest:
        return SearchRequest(self.query, dict(self.filters), self.sort, page, self.per_page)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Hit:
    """One result. `details` holds what the indexer's `display` adds (a case's city,
    country name, year...); they read as attributes too (`hit.city`)."""

    page_id: int
    title: str
    url: str
    summary: str = ""
    language: str = ""
    highlights: list[str] = field(default_factory=list)  # safe HTML: text escaped, <mark>
    score: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name):
        details = self.__dict__.get("details")
        if name.startswith("__") or details is None or name not in details:
            raise AttributeError(name)
        return details[name]

    @classmethod
    def from_display(cls, page_id: int, display: Mapping[str, Any], **kwargs) -> Hit:
        core = {"title", "url", "summary", "language"}
        return cls(
            page_id=page_id,
            title=display.get("title", ""),
            url=display.get("url", ""),
            summary=display.get("summary", ""),
            language=display.get("language", ""),
            details={key: value for key, value in display.items() if key not in core},
            **kwargs,
        )


@dataclass
class SearchResponse:
    request: SearchRequest
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    suggestion: str = ""  # "did you mean": offered when not every word matched
    backend: str = ""
    any_word: bool = False  # no document had every word; results match any of them

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    def facet(self, name: str) -> list[FacetValue]:
        return self.facets.get(name, [])
