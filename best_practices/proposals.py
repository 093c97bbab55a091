"""Public case proposals: a signed-in reader's text becomes a draft CaseStudyPage submitted to
the moderation workflow. Every text field is sanitised; a rejected proposal keeps its text."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from best_practices.models import CASE_TEXT_SECTIONS, CaseSource, CaseStudyPage, CompendiumPage
from cms.page_import import available_slug
from cms.sanitize import markdown_to_html, plain_text

RATE_LIMIT = 5  # stored proposals per user per window
RATE_WINDOW_SECONDS = 24 * 60 * 60


class ProposalRateLimited(Exception):
    pass


def _rate_key(user) -> str:
    return f"case-proposals:{user.pk}"


def check_rate_limit(user) -> None:
    """Refuse once RATE_LIMIT proposals are stored in the window. Counted in the shared cache
    (Redis in production), so every web process agrees."""
    if cache.get(_rate_key(user), 0) >= RATE_LIMIT:
        raise ProposalRateLimited


def count_proposal(user) -> None:
    """Called once a proposal is committed: a submission that fails costs nothing."""
    key = _rate_key(user)
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, RATE_WINDOW_SECONDS)


def submit_proposal(data: dict, user) -> CaseStudyPage:
    """Store the proposal as a draft owned by `user` and start the moderation workflow.
    `data` is a valid CaseProposalForm's cleaned_data; text is sanitised again here because
    a service never trusts its caller."""
    check_rate_limit(user)
    with transaction.atomic():
        case = _store_proposal(data, user)
        transaction.on_commit(lambda: count_proposal(user))
    return case


def _store_proposal(data: dict, user) -> CaseStudyPage:
    compendium = CompendiumPage.objects.get()
    title = plain_text(data["title"], multiline=False)
    case = CaseStudyPage(
        title=title,
        slug=available_slug(compendium, title, fallback="case"),
        summary=plain_text(data["summary"]),
        country=data["country"],
        city=plain_text(data.get("city") or "", multiline=False),
        government_level=data["government_level"],
        year_started=data["year_started"],
        language=data["language"],
        contact_organisation=plain_text(data.get("contact_organisation") or "", multiline=False),
        body=[
            {"type": name, "value": markdown_to_html(data[name])}
            for name in CASE_TEXT_SECTIONS
            if data.get(name)
        ],
        live=False,
        owner=user,
        proposed_by=user,
    )
    case.indicators = list(data["indicators"])
    case.sdgs = list(data.get("sdgs") or [])
    if data.get("source_url"):
        case.sources = [
            CaseSource(
                title=plain_text(data["source_title"], multiline=False),
                url=data["source_url"],
                sort_order=0,
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
