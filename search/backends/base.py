"""What every search backend provides. Backends read everything about a document type from
its registered indexer (search/registry.py)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from search.types import SearchRequest, SearchResponse

ALL_WORDS = "all"  # a match holds every word of the query
ANY_WORD = "any"  # a match holds at least one (the fallback when nothing holds them all)


def page_ids(pages_or_ids: Iterable) -> list[int]:
    return sorted({getattr(item, "pk", item) for item in pages_or_ids})


class SearchBackend(ABC):
    name = ""

    @abstractmethod
    def search(self, request: SearchRequest, indexer, match: str = ALL_WORDS) -> SearchResponse:
        """Hits for the page asked for, with highlights, the total and counts for every
        facet (each facet counted with the other facets' filters applied)."""

    @abstractmethod
    def index(self, pages: Iterable, indexer=None) -> int:
        """Add or replace documents (pages or page ids) as they are published now; those no
        longer indexable are removed instead, so callers can pass any changed page.
        Returns how many are indexed."""

    @abstractmethod
    def remove(self, pages: Iterable, indexer=None) -> None:
        """Drop documents (pages or page ids) that were unpublished or deleted."""

    @abstractmethod
    def rebuild(self, indexer=None, progress: Callable[[int], None] | None = None) -> int:
        """Reindex every indexable page; returns how many. Readers never see an empty
        index."""

    def spelling(self, query: str, indexer) -> str:
        """A corrected query from the index's own vocabulary, or ""."""
        return ""

    def suggest(self, prefix: str, indexer, limit: int = 8) -> list[str]:
        """Titles for search-as-you-type."""
        return []
