"""What every compendium search backend provides."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from search.types import SearchRequest, SearchResponse


class SearchBackend(ABC):
    name = ""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResponse:
        """Hits for the page asked for, with highlights, the total, counts for every facet
        (each facet counted with the other facets' filters applied) and a spelling
        suggestion where the backend has one."""

    @abstractmethod
    def index_cases(self, cases: Iterable) -> None:
        """Add or replace published cases (CaseStudyPage instances)."""

    @abstractmethod
    def remove_cases(self, page_ids: Iterable[int]) -> None:
        """Drop cases that were unpublished or deleted."""

    @abstractmethod
    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Reindex every live case; returns how many. Readers never see an empty index."""

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Titles for search-as-you-type."""
        return []
