"""A cache of whole answers (hits, facet counts, total, suggestion), kept by the service
layer for every backend.

Popular searches repeat: the compendium's landing page (no words, no filters) and common
words count facets over most of the corpus, the costliest thing a backend does. Answers
are stored under the index *generation*, which every index write replaces, so a publish,
unpublish or rebuild makes every cached answer unreachable at once; nothing is ever served
from an older index. The cache is Django's (Redis in production, shared by every process).
Labels are translated, so the active language is part of the key."""

from __future__ import annotations

import hashlib
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import translation

GENERATION_KEY = "search:index-generation"


def _new_generation() -> int:
    return time.time_ns()


def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, _new_generation, timeout=None)


def index_changed(transactional: bool = True) -> None:
    """Call on every index write: now (for this transaction's own reads) and, for an index
    kept in the database, again on commit (so an answer computed by another process during
    the write is not kept). Elasticsearch writes are not transactional: once is enough."""
    cache.set(GENERATION_KEY, _new_generation(), timeout=None)
    if transactional:
        transaction.on_commit(lambda: cache.set(GENERATION_KEY, _new_generation(), timeout=None))


def seconds() -> int:
    return int(getattr(settings, "SEARCH_CACHE_SECONDS", 0))


def key_for(backend: str, indexer: str, request) -> str:
    described = json.dumps(
        [
            request.query.lower(),
            sorted((name, sorted(values)) for name, values in request.filters.items()),
            request.sort,
            request.page,
            request.per_page,
        ]
    )
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    scope = f"{backend}:{connection.vendor}:{indexer}:{translation.get_language() or ''}"
    return f"search:answer:{scope}:{generation()}:{digest}"


def cached(backend: str, indexer: str, request, compute):
    """compute() when caching is off or the answer is not stored yet."""
    if seconds() <= 0:
        return compute()
    key = key_for(backend, indexer, request)
    answer = cache.get(key)
    if answer is None:
        answer = compute()
        cache.set(key, answer, seconds())
    return answer
