"""Creating or updating pages from imported content, always through a published revision.
Shared by the toolkit and compendium importers."""

from __future__ import annotations

from django.utils.text import slugify
from wagtail.models import Page

from cms.imports import CREATED, SKIPPED, UNCHANGED, UPDATED, Outcomes


def edited_by_a_person(page: Page) -> bool:
    """Imports save revisions without a user; any revision with one is an editor's work."""
    return page.revisions.exclude(user=None).exists()


def available_slug(parent: Page, text: str, fallback: str) -> str:
    """A slug for a new child of `parent` made from `text`, free among its siblings. Text
    without a letter or digit ('!!!') gets `fallback`, so a page never has a blank slug."""
    limit = Page._meta.get_field("slug").max_length
    base = slugify(text, allow_unicode=True)[: limit - 8].strip("-") or fallback
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def upsert_page(
    parent: Page,
    existing: Page | None,
    model,
    values: dict,
    source_hash: str,
    outcomes: Outcomes,
    force: bool = False,
    m2m: dict | None = None,
    before_save=None,
) -> Page:
    """Create `model` under `parent`, or update `existing`, publishing through a revision.
    Unchanged sources are skipped; pages an editor has changed are left alone unless forced."""
    if existing is not None:
        page = existing.specific
        if page.source_hash == source_hash:
            outcomes.add(UNCHANGED)
            return page
        if not force and edited_by_a_person(page):
            outcomes.add(SKIPPED)
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
    outcomes.add(outcome)
    return page
