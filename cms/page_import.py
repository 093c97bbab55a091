"""Creating or updating pages from imported content, always through a published revision.
Shared by the toolkit and compendium importers."""

from __future__ import annotations

from collections import Counter

from wagtail.models import Page

CREATED, UPDATED, UNCHANGED, SKIPPED = (
    "created",
    "updated",
    "unchanged",
    "skipped (edited in the admin)",
)


def edited_by_a_person(page: Page) -> bool:
    """Imports save revisions without a user; any revision with one is an editor's work."""
    return page.revisions.exclude(user=None).exists()


def upsert_page(
    parent: Page,
    existing: Page | None,
    model,
    values: dict,
    source_hash: str,
    counter: Counter,
    force: bool = False,
    m2m: dict | None = None,
    before_save=None,
) -> Page:
    """Create `model` under `parent`, or update `existing`, publishing through a revision.
    Unchanged sources are skipped; pages an editor has changed are left alone unless forced."""
    if existing is not None:
        page = existing.specific
        if page.source_hash == source_hash:
            counter[UNCHANGED] += 1
            return page
        if not force and edited_by_a_person(page):
            counter[SKIPPED] += 1
            return page
        page = page.get_latest_revision_as_object()
        outcome = UPDATED
    else:
        page = model(live=False)
        outcome = CREATED
    for name, value in values.items():
        setattr(page, name, value)
    page.source_hash = source_hash
    for name, value in (m2m or {}).items():
        getattr(page, name).set(value)
    if before_save is not None:
        before_save(page)
    if existing is None:
        parent.add_child(instance=page)
    page.save_revision(log_action=True, clean=True).publish()
    counter[outcome] += 1
    return page
