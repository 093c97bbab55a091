"""Human labels for facet values, looked up in one query per facet type."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_countries import countries


def facet_labels(values_by_facet: dict[str, list[str]], request=None) -> dict[str, dict[str, str]]:
    from best_practices.models import CASE_LANGUAGES
    from toolkit.models import Criterion, GovernmentLevel, Indicator, SustainableDevelopmentGoal

    def wanted(name):
        chosen = set(values_by_facet.get(name, []))
        if request is not None:
            chosen |= set(request.filters.get(name, ()))
        return chosen

    labels: dict[str, dict[str, str]] = {name: {} for name in values_by_facet}
    ids = [int(v) for v in wanted("indicator") if str(v).isdigit()]
    if ids:
        labels["indicator"] = {
            str(pk): f"{code} {name}".strip()
            for pk, code, name in Indicator.objects.filter(pk__in=ids).values_list(
                "pk", "code", "name"
            )
        }
    ids = [int(v) for v in wanted("dimension") if str(v).isdigit()]
    if ids:
        labels["dimension"] = {
            str(pk): f"{short} · {name}"
            for pk, short, name in Criterion.objects.filter(pk__in=ids).values_list(
                "pk", "framework__short_name", "name"
            )
        }
    numbers = [int(v) for v in wanted("sdg") if str(v).isdigit()]
    if numbers:
        labels["sdg"] = {
            str(number): _("SDG %(number)s: %(name)s") % {"number": number, "name": name}
            for number, name in SustainableDevelopmentGoal.objects.filter(
                number__in=numbers
            ).values_list("number", "name")
        }
    labels["country"] = {code: str(countries.name(code) or code) for code in wanted("country")}
    levels = dict(GovernmentLevel.choices)
    labels["level"] = {value: str(levels.get(value, value)) for value in wanted("level")}
    languages = dict(CASE_LANGUAGES)
    labels["language"] = {value: str(languages.get(value, value)) for value in wanted("language")}
    labels["region"] = {value: value for value in wanted("region")}
    labels["year"] = {value: value for value in wanted("year")}
    return labels
