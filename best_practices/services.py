"""Writes for the compendium: bulk import and export of cases."""

from __future__ import annotations

import csv
import io
import json

from django.db import transaction

from best_practices.importer import COLUMNS, CaseRow
from best_practices.models import CASE_TEXT_SECTIONS, CaseSource, CaseStudyPage, CompendiumPage
from cms.imports import Outcomes
from cms.page_import import upsert_page
from cms.sanitize import neutralise_formula
from toolkit.models import SustainableDevelopmentGoal


def ensure_compendium(home) -> CompendiumPage:
    compendium = CompendiumPage.objects.first()
    if compendium is None:
        compendium = CompendiumPage(
            title="Compendium of best practices",
            slug="compendium",
            show_in_menus=True,
            intro=(
                "<p>Digital government initiatives from cities and countries, each tagged with "
                "the LOSI and OSI indicators it illustrates. Search by words, then narrow by "
                "indicator, dimension, country, region, year, level, SDG and language.</p>"
            ),
        )
        home.add_child(instance=compendium)
        compendium.save_revision().publish()
    return compendium


@transaction.atomic
def import_case_rows(
    rows: list[CaseRow], compendium, outcomes: Outcomes, force=False, progress=None
) -> Outcomes:
    """Create or update one page per row (matched by slug), all in one transaction."""
    sdgs = {sdg.number: sdg for sdg in SustainableDevelopmentGoal.objects.all()}
    existing = {page.slug: page for page in CaseStudyPage.objects.child_of(compendium)}
    for row in rows:
        upsert_page(
            compendium,
            existing.get(row.slug),
            CaseStudyPage,
            {
                **row.values,
                "slug": row.slug,
                "body": row.body,
                "search_description": row.values["summary"][:255],
            },
            row.digest,
            outcomes,
            force,
            m2m={"indicators": row.indicators, "sdgs": [sdgs[n] for n in row.sdgs]},
            before_save=lambda page, row=row: _set_children(page, row),
        )
        if progress is not None:
            progress.update(1)
    return outcomes


def _set_children(page, row: CaseRow) -> None:
    page.themes.set(row.themes)
    # An explicit order: without it the database may return the sources in any order.
    page.sources = [
        CaseSource(title=source["title"], url=source["url"], sort_order=position)
        for position, source in enumerate(row.sources)
    ]


def case_to_row(page) -> dict:
    sections = {
        block.block_type: str(block.value.source)
        for block in page.body
        if hasattr(block.value, "source")
    }
    return {
        "slug": page.slug,
        "title": page.title,
        "summary": page.summary,
        "country": str(page.country),
        "city": page.city,
        "level": page.government_level,
        "year_started": page.year_started,
        "status": page.status,
        "language": page.language,
        "indicators": sorted(f"{i.framework.key}:{i.key}" for i in page.indicators.all()),
        "sdgs": sorted(sdg.number for sdg in page.sdgs.all()),
        "themes": sorted(page.themes.names()),
        "contact_organisation": page.contact_organisation,
        "sources": [
            {"title": source.title, "url": source.url}
            for source in sorted(
                page.sources.all(), key=lambda source: (source.sort_order or 0, source.pk)
            )
        ],
        **{name: sections.get(name, "") for name in CASE_TEXT_SECTIONS},
    }


def export_cases(queryset, file_format: str) -> str:
    pages = queryset.order_by("slug").prefetch_related(
        "indicators__framework", "sdgs", "sources", "tagged_items__tag"
    )
    rows = [case_to_row(page) for page in pages]
    if file_format == "json":
        return json.dumps({"cases": rows}, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        for name in ("indicators", "sdgs", "themes"):
            flat[name] = "; ".join(str(v) for v in row[name])
        flat["sources"] = "; ".join(f"{s['title']}|{s['url']}" for s in row["sources"])
        # A title such as =HYPERLINK(...) must stay text when the file is opened in a
        # spreadsheet; import_cases removes the apostrophe again.
        writer.writerow(
            {
                name: neutralise_formula(value) if isinstance(value, str) else value
                for name, value in flat.items()
            }
        )
    return out.getvalue()
