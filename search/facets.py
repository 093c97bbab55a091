"""The compendium's facets, defined once. The database backend, the Elasticsearch backend
(mapping, filters, aggregations) and the compendium page all read this list."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Facet:
    name: str  # URL parameter and key in responses, e.g. "country"
    label: str
    orm_path: str  # the same values reached from CaseStudyPage through the ORM (tests count)
    document_field: str  # column of the database index and field of the Elasticsearch document
    multi_valued: bool = False  # a case can hold several values (indicators, SDGs)
    numeric: bool = False
    order_by_count: bool = True  # False: values keep their natural order (years, SDGs)


FACETS: tuple[Facet, ...] = (
    Facet(
        "indicator", _("Indicator"), "indicators__id", "indicators", multi_valued=True, numeric=True
    ),
    Facet(
        "dimension",
        _("Dimension"),
        "indicators__criterion_id",
        "dimensions",
        multi_valued=True,
        numeric=True,
    ),
    Facet("country", _("Country"), "country", "country"),
    Facet("region", _("Region"), "region", "region"),
    Facet(
        "year",
        _("Year started"),
        "year_started",
        "year_started",
        numeric=True,
        order_by_count=False,
    ),
    Facet("level", _("Government level"), "government_level", "government_level"),
    Facet(
        "sdg",
        _("Sustainable Development Goal"),
        "sdgs__number",
        "sdgs",
        multi_valued=True,
        numeric=True,
        order_by_count=False,
    ),
    Facet("language", _("Language"), "language", "language"),
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}

SORTS = {
    "relevance": _("Relevance"),
    "newest": _("Newest first"),
}
