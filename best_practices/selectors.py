"""Read queries for compendium pages, each in a fixed number of queries."""

from itertools import groupby
from urllib.parse import urlencode

from django.db.models import Count
from django.utils.translation import gettext as _

from best_practices.regions import area_for
from search.facets import FACETS, SORTS
from search.services import search_request
from search.types import SearchRequest
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


def _query_string(params, add=None, remove=None, replace=None) -> str:
    """The current GET parameters with one change, always back on page 1."""
    items = [(k, v) for k, values in params.lists() for v in values if k != "page"]
    if remove:
        items = [(k, v) for k, v in items if (k, v) != remove]
    if replace:
        items = [(k, v) for k, v in items if k != replace[0]]
        if replace[1]:
            items.append(replace)
    if add:
        items.append(add)
    return "?" + urlencode(items) if items else "?"


def compendium_context(page, request) -> dict:
    search = SearchRequest.from_params(request.GET)
    response = search_request(search)
    params = request.GET
    facet_groups = []
    chips = []
    for facet in FACETS:
        values = response.facet(facet.name)
        for value in values:
            if value.selected:
                chips.append(
                    {
                        "facet": facet.label,
                        "label": value.label,
                        "remove_url": _query_string(params, remove=(facet.name, value.value)),
                    }
                )
        facet_groups.append(
            {"facet": facet, "values": values, "open": facet.name in search.filters}
        )
    country_groups = []
    if params.get("view") == "countries":
        rows = sorted(
            (
                (area.region if (area := area_for(v.value)) else "", v)
                for v in response.facet("country")
            ),
            key=lambda pair: (pair[0], pair[1].label),
        )
        country_groups = [
            {"region": region or _("Other"), "countries": [v for _, v in group]}
            for region, group in groupby(rows, key=lambda pair: pair[0])
        ]
    base = _query_string(params, replace=("page", ""))
    return {
        "breadcrumbs": breadcrumbs(page),
        "search": search,
        "response": response,
        "facet_groups": facet_groups,
        "chips": chips,
        "clear_url": "?" + urlencode({"q": search.query}) if search.query else "?",
        "sorts": [
            {
                "value": key,
                "label": label,
                "url": _query_string(params, replace=("sort", key)),
                "selected": key == search.sort,
            }
            for key, label in SORTS.items()
        ],
        "view": "countries" if params.get("view") == "countries" else "list",
        "list_url": _query_string(params, replace=("view", "")),
        "countries_url": _query_string(params, replace=("view", "countries")),
        "country_groups": country_groups,
        "page_base": base + ("&" if base != "?" else ""),
        "previous_page": search.page - 1 if search.page > 1 else None,
        "next_page": search.page + 1 if search.page < response.num_pages else None,
    }
