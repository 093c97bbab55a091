"""A cache of computed answers (facet counts, total, hit ids) for the database backend.

Popular searches repeat: the compendium's landing page (no words, no filters) and common
words count facets over most of the corpus, the costliest thing the database does. Answers
are stored under the index *generation*, which every index write replaces, so a publish,
unpublish or rebuild makes every cached answer unreachable at once; nothing is ever served
from an older index. The cache is Django's (Redis in production, shared by every process)."""

from __future__ import annotations

import hashlib
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "search:index-generation"


def _new_generation() -> int:
    return time.time_ns()


def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, _new_generation, timeout=None)


def index_changed() -> None:
    """Call on every index write: now (for this transaction's own reads) and again on commit
    (so an answer computed by another process during the write is not kept)."""
    cache.set(GENERATION_KEY, _new_generation(), timeout=None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, _new_generation(), timeout=None))


def seconds() -> int:
    return int(getattr(settings, "SEARCH_CACHE_SECONDS", 0))


def key_for(vendor: str, request) -> str:
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
    return f"search:answer:{vendor}:{generation()}:{digest}"


def cached(vendor: str, request, compute):
    """compute() when caching is off or the answer is not stored yet."""
    if seconds() <= 0:
        return compute()
    key = key_for(vendor, request)
    answer = cache.get(key)
    if answer is None:
        answer = compute()
        cache.set(key, answer, seconds())
    return answer
