"""Public case proposals: a signed-in reader's text becomes a draft CaseStudyPage submitted to
the moderation workflow. Every text field is sanitised; a rejected proposal keeps its text."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from best_practices.models import CaseSource, CaseStudyPage, CompendiumPage
from cms.sanitize import markdown_to_html, plain_text

RATE_LIMIT = 5  # proposals per user per window
RATE_WINDOW_SECONDS = 24 * 60 * 60


class ProposalRateLimited(Exception):
    pass


def _rate_key(user) -> str:
    return f"case-proposals:{user.pk}"


def check_rate_limit(user) -> None:
    """Counted in the shared cache (Redis in production), so every web process agrees."""
    key = _rate_key(user)
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    if cache.incr(key) > RATE_LIMIT:
        raise ProposalRateLimited


@transaction.atomic
def submit_proposal(data: dict, user) -> CaseStudyPage:
    check_rate_limit(user)
    compendium = CompendiumPage.objects.get()
    body = [
        {"type": block, "value": markdown_to_html(data[block])}
        for block in ("context", "what_was_done", "results", "lessons_learned")
        if data.get(block)
    ]
    case = CaseStudyPage(
        title=plain_text(data["title"])[:200] or "Untitled proposal",
        summary=plain_text(data["summary"])[:300],
        country=data["country"],
        city=plain_text(data.get("city") or "")[:120],
        government_level=data["government_level"],
        year_started=data["year_started"],
        language=data["language"],
        contact_organisation=plain_text(data.get("contact_organisation") or "")[:200],
        body=body,
        live=False,
        owner=user,
        proposed_by=user,
    )
    case.indicators = list(data["indicators"])
    case.sdgs = list(data.get("sdgs") or [])
    if data.get("source_url"):
        case.sources = [
            CaseSource(
                title=plain_text(data["source_title"])[:255], url=data["source_url"], sort_order=0
            )
        ]
    compendium.add_child(instance=case)
    case.save_revision(user=user, log_action=True)
    workflow = case.get_workflow()
    if workflow is not None:
        workflow.start(case, user)  # Wagtail notifies the Moderator group
    return case


@dataclass
class ProposalStatus:
    case: CaseStudyPage
    label: str
    detail: str


STATUS_LABELS = {
    "published": (_("Published"), _("Thank you: the case is in the compendium.")),
    "in_progress": (_("In review"), _("A moderator will review it soon.")),
    "needs_changes": (
        _("Changes requested"),
        _("A moderator asked for changes. Your text is kept; an editor will contact you."),
    ),
    "cancelled": (_("Withdrawn"), _("The review was cancelled. Your text is kept.")),
    "draft": (_("Draft"), _("Not submitted for review.")),
}


def proposals_of(user) -> list[ProposalStatus]:
    """The user's proposals with their moderation status (two queries)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, WorkflowState

    cases = list(CaseStudyPage.objects.filter(proposed_by=user).order_by("-pk"))
    latest_state = {}
    states = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(case.pk) for case in cases],
    ).order_by("created_at")
    for state in states:
        latest_state[int(state.object_id)] = state.status
    statuses = []
    for case in cases:
        key = "published" if case.live else latest_state.get(case.pk, "draft")
        label, detail = STATUS_LABELS.get(key, STATUS_LABELS["draft"])
        statuses.append(ProposalStatus(case=case, label=label, detail=detail))
    return statuses
