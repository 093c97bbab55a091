"""The one entry point for compendium search: pages and views call `search()` and never
know which backend answers (settings.SEARCH_BACKEND: "database" or "elasticsearch")."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from search.backends.base import SearchBackend
from search.types import SearchRequest, SearchResponse

BACKENDS = {
    "database": "search.backends.database.DatabaseSearchBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchSearchBackend",
}


def get_backend(name: str | None = None) -> SearchBackend:
    name = name or settings.SEARCH_BACKEND
    try:
        return import_string(BACKENDS[name])()
    except KeyError as exc:
        raise ValueError(
            f"Unknown SEARCH_BACKEND {name!r}; choose one of {sorted(BACKENDS)}"
        ) from exc


def search(
    query="", filters=None, sort="relevance", page=1, per_page=10, backend=None
) -> SearchResponse:
    request = SearchRequest(
        query=query,
        filters={name: tuple(values) for name, values in (filters or {}).items()},
        sort=sort,
        page=page,
        per_page=per_page,
    )
    return (backend or get_backend()).search(request)


def search_request(request: SearchRequest, backend=None) -> SearchResponse:
    return (backend or get_backend()).search(request)
