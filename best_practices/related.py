"""The compendium's block on toolkit guides: published cases tagged with the guide's
indicator, in the guide's language. Registered with toolkit.related in apps.py."""

from __future__ import annotations

from django.db.models import Count, Window

from toolkit.related import RelatedContent, RelatedProvider

RELATED_CASES_SHOWN = 6


def related_cases(indicator, locale_id) -> RelatedContent:
    """The newest few cases and the total in one query, and the compendium's address in
    another, whatever the number of cases."""
    from best_practices.models import CaseStudyPage, CompendiumPage

    cases = CaseStudyPage.objects.live().public().filter(indicators=indicator, locale_id=locale_id)
    # The total rides along with the first rows (COUNT(*) OVER ()), so the query count is the
    # same for no case, a few, or thousands.
    shown = list(
        cases.annotate(total=Window(Count("pk")))
        .order_by("-first_published_at", "-pk")
        .only(
            "id",
            "title",
            "url_path",
            "path",
            "depth",
            "summary",
            "country",
            "city",
            "year_started",
            "language",
            "locale_id",
        )[:RELATED_CASES_SHOWN]
    )
    total = shown[0].total if shown else 0
    compendium = (
        CompendiumPage.objects.live()
        .filter(locale_id=locale_id)
        .only("id", "url_path", "path", "depth", "locale_id")
        .first()
    )
    more_url = ""
    if compendium is not None and total > len(shown):
        more_url = f"{compendium.url}?indicator={indicator.pk}"
    return RelatedContent(
        key="cases",
        template="best_practices/includes/related_cases.html",
        items=shown,
        total=total,
        more_url=more_url,
    )


PROVIDER = RelatedProvider(key="cases", fetch=related_cases, order=20)
