"""Compendium views: the public case proposal form. They translate HTTP to calls of
best_practices.proposals (title suggestions moved to search.views)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cms.permissions import role_required
from cms.roles import LEARNER, TRAINER

# Learners and trainers propose cases here; editors and moderators write them in the admin.
CONTRIBUTORS = (LEARNER, TRAINER)


@role_required(*CONTRIBUTORS)
def propose_case(request):
    from best_practices.forms import CaseProposalForm
    from best_practices.proposals import ProposalRateLimited, submit_proposal

    # No hidden anti-spam field: proposals need a signed-in account and are rate-limited, and
    # a check that silently drops a person's text while thanking them is worse than spam.
    form = CaseProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
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


@role_required(*CONTRIBUTORS)
def my_proposals(request):
    from best_practices.proposals import proposals_of

    return render(
        request, "best_practices/my_proposals.html", {"proposals": proposals_of(request.user)}
    )
