"""The search interface's requests and responses, independent of the backend."""

from __future__ import annotations

from dataclasses import dataclass, field

from search.facets import FACETS, SORTS

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_FACET = 20
DEFAULT_PER_PAGE = 10


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def from_params(cls, params) -> SearchRequest:
        """Read a GET query string; unknown facets and malformed values are dropped so a
        shared or hand-edited URL never errors."""
        filters = {}
        for facet in FACETS:
            values = []
            for raw in params.getlist(facet.name):
                value = raw.strip()[:80]
                if not value or (facet.numeric and not value.isdigit()):
                    continue
                if value not in values:
                    values.append(value)
            if values:
                filters[facet.name] = tuple(values[:MAX_VALUES_PER_FACET])
        sort = params.get("sort", "relevance")
        try:
            page = max(1, min(int(params.get("page", 1)), 1000))
        except (TypeError, ValueError):
            page = 1
        return cls(
            query=" ".join(params.get("q", "").split())[:MAX_QUERY_LENGTH],
            filters=filters,
            sort=sort if sort in SORTS else "relevance",
            page=page,
        )

    def without(self, facet_name: str) -> dict[str, tuple[str, ...]]:
        return {name: values for name, values in self.filters.items() if name != facet_name}

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
    page_id: int
    title: str
    url: str
    summary: str
    country: str
    city: str
    year_started: int | None
    government_level: str
    language: str
    highlights: list[str] = field(default_factory=list)  # safe HTML: text escaped, <mark> added
    score: float | None = None
    country_name: str = ""


@dataclass
class SearchResponse:
    request: SearchRequest
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    suggestion: str = ""  # "did you mean", where the backend offers one
    backend: str = ""
    any_word: bool = False  # no case had every word; results match any of them

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    def facet(self, name: str) -> list[FacetValue]:
        return self.facets.get(name, [])
