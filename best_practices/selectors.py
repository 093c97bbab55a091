"""Read queries for compendium pages, each in a fixed number of queries."""

from django.db.models import Count

from toolkit.models import Indicator
from toolkit.selectors import breadcrumbs

SIMILAR_CASES_SHOWN = 4


def case_context(case) -> dict:
    """Indicators with their guides (cases link back to the toolkit), SDGs, sources and
    other published cases that share an indicator."""
    indicators = list(
        Indicator.objects.with_taxonomy()
        .filter(cases=case)
        .select_related("guide")
        .order_by("framework__order", "criterion__order", "order")
    )
    indicator_ids = [indicator.pk for indicator in indicators]
    similar = list(
        type(case)
        .objects.live()
        .public()
        .filter(indicators__in=indicator_ids)
        .exclude(pk=case.pk)
        .annotate(shared=Count("indicators"))
        .order_by("-shared", "-year_started", "pk")
        .only("id", "title", "url_path", "path", "depth", "summary", "country", "city")[
            :SIMILAR_CASES_SHOWN
        ]
    )
    return {
        "indicators": indicators,
        "sdgs": list(case.sdgs.all()),
        "sources": list(case.sources.all()),
        "themes": list(case.themes.all()),
        "breadcrumbs": breadcrumbs(case),
        "similar_cases": similar,
    }
