"""A learner enrols on a phone, takes two lessons, answers an exercise (autosaved), sees the
progress bar move and joins the cohort; the trainer sees it in the matrix. Then the same
without JavaScript. Built from factories (not the whole demo), so it stays quick."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.cms.factories import PASSWORD, LearnerFactory, TrainerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def course_site(transactional_db):
    from cms.demo import ensure_home_page
    from courses import services
    from tests.courses.factories import make_small_course

    call_command("load_frameworks", stdout=StringIO())
    home, _created = ensure_home_page()
    course, modules = make_small_course(home, title="Local course")
    trainer = TrainerFactory(email="trainer@example.org", first_name="Tomás")
    cohort = services.create_cohort(trainer, "Lakeside workshop")
    services.assign(cohort, course, None, timezone.localdate() + timedelta(days=14))
    learner = LearnerFactory(email="amina@example.org", first_name="Amina", last_name="Diallo")
    return {"course": course, "modules": modules, "cohort": cohort, "learner": learner}


def sign_in(page, base, email, next_url):
    page.goto(f"{base}/en/accounts/sign-in/?next={next_url}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{next_url}")


def test_learner_takes_two_lessons_and_the_trainer_sees_it(
    live_server, course_site, browser, phone_page, screenshot
):
    base = live_server.url
    course = course_site["course"]
    page = phone_page
    sign_in(page, base, "amina@example.org", course.url)

    page.get_by_role("button", name="Enrol in this course").click()
    assert page.get_by_text("You are enrolled").is_visible()
    assert page.get_by_text("0% done (0 of 4 lessons)").is_visible()

    page.get_by_role("link", name="Lesson 1 of Module IF").click()
    page.wait_for_url(f"{base}{course_site['modules'][0][1][0].url}")
    # The exercise answer saves itself while the learner types.
    answer = page.get_by_label("What share of households own a smartphone?")
    answer.fill("About 70%, fewer in the northern villages.")
    page.get_by_text("Saved at").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "lesson-phone-exercise")
    page.get_by_role("button", name="Mark as done and go to the next lesson").click()
    page.wait_for_url(f"{base}{course_site['modules'][0][1][1].url}")
    page.get_by_role("button", name="Mark as done and go to the next lesson").click()
    page.wait_for_url(f"{base}{course_site['modules'][1][1][0].url}")

    page.goto(f"{base}/en/learning/")
    assert page.locator("progress").first.get_attribute("value") == "50"
    assert page.get_by_text("50% done (2 of 4 lessons)").is_visible()
    screenshot(page, "my-learning-phone")
    # The answer is still there after leaving the page.
    page.goto(f"{base}{course_site['modules'][0][1][0].url}")
    assert (
        "northern villages"
        in page.get_by_label("What share of households own a smartphone?").input_value()
    )

    # She joins her trainer's cohort with the shared link.
    page.goto(f"{base}/en/learning/join/{course_site['cohort'].invite_code}/")
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(f"{base}/en/learning/")
    assert page.get_by_text("Lakeside workshop").first.is_visible()

    trainer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(trainer, base, "trainer@example.org", "/en/learning/cohorts/")
    trainer.get_by_role("link", name="Lakeside workshop").click()
    row = trainer.locator("table.matrix tbody tr", has_text="Amina Diallo")
    cells = row.locator("td")
    assert cells.nth(0).inner_text().strip() == "Done"
    assert cells.nth(1).inner_text().strip() == "Not started"
    screenshot(trainer, "cohort-matrix-desktop")
    row.get_by_role("link", name="Amina Diallo").click()
    trainer.get_by_text("1 exercise answer").click()
    assert trainer.get_by_text("About 70%, fewer in the northern villages.").is_visible()


def test_a_lesson_works_without_javascript(live_server, course_site, browser):
    from courses import services

    base = live_server.url
    services.enrol(course_site["learner"], course_site["course"])
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    lesson = course_site["modules"][0][1][0]
    sign_in(page, base, "amina@example.org", lesson.url)
    page.get_by_label("Which spaces offer public Wi-Fi?").fill("The central library.")
    page.get_by_role("button", name="Save my answers").click()
    assert page.get_by_text("Your answers are saved.").is_visible()
    assert page.get_by_label("Which spaces offer public Wi-Fi?").input_value() == (
        "The central library."
    )
    page.get_by_role("button", name="Mark as done and go to the next lesson").click()
    page.goto(f"{base}/en/learning/")
    assert page.get_by_text("25% done (1 of 4 lessons)").is_visible()
    context.close()


def test_an_answer_typed_before_the_script_arrives_is_saved(live_server, course_site, browser):
    """On a slow connection the learner may type before lesson.js has loaded: the script
    notices the edited field when it runs and saves it, instead of waiting for the next key."""
    from courses import services

    base = live_server.url
    services.enrol(course_site["learner"], course_site["course"])
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    lesson = course_site["modules"][0][1][0]
    sign_in(page, base, "amina@example.org", lesson.url)
    page.route("**/lesson*.js", lambda route: route.abort())
    page.reload()
    page.get_by_label("Which spaces offer public Wi-Fi?").fill("The market square.")
    source = page.locator("script[src*='lesson']").get_attribute("src")
    page.unroute("**/lesson*.js")
    page.add_script_tag(url=source)
    page.get_by_text("Saved at").wait_for()
    page.reload()
    assert page.get_by_label("Which spaces offer public Wi-Fi?").input_value() == (
        "The market square."
    )
    context.close()
