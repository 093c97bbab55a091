"""Human labels for facet values."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

TAXONOMY_CACHE_KEY = "search:taxonomy-labels"
TAXONOMY_CACHE_SECONDS = 24 * 60 * 60


def _load_taxonomy_labels() -> dict[str, dict[str, tuple]]:
    from toolkit.models import Criterion, Indicator, SustainableDevelopmentGoal

    return {
        "indicator": {
            str(pk): (code, name)
            for pk, code, name in Indicator.objects.values_list("pk", "code", "name")
        },
        "dimension": {
            str(pk): (short, name)
            for pk, short, name in Criterion.objects.values_list(
                "pk", "framework__short_name", "name"
            )
        },
        "sdg": {
            str(number): (name,)
            for number, name in SustainableDevelopmentGoal.objects.values_list("number", "name")
        },
    }


def taxonomy_labels() -> dict[str, dict[str, tuple]]:
    """Indicator, dimension and SDG names, read once and cached: every search labels its
    facets, the taxonomy changes only when load_frameworks runs (which clears the cache)."""
    return cache.get_or_set(TAXONOMY_CACHE_KEY, _load_taxonomy_labels, TAXONOMY_CACHE_SECONDS)


def forget_taxonomy_labels(**kwargs) -> None:
    transaction.on_commit(lambda: cache.delete(TAXONOMY_CACHE_KEY))


def facet_labels(values_by_facet: dict[str, list[str]], request=None) -> dict[str, dict[str, str]]:
    from best_practices.models import CASE_LANGUAGES
    from toolkit.models import GovernmentLevel

    def wanted(name):
        chosen = set(values_by_facet.get(name, []))
        if request is not None:
            chosen |= set(request.filters.get(name, ()))
        return chosen

    labels: dict[str, dict[str, str]] = {name: {} for name in values_by_facet}
    taxonomy = taxonomy_labels()
    indicators, criteria, goals = taxonomy["indicator"], taxonomy["dimension"], taxonomy["sdg"]
    labels["indicator"] = {
        value: f"{indicators[value][0]} {indicators[value][1]}".strip()
        for value in wanted("indicator")
        if value in indicators
    }
    labels["dimension"] = {
        value: f"{criteria[value][0]} · {criteria[value][1]}"
        for value in wanted("dimension")
        if value in criteria
    }
    labels["sdg"] = {
        value: _("SDG %(number)s: %(name)s") % {"number": value, "name": goals[value][0]}
        for value in wanted("sdg")
        if value in goals
    }
    labels["country"] = {code: str(countries.name(code) or code) for code in wanted("country")}
    levels = dict(GovernmentLevel.choices)
    labels["level"] = {value: str(levels.get(value, value)) for value in wanted("level")}
    languages = dict(CASE_LANGUAGES)
    labels["language"] = {value: str(languages.get(value, value)) for value in wanted("language")}
    labels["region"] = {value: value for value in wanted("region")}
    labels["year"] = {value: value for value in wanted("year")}
    return labels
