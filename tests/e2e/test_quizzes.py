"""A learner on a phone takes a quiz: answers autosave, a reload in the middle loses nothing,
the attempt is submitted and the review shows the marks by indicator; "My progress" shows
the mastery chart. Then the same attempt without JavaScript, by plain form posts."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.cms.factories import LearnerFactory
from tests.e2e.test_courses import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def quiz_site(transactional_db):
    from cms.demo import ensure_home_page
    from courses.services import enrol
    from tests.courses.factories import make_small_course
    from tests.quizzes.factories import make_bank, make_quiz

    call_command("load_frameworks", stdout=StringIO())
    home, _created = ensure_home_page()
    course, modules = make_small_course(home, title="Local course", lessons=1)
    module = modules[0][0]
    make_bank(module.criterion, 4)
    quiz = make_quiz(module, title="Check your understanding", questions_per_page=2)
    learner = LearnerFactory(email="amina@example.org", first_name="Amina", last_name="Diallo")
    enrol(learner, course)
    return {"quiz": quiz, "module": module}


def answer_right(page, number):
    """Tick the right choice of the question numbered `number` on the page."""
    page.locator(f"#question-{number}").get_by_label(re.compile(r"^Right")).check()


def test_learner_takes_a_quiz_reloads_submits_and_sees_each_indicator(
    live_server, quiz_site, phone_page, screenshot
):
    base = live_server.url
    quiz = quiz_site["quiz"]
    page = phone_page
    sign_in(page, base, "amina@example.org", quiz.url)
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/learning/attempts/\d+/$"))
    attempt_url = page.url

    answer_right(page, 1)
    page.get_by_text("Saved at").wait_for()  # autosaved, no button pressed
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "quiz-phone-attempt")
    page.reload()  # a lost connection, a closed tab: the answer is on the server
    right = page.locator("#question-1").get_by_label(re.compile(r"^Right"))
    assert right.is_checked()

    page.locator("#question-2").get_by_label(re.compile(r"^Wrong")).check()
    page.get_by_text("Saved at").wait_for()
    page.get_by_role("button", name="Next page").click()
    page.wait_for_url(re.compile(r"\?page=2$"))
    answer_right(page, 3)
    page.get_by_role("button", name="Finish attempt…").click()
    page.wait_for_url(re.compile(r"/summary/$"))
    assert page.get_by_text("Answer saved").count() == 3
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review/$"))

    assert page.get_by_text("Grade: 2 out of 3 (67%)").is_visible()
    breakdown = page.locator("table.breakdown")
    assert breakdown.locator("tbody tr").count() == 3  # each question on its own indicator
    assert "0%" in breakdown.inner_text() and "100%" in breakdown.inner_text()
    screenshot(page, "quiz-phone-review")
    # The attempt is closed: going back to it leads to the review, not the questions.
    page.goto(attempt_url)
    page.wait_for_url(re.compile(r"/review/$"))

    page.get_by_role("link", name="See my progress by indicator").click()
    page.wait_for_url(re.compile(r"/learning/progress/$"))
    assert page.locator("svg.mastery-chart").first.is_visible()
    assert page.get_by_text("3 assessed so far").is_visible()
    assert page.get_by_role("heading", name="Your weakest indicators").is_visible()
    screenshot(page, "quiz-phone-progress")


def test_the_attempt_works_without_javascript(live_server, quiz_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "amina@example.org", quiz_site["quiz"].url)
    page.get_by_role("button", name="Start the quiz").click()
    answer_right(page, 1)
    answer_right(page, 2)
    page.get_by_role("button", name="Next page").click()  # saves page 1 on the server
    page.wait_for_url(re.compile(r"\?page=2$"))
    page.get_by_role("button", name="Previous page").click()
    page.wait_for_url(re.compile(r"\?page=1$"))
    assert page.locator("#question-2").get_by_label(re.compile(r"^Right")).is_checked()
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review/$"))
    assert page.get_by_text("Grade: 2 out of 3 (67%)").is_visible()
    context.close()


def test_an_answer_given_before_the_script_arrives_is_saved(live_server, quiz_site, browser):
    """On a slow connection the learner may tick an answer before quiz.js has loaded: the
    script notices it when it runs and saves it, without waiting for another change."""
    from quizzes.models import Attempt

    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "amina@example.org", quiz_site["quiz"].url)
    page.route("**/quiz*.js", lambda route: route.abort())
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/learning/attempts/\d+/$"))
    answer_right(page, 1)
    source = page.locator("script[src*='quiz']").get_attribute("src")
    page.unroute("**/quiz*.js")
    page.add_script_tag(url=source)
    page.get_by_text("Saved at").wait_for()
    saved = Attempt.objects.get().questions.filter(saved_at__isnull=False)
    assert [question.slot for question in saved] == [1]
    context.close()
