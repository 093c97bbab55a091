"""Keep each registered document type's index in step with publishing, unpublishing,
deleting and view restrictions. Handlers only enqueue background tasks (search/tasks.py),
on transaction commit. (Wagtail's own handlers keep its site-wide index current.)

The handlers listen to every page model and ask the registry whether an indexer covers it,
so search never names a page model and an indexer registered at any time is covered."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from search import registry
from search.tasks import index_documents, remove_documents


def _enqueue(task, indexer_name: str, page_ids: list[int]) -> None:
    if page_ids:
        transaction.on_commit(lambda: task.enqueue(indexer_name, sorted(set(page_ids))))


def _published(sender, instance, **kwargs):
    for indexer in registry.for_model(sender):
        _enqueue(index_documents, indexer.name, [instance.pk])


def _removed(sender, instance, **kwargs):
    for indexer in registry.for_model(sender):
        _enqueue(remove_documents, indexer.name, [instance.pk])


def restriction_changed(sender, instance, **kwargs):
    """A view restriction added to or removed from a page changes which pages below it the
    public may find: reindex them (indexing drops those no longer public). One query per
    document type, for ids only."""
    from wagtail.models import Page

    path = Page.objects.filter(pk=instance.page_id).values_list("path", flat=True).first()
    if path is None:  # the page itself is being deleted: its own signals remove it
        return
    for indexer in registry.all_indexers():
        ids = list(
            indexer.model.objects.filter(path__startswith=path, live=True).values_list(
                "pk", flat=True
            )
        )
        _enqueue(index_documents, indexer.name, ids)


def connect() -> None:
    from wagtail.models import PageViewRestriction

    page_published.connect(_published, dispatch_uid="search-published")
    page_unpublished.connect(_removed, dispatch_uid="search-unpublished")
    post_delete.connect(_removed, dispatch_uid="search-deleted")

    for signal in (post_save, post_delete):
        signal.connect(
            restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"search-restriction-{signal is post_save}",
        )
