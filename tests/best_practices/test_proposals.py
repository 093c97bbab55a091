"""A signed-in reader proposes a case; moderators review it through the workflow."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import TaskState

from best_practices.models import CaseStudyPage
from best_practices.proposals import RATE_LIMIT
from search.services import search
from tests.best_practices.factories import make_compendium
from tests.cms.factories import LearnerFactory, ModeratorFactory
from toolkit.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def compendium(taxonomy, home_page):
    return make_compendium(home_page)


@pytest.fixture
def learner(client):
    user = LearnerFactory()
    client.force_login(user)
    return user


def proposal(**overrides):
    indicator = Indicator.objects.get(framework__key="losi_2024", key="pe-275")
    data = {
        "title": "Participatory budgeting in Kumasi",
        "summary": "Residents of Kumasi vote on part of the city budget online.",
        "country": "GH",
        "city": "Kumasi",
        "government_level": "local",
        "year_started": "2021",
        "language": "en",
        "indicators": [indicator.pk],
        "sdgs": [],
        "context": "Budget priorities were set without residents.",
        "what_was_done": "An online vote on **neighbourhood projects**.",
        "results": "More residents took part.",
        "lessons_learned": "- Start small",
        "source_title": "Kumasi Metropolitan Assembly",
        "source_url": "https://kma.gov.gh/",
        "contact_organisation": "Kumasi Metropolitan Assembly",
        "website": "",
    }
    data.update(overrides)
    return data


def approve(case, moderator):
    task_state = TaskState.objects.get(workflow_state__object_id=str(case.pk), status="in_progress")
    task_state.specific.approve(user=moderator)


def reject(case, moderator):
    task_state = TaskState.objects.get(workflow_state__object_id=str(case.pk), status="in_progress")
    task_state.specific.reject(user=moderator, comment="Please add figures.")


def test_anonymous_visitors_are_asked_to_sign_in(client, compendium):
    response = client.get(reverse("case_propose"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_proposal_goes_through_moderation_then_becomes_searchable(client, compendium, learner):
    moderator = ModeratorFactory(email="mod@example.org")
    response = client.post(reverse("case_propose"), proposal())
    assert response.status_code == 302
    case = CaseStudyPage.objects.get(title="Participatory budgeting in Kumasi")
    assert not case.live
    assert case.proposed_by == learner
    assert case.current_workflow_state.status == "in_progress"
    assert any("mod@example.org" in message.to for message in mail.outbox)
    assert search("Kumasi").total == 0  # drafts are never found
    assert client.get(reverse("case_proposals")).content.decode().count("In review") == 1

    approve(case, moderator)
    case.refresh_from_db()
    assert case.live
    assert case.region == "Western Africa"
    result = search("Kumasi")
    assert result.total == 1 and result.hits[0].page_id == case.pk
    assert "Published" in client.get(reverse("case_proposals")).content.decode()


def test_rejected_proposal_keeps_its_text(client, compendium, learner):
    client.post(reverse("case_propose"), proposal())
    case = CaseStudyPage.objects.get(title="Participatory budgeting in Kumasi")
    reject(case, ModeratorFactory())
    case.refresh_from_db()
    assert not case.live
    draft = case.get_latest_revision_as_object()
    assert "Budget priorities were set without residents." in str(draft.body[0].value)
    assert "neighbourhood projects" in str(draft.body[1].value)
    assert "Changes requested" in client.get(reverse("case_proposals")).content.decode()


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">x</a>'


def test_xss_in_every_field_is_neutralised(client, compendium, learner):
    fields = [
        "title",
        "summary",
        "city",
        "context",
        "what_was_done",
        "results",
        "lessons_learned",
        "source_title",
        "contact_organisation",
    ]
    client.post(reverse("case_propose"), proposal(**dict.fromkeys(fields, f"Text {XSS}")))
    case = CaseStudyPage.objects.get(proposed_by=learner)
    stored = " ".join(
        [case.title, case.summary, case.city, case.contact_organisation]
        + [str(block.value) for block in case.get_latest_revision_as_object().body]
        + [source.title for source in case.sources.all()]
    ).lower()
    for payload in ("<script", "onerror", "javascript:", "<img"):
        assert payload not in stored
    approve(case, ModeratorFactory())
    case.refresh_from_db()
    html = client.get(case.url).content.decode().lower()
    article = html[html.index("<article") : html.index("</article>")]
    for payload in ("<script", "onerror", "javascript:", "<img"):
        assert payload not in article


def test_honeypot_stores_nothing(client, compendium, learner):
    response = client.post(reverse("case_propose"), proposal(website="https://spam.example"))
    assert response.status_code == 302
    assert not CaseStudyPage.objects.exists()


def test_rate_limit_per_user(client, compendium, learner):
    for number in range(RATE_LIMIT):
        client.post(reverse("case_propose"), proposal(title=f"Case {number}"))
    response = client.post(reverse("case_propose"), proposal(title="One too many"))
    assert response.status_code == 200
    assert "try again tomorrow" in response.content.decode()
    assert CaseStudyPage.objects.count() == RATE_LIMIT


def test_invalid_proposal_keeps_what_was_typed(client, compendium, learner):
    response = client.post(reverse("case_propose"), proposal(city="", year_started="x"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "A local case names its city." in html
    assert "Budget priorities were set without residents." in html
