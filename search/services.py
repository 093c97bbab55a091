"""The one entry point for search: pages and views call `search_request()` (or `search()`)
and never know which backend answers (settings.SEARCH_BACKEND: "database" or
"elasticsearch") nor which app registered the document type.

Behaviour every backend shares lives here, so it is the same everywhere: answers are cached
(search/result_cache.py); when no document has every word, the documents with any of them
are shown (`any_word`), with a spelling suggestion ("did you mean") from the backend's own
index vocabulary."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from search import registry, result_cache
from search.backends.base import ALL_WORDS, ANY_WORD, SearchBackend
from search.types import DEFAULT_PER_PAGE, SearchRequest, SearchResponse

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


def search_request(request: SearchRequest, backend=None, indexer=None) -> SearchResponse:
    backend = backend or get_backend()
    indexer = indexer or registry.default()
    return result_cache.cached(
        backend.name, indexer.name, request, lambda: _answer(backend, indexer, request)
    )


def _answer(backend: SearchBackend, indexer, request: SearchRequest) -> SearchResponse:
    response = backend.search(request, indexer, match=ALL_WORDS)
    if not request.words or response.total:
        response.suggestion = ""  # every word matched: nothing to correct
        return response
    suggestion = response.suggestion or backend.spelling(request.query, indexer)
    if len(set(request.words)) > 1:
        response = backend.search(request, indexer, match=ANY_WORD)
        response.any_word = response.total > 0
    response.suggestion = suggestion
    return response


def search(
    query="",
    filters=None,
    sort="relevance",
    page=1,
    per_page=DEFAULT_PER_PAGE,
    backend=None,
    indexer=None,
) -> SearchResponse:
    """Search with trusted arguments (code and tests); views build a SearchRequest from
    their GET parameters with SearchRequest.from_params, which validates them."""
    request = SearchRequest(
        query=query,
        filters={
            name: tuple(str(value) for value in values) for name, values in (filters or {}).items()
        },
        sort=sort,
        page=page,
        per_page=per_page,
    )
    return search_request(request, backend=backend, indexer=indexer)


def spelling(query: str, backend=None, indexer=None) -> str:
    """A corrected query from the index vocabulary ("" when every word is known)."""
    return (backend or get_backend()).spelling(query, indexer or registry.default())


def suggest_titles(prefix: str, limit: int = 8, backend=None, indexer=None) -> list[str]:
    """Titles for search-as-you-type."""
    from search.types import clean_text

    prefix = clean_text(prefix, 100)
    if len(prefix) < 2:
        return []
    return (backend or get_backend()).suggest(prefix, indexer or registry.default(), limit)
