"""What every search index stores about a case, read once from the page. Both backends build
their documents from `case_fields`, so they always index the same text and facet values."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CaseFields:
    page_id: int
    title: str
    summary: str
    body: str
    city: str
    country: str
    country_name: str
    region: str
    contact_organisation: str
    themes: list[str]
    indicator_names: list[str]
    indicators: list[int]
    dimensions: list[int]
    sdgs: list[int]
    year_started: int | None
    government_level: str
    language: str
    status: str
    first_published_at: datetime | None

    @property
    def place(self) -> str:
        """City, country name and region, so "Dakar Senegal" or "Africa" match."""
        return " ".join(part for part in (self.city, self.country_name, self.region) if part)


def case_fields(page) -> CaseFields:
    """Prefetch with `indexable_cases()` when reading many pages."""
    indicators = list(page.indicators.all())
    return CaseFields(
        page_id=page.pk,
        title=page.title,
        summary=page.summary,
        body=body_text(page),
        city=page.city,
        country=str(page.country) if page.country else "",
        country_name=str(page.country.name) if page.country else "",
        region=page.region or "",
        contact_organisation=page.contact_organisation,
        themes=[item.tag.name for item in page.tagged_items.all()],
        indicator_names=[indicator.name for indicator in indicators],
        indicators=sorted({indicator.pk for indicator in indicators}),
        dimensions=sorted({indicator.criterion_id for indicator in indicators}),
        sdgs=sorted({sdg.number for sdg in page.sdgs.all()}),
        year_started=page.year_started,
        government_level=page.government_level,
        language=page.language,
        status=page.status,
        first_published_at=page.first_published_at,
    )


def body_text(page) -> str:
    """The StreamField's searchable text (rich text without tags, figures, link titles)."""
    parts = []
    for child in page.body:
        parts.extend(str(text) for text in child.block.get_searchable_content(child.value))
    return "\n".join(part for part in parts if part)


def indexable_cases():
    """Cases a reader may find: live and public, with what `case_fields` reads prefetched."""
    from best_practices.models import CaseStudyPage

    return (
        CaseStudyPage.objects.live()
        .public()
        .prefetch_related("indicators", "sdgs", "tagged_items__tag")
        .order_by("pk")
    )


def batches(queryset, size: int) -> Iterator[list]:
    """Keyset batches: memory stays flat and no page is skipped or repeated."""
    last = 0
    while batch := list(queryset.filter(pk__gt=last)[:size]):
        yield batch
        last = batch[-1].pk
