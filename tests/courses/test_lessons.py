"""The lesson page: the guide excerpt renders from the guide itself; exercise answers save
(form post or autosave) and come back; guides list the lessons that teach their indicator."""

import json
from datetime import date
from pathlib import Path

import pytest

from courses import services
from courses.models import ExerciseAnswer, LessonPage
from tests.courses.factories import make_lesson
from tests.security.html_safety import assert_nothing_executable
from tests.toolkit.factories import make_dimension, make_guide, make_toolkit

pytestmark = pytest.mark.django_db
PAYLOADS = Path(__file__).parents[1] / "security" / "xss_payloads.txt"


@pytest.fixture
def guide(taxonomy, home_page):
    return make_guide(make_dimension(make_toolkit(home_page)))


def prompt_keys(lesson):
    return [key for key, _text in LessonPage.objects.get(pk=lesson.pk).exercise_prompts()]


def test_the_excerpt_is_rendered_from_the_guide_and_follows_its_edits(client, course_tree, guide):
    module = course_tree["modules"][0][0]
    lesson = make_lesson(module, 3, guide=guide)
    assert "What the feature is." in client.get(lesson.url).content.decode()
    body = list(guide.body.raw_data)
    body[0] = {**body[0], "value": "<p>A newer definition.</p>"}
    guide.body = body
    guide.save_revision().publish()
    page = client.get(lesson.url).content.decode()
    assert "A newer definition." in page and "What the feature is." not in page
    assert guide.url in page


def test_an_unpublished_guide_leaves_the_lesson_readable(client, course_tree, guide):
    lesson = make_lesson(course_tree["modules"][0][0], 3, guide=guide)
    guide.unpublish()
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert b"What the feature is." not in response.content


def test_anyone_reads_a_lesson_but_only_enrolled_learners_answer(client, course_tree, learner):
    lesson = course_tree["lessons"][0]
    page = client.get(lesson.url).content.decode()
    assert "What share of households own a smartphone?" in page
    assert "<textarea" not in page and "Sign in and enrol" in page
    client.force_login(learner)
    keys = prompt_keys(lesson)
    response = client.post(f"/en/learning/lessons/{lesson.pk}/answers/", {f"answer-{keys[0]}": "x"})
    assert response.status_code == 302
    assert not ExerciseAnswer.objects.exists()


def test_answers_save_without_javascript_and_come_back(client, course_tree, learner):
    services.enrol(learner, course_tree["course"])
    lesson = course_tree["lessons"][0]
    client.force_login(learner)
    keys = prompt_keys(lesson)
    response = client.post(
        f"/en/learning/lessons/{lesson.pk}/answers/",
        {f"answer-{keys[0]}": "About 70% <b>own</b> one.", f"answer-{keys[1]}": "The library."},
        follow=True,
    )
    page = response.content.decode()
    assert "Your answers are saved." in page
    assert "About 70% &lt;b&gt;own&lt;/b&gt; one.</textarea>" in page
    assert ExerciseAnswer.objects.filter(user=learner).count() == 2


def test_autosave_answers_in_json_and_keeps_one_row_per_prompt(client, course_tree, learner):
    services.enrol(learner, course_tree["course"])
    lesson = course_tree["lessons"][0]
    client.force_login(learner)
    key = prompt_keys(lesson)[0]
    url = f"/en/learning/lessons/{lesson.pk}/answers/"
    for text in ("Draft", "Draft, then more"):
        response = client.post(url, {f"answer-{key}": text}, HTTP_ACCEPT="application/json")
        assert response.status_code == 200 and json.loads(response.content)["saved"] is True
    answer = ExerciseAnswer.objects.get(user=learner)
    assert answer.text == "Draft, then more"
    assert answer.lesson_key == lesson.translation_key


def test_an_unknown_prompt_or_an_overlong_answer_is_refused_and_nothing_is_lost(
    client, course_tree, learner
):
    services.enrol(learner, course_tree["course"])
    lesson = course_tree["lessons"][0]
    client.force_login(learner)
    key = prompt_keys(lesson)[0]
    url = f"/en/learning/lessons/{lesson.pk}/answers/"
    client.post(url, {f"answer-{key}": "Kept"})
    stale = client.post(
        url,
        {f"answer-{key}": "New", "answer-00000000-0000-0000-0000-000000000000": "?"},
        HTTP_ACCEPT="application/json",
    )
    assert stale.status_code == 409 and "reload" in json.loads(stale.content)["error"]
    too_long = client.post(url, {f"answer-{key}": "x" * 10_001}, follow=True)
    assert "longer than" in too_long.content.decode()
    assert ExerciseAnswer.objects.get(user=learner).text == "Kept"


def test_xss_in_answers_never_executes_for_the_trainer(client, course_tree, learner, trainer):
    cohort = services.create_cohort(trainer, "Workshop")
    services.assign(cohort, course_tree["course"], None, due_on=date.today())
    services.add_member(cohort, learner)
    lesson = course_tree["lessons"][0]
    key = prompt_keys(lesson)[0]
    client.force_login(trainer)
    payloads = [line for line in PAYLOADS.read_text().splitlines() if line.strip()]
    assert len(payloads) >= 50
    for payload in payloads:
        services.save_answers(learner, lesson, {key: payload})
        page = client.get(f"/en/learning/cohorts/{cohort.pk}/learners/{learner.pk}/")
        assert page.status_code == 200
        assert_nothing_executable(page.content.decode(), payload)


def test_reaching_the_end_marks_the_lesson_done_by_json(client, course_tree, learner):
    services.enrol(learner, course_tree["course"])
    lesson = course_tree["lessons"][0]
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert "data-complete-on-reach" in page and "lesson.js" in page
    response = client.post(
        f"/en/learning/lessons/{lesson.pk}/complete/", HTTP_ACCEPT="application/json"
    )
    assert json.loads(response.content) == {"completed": True, "course_finished": False}
    assert "data-complete-on-reach" not in client.get(lesson.url).content.decode()


def test_mark_as_done_goes_to_the_next_lesson(client, course_tree, learner):
    services.enrol(learner, course_tree["course"])
    first, second = course_tree["lessons"][:2]
    client.force_login(learner)
    response = client.post(f"/en/learning/lessons/{first.pk}/complete/", {"next": "1"})
    assert response["Location"] == second.url


def test_guides_list_the_lessons_that_teach_their_indicator(client, course_tree, guide):
    tagged = LessonPage.objects.filter(indicators=guide.indicator).count()
    lesson = make_lesson(course_tree["modules"][0][0], 3, indicators=[guide.indicator])
    page = client.get(guide.url).content.decode()
    assert f"{tagged + 1} lessons teach this indicator" in page
    assert lesson.url in page
    lesson.unpublish()
    assert lesson.url not in client.get(guide.url).content.decode()
