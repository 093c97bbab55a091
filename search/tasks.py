"""Index writes run as background tasks (Django Tasks): the signal handlers only enqueue them
once the publishing transaction commits, so a request never waits for an index and a worker
never reads a page before its change is visible. Development and tests run tasks at once
(ImmediateBackend); production queues them in the database for `manage.py db_worker`.

Arguments are JSON: the indexer's name, the backend's name and page ids. Each task reloads
the pages, so a task that runs late indexes the page as it is then."""

from __future__ import annotations

from django_tasks import task

from search import registry
from search.services import get_backend


def _backend(backend: str | None):
    return get_backend(backend)


@task()
def index_documents(indexer: str, page_ids: list[int], backend: str | None = None) -> int:
    """(Re)index the pages; those no longer indexable (unpublished, private) are removed."""
    return _backend(backend).index(page_ids, registry.get(indexer))


@task()
def remove_documents(indexer: str, page_ids: list[int], backend: str | None = None) -> int:
    _backend(backend).remove(page_ids, registry.get(indexer))
    return len(page_ids)


@task()
def rebuild_index(indexer: str | None = None, backend: str | None = None) -> int:
    """Rebuild every registered document type (or one); returns how many were indexed."""
    chosen = [registry.get(indexer)] if indexer else registry.all_indexers()
    return sum(_backend(backend).rebuild(item) for item in chosen)
