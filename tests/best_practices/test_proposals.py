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


def test_proposal_goes_through_moderation_then_becomes_searchable(
    client, compendium, learner, django_capture_on_commit_callbacks
):
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

    with django_capture_on_commit_callbacks(execute=True):  # indexing is enqueued on commit
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


def test_no_hidden_field_can_swallow_a_proposal(client, compendium, learner):
    """The old honeypot was reachable with Tab (axe: aria-hidden-focus) and anything typed
    there discarded the proposal behind a "Thank you". Every input is now a visible field."""
    html = client.get(reverse("case_propose")).content.decode()
    form = html[html.index("<form") : html.index("</form>")]
    assert 'aria-hidden="true"><' not in form.replace(" ", "")
    assert 'name="website"' not in form
    response = client.post(
        reverse("case_propose"), proposal(website="https://my-city.example"), follow=True
    )
    case = CaseStudyPage.objects.get(proposed_by=learner)
    assert f"“{case.title}” was sent to the moderators" in response.content.decode()


def test_rate_limit_per_user(client, compendium, learner, django_capture_on_commit_callbacks):
    for number in range(RATE_LIMIT):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("case_propose"), proposal(title=f"Case {number}"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("case_propose"), proposal(title="One too many"))
    assert response.status_code == 200
    assert "try again tomorrow" in response.content.decode()
    assert CaseStudyPage.objects.count() == RATE_LIMIT


def test_failed_submissions_do_not_use_up_the_quota(
    client, compendium, learner, monkeypatch, django_capture_on_commit_callbacks
):
    from wagtail.models import Workflow

    def broken_start(self, page, user):
        raise RuntimeError("mail server down")

    client.raise_request_exception = False
    with monkeypatch.context() as patch:
        patch.setattr(Workflow, "start", broken_start)
        for number in range(RATE_LIMIT):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("case_propose"), proposal(title=f"Lost {number}"))
            assert response.status_code == 500
    assert not CaseStudyPage.objects.exists()  # each failure rolled back
    for number in range(RATE_LIMIT):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("case_propose"), proposal(title=f"Case {number}"))
        assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("case_propose"), proposal(title="One too many"))
    assert "try again tomorrow" in response.content.decode()
    assert CaseStudyPage.objects.count() == RATE_LIMIT


def test_a_title_on_two_lines_is_refused_so_moderators_are_always_told(client, compendium, learner):
    ModeratorFactory(email="mod@example.org")
    response = client.post(reverse("case_propose"), proposal(title="Budgeting\nBcc: x@y.z"))
    assert response.status_code == 200
    assert "Write it on one line." in response.content.decode()
    assert not CaseStudyPage.objects.exists()
    assert not mail.outbox


def test_a_title_without_letters_gets_a_safe_unique_slug(client, compendium, learner):
    for _ in range(2):
        assert client.post(reverse("case_propose"), proposal(title="!!!")).status_code == 302
    slugs = sorted(CaseStudyPage.objects.values_list("slug", flat=True))
    assert slugs == ["case", "case-2"]
    assert set(CaseStudyPage.objects.values_list("title", flat=True)) == {"!!!"}


def test_a_city_that_sanitises_to_nothing_is_a_validation_error(client, compendium, learner):
    response = client.post(reverse("case_propose"), proposal(city="<b></b>"))
    assert response.status_code == 200
    assert "A local case names its city." in response.content.decode()
    assert not CaseStudyPage.objects.exists()


def test_encoded_markup_is_not_stored_as_markup(client, compendium, learner):
    client.post(
        reverse("case_propose"),
        proposal(title="&lt;script&gt;alert(1)&lt;/script&gt;Budget\x07ing", summary="a < b"),
    )
    case = CaseStudyPage.objects.get(proposed_by=learner)
    assert case.title == "Budgeting"
    assert case.summary == "a < b"  # a lone '<' in prose is text, kept


def test_country_starts_empty_and_must_be_chosen(client, compendium, learner):
    html = client.get(reverse("case_propose")).content.decode()
    select = html[html.index('<select name="country"') :]
    first_option = select[select.index("<option") : select.index("</option>")]
    assert 'value=""' in first_option and "Choose a country" in first_option
    response = client.post(reverse("case_propose"), proposal(country=""))
    assert "This field is required." in response.content.decode()
    assert not CaseStudyPage.objects.exists()


def test_indicators_are_checkboxes_grouped_by_dimension(client, compendium, learner):
    from toolkit.models import Criterion

    html = client.get(reverse("case_propose")).content.decode()
    assert '<select name="indicators"' not in html
    dimensions = Criterion.objects.filter(framework__is_reference_only=False)
    assert html.count('<details class="choice-group"') == dimensions.count()
    indicators = Indicator.objects.filter(framework__is_reference_only=False)
    assert html.count('type="checkbox" name="indicators"') == indicators.count()
    # After an error, the groups holding a ticked box are open and the box is still ticked.
    chosen = Indicator.objects.get(framework__key="losi_2024", key="pe-275")
    html = client.post(reverse("case_propose"), proposal(year_started="x")).content.decode()
    assert html.count('<details class="choice-group" open>') == 1
    assert f'value="{chosen.pk}" id="id_indicators_' in html
    tag = html[html.index(f'value="{chosen.pk}"') - 80 : html.index(f'value="{chosen.pk}"') + 80]
    assert "checked" in tag


def test_error_summary_links_every_error_to_its_field(client, compendium, learner):
    response = client.post(
        reverse("case_propose"), proposal(city="", year_started="x", indicators=[])
    )
    html = response.content.decode()
    start = html.index('<div class="error-summary"')
    summary = html[start : html.index("</div>", start)]
    opening = summary[: summary.index(">")]
    assert 'role="alert"' in opening and 'tabindex="-1"' in opening
    for field in ("city", "year_started", "indicators"):
        assert f'href="#id_{field}"' in summary
        assert f'id="id_{field}_error"' in html  # the same error beside the field
    assert 'id="id_indicators"' in html  # the link's target exists
    city_input = html[html.index('name="city"') - 200 : html.index('name="city"') + 200]
    assert "id_city_error" in city_input  # aria-describedby names the error


def test_invalid_proposal_keeps_what_was_typed(client, compendium, learner):
    response = client.post(reverse("case_propose"), proposal(city="", year_started="x"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "A local case names its city." in html
    assert "Budget priorities were set without residents." in html
