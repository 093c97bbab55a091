"""Read queries for compendium pages, each in a fixed number of queries."""

from itertools import groupby
from urllib.parse import urlencode

from django.db.models import Count
from django.utils.translation import gettext as _

from best_practices.indexers import CASES
from best_practices.regions import area_for
from search.registry import NEWEST, RELEVANCE
from search.services import search_request
from search.types import SearchRequest
from toolkit.models import Indicator, IndicatorGuidePage
from toolkit.selectors import breadcrumbs

SIMILAR_CASES_SHOWN = 4


def case_context(case) -> dict:
    """Indicators with their guides (cases link back to the toolkit), SDGs, sources and
    other published cases that share an indicator."""
    indicators = list(
        Indicator.objects.with_taxonomy()
        .filter(cases=case)
        .order_by("framework__order", "criterion__order", "order")
    )
    indicator_ids = [indicator.pk for indicator in indicators]
    guides = {
        guide.indicator_id: guide
        for guide in IndicatorGuidePage.objects.live()
        .public()
        .filter(indicator__in=indicator_ids, locale_id=case.locale_id)
        .only("id", "url_path", "path", "depth", "indicator_id", "locale_id")
    }
    for indicator in indicators:
        indicator.guide_page = guides.get(indicator.pk)
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


def _url(pairs: list[tuple[str, str]]) -> str:
    return "?" + urlencode(pairs) if pairs else "?"


def _params(search: SearchRequest, view: str) -> list[tuple[str, str]]:
    """The validated request as GET pairs (never page): links are built from what was
    understood, so a dropped, malformed value is not carried on."""
    pairs = [("q", search.query)] if search.query else []
    pairs += [(name, value) for name, values in search.filters.items() for value in values]
    if search.sort != (RELEVANCE if search.words else NEWEST):
        pairs.append(("sort", search.sort))
    if view == "countries":
        pairs.append(("view", view))
    return pairs


def _without(pairs, remove=None, key=None, value=None) -> str:
    """The pairs minus one (name, value) pair, or with `key` set to `value` ("" removes)."""
    kept = [pair for pair in pairs if pair != remove and (key is None or pair[0] != key)]
    if key is not None and value:
        kept.append((key, value))
    return _url(kept)


def compendium_context(page, request) -> dict:
    """The compendium's search page: one search (facets defined by the cases indexer), links
    for every filter, sort and page built from the validated request, and one message per
    state (results, results for any word, a spelling suggestion, nothing)."""
    search = SearchRequest.from_params(request.GET, CASES)
    response = search_request(search, indexer=CASES)
    if search.page > response.num_pages:  # a page past the end: show the last one
        search = search.with_page(response.num_pages)
        response = search_request(search, indexer=CASES)
    view = "countries" if request.GET.get("view") == "countries" else "list"
    pairs = _params(search, view)
    facet_groups = []
    chips = []
    for facet in CASES.facets:
        values = response.facet(facet.name)
        for value in values:
            if value.selected:
                chips.append(
                    {
                        "facet": facet.label,
                        "label": value.label,
                        "remove_url": _without(pairs, remove=(facet.name, value.value)),
                    }
                )
        facet_groups.append(
            {"facet": facet, "values": values, "open": facet.name in search.filters}
        )
    country_groups = []
    if view == "countries":
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
    # Relevance needs words: without them, only "Newest first" is offered (and applies).
    sorts = [name for name in CASES.sorts if search.words or name != RELEVANCE]
    choices = CASES.sort_choices()
    base = _url(pairs)
    return {
        "breadcrumbs": breadcrumbs(page),
        "search": search,
        "response": response,
        "facet_groups": facet_groups,
        "chips": chips,
        "sort_param": dict(pairs).get("sort", ""),
        "filters_chosen": sum(len(values) for values in search.filters.values()),
        "clear_url": _url([("q", search.query)] if search.query else []),
        "suggestion_url": _without(pairs, key="q", value=response.suggestion)
        if response.suggestion
        else "",
        "sorts": [
            {
                "value": name,
                "label": choices[name],
                "url": _without(pairs, key="sort", value=name),
                "selected": name == search.sort,
            }
            for name in sorts
        ],
        "view": view,
        "list_url": _without(pairs, key="view", value=""),
        "countries_url": _without(pairs, key="view", value="countries"),
        "country_url_base": _without(pairs, key="view", value="")
        + ("&" if _without(pairs, key="view", value="") != "?" else ""),
        "country_groups": country_groups,
        "page_base": base + ("&" if base != "?" else ""),
        "previous_page": search.page - 1 if search.page > 1 else None,
        "next_page": search.page + 1 if search.page < response.num_pages else None,
    }
