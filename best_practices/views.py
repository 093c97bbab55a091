"""Compendium views: title suggestions and the public case proposal form.
They translate HTTP to calls of search.services and best_practices.proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from search.services import get_backend


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
