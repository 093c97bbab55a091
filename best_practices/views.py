"""Compendium views: the faceted search page context and the public case proposal form.
They translate HTTP to calls of search.services and best_practices.proposals."""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from best_practices.regions import area_for
from search.facets import FACETS, SORTS
from search.services import get_backend, search_request
from search.types import SearchRequest
from toolkit.selectors import breadcrumbs


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


@require_GET
def suggest(request):
    """Titles for search-as-you-type (the search box works without it)."""
    prefix = request.GET.get("q", "")[:100]
    return JsonResponse({"suggestions": get_backend().suggest(prefix)})


@login_required
def propose_case(request):
    from best_practices.forms import CaseProposalForm
    from best_practices.proposals import ProposalRateLimited, submit_proposal

    form = CaseProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            # Bots fill the hidden field: answer as if it worked, store nothing.
            messages.success(request, _("Thank you: your case was sent for review."))
            return HttpResponseRedirect(request.path)
        try:
            case = submit_proposal(form.cleaned_data, request.user)
        except ProposalRateLimited:
            form.add_error(
                None, _("You have sent several proposals recently. Please try again tomorrow.")
            )
        else:
            messages.success(
                request,
                _("Thank you: “%(title)s” was sent to the moderators for review.")
                % {"title": case.title},
            )
            return redirect("case_proposals")
    return render(request, "best_practices/propose_case.html", {"form": form})


@login_required
def my_proposals(request):
    from best_practices.proposals import proposals_of

    return render(
        request, "best_practices/my_proposals.html", {"proposals": proposals_of(request.user)}
    )
