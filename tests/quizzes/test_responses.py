"""What a learner posts is what is stored, shown back and graded, for every question type in
the Moodle XML sample (single, multiple, true/false, short answer, numerical, matching,
ordering, cloze): the right answer posted through the form gets full marks, a wrong one does
not, and the page shows the saved answer back after a reload."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from quizzes import responses
from quizzes.demo import as_post, right_response, wrong_response
from quizzes.grading import grade
from quizzes.models import Question
from quizzes.rendering import render_question

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "samples" / "moodle.xml"


@pytest.fixture
def every_type(taxonomy):
    call_command(
        "import_questions",
        str(SAMPLE),
        "--indicators",
        "LOSI-2024:#281",
        "--skip-unsupported",
        stdout=StringIO(),
        stderr=StringIO(),
        verbosity=0,
    )
    questions = [q.snapshot() for q in Question.objects.all()]
    assert {data["type"] for data in questions} >= {
        "single",
        "multiple",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
        "ordering",
        "cloze",
    }
    return questions


def test_a_right_answer_posted_through_the_form_gets_full_marks(every_type):
    for data in every_type:
        stored = responses.read(data, "q1", as_post(1, data, right_response(data)))
        assert grade(data, responses.for_grading(data, stored)).correct, data["name"]


def test_a_wrong_answer_posted_through_the_form_does_not(every_type):
    for data in every_type:
        stored = responses.read(data, "q1", as_post(1, data, wrong_response(data)))
        assert not grade(data, responses.for_grading(data, stored)).correct, data["name"]


def test_the_page_shows_the_saved_answer_back(every_type):
    for data in every_type:
        stored = responses.read(data, "q1", as_post(1, data, right_response(data)))
        html = str(render_question(data, "q1", stored, seed=3))
        if data["type"] in ("single", "multiple", "truefalse"):
            assert " checked" in html, data["name"]
        elif data["type"] in ("matching", "ordering"):
            assert " selected" in html, data["name"]
        elif data["type"] in ("shortanswer", "numerical"):
            assert f'value="{stored}"' in html, data["name"]


def test_a_half_ordered_list_is_kept_and_graded_as_not_ordered(every_type):
    data = next(d for d in every_type if d["type"] == "ordering")
    first = data["choices"][0]["id"]
    post = as_post(1, data, {first: 1})
    stored = responses.read(data, "q1", post)
    assert stored == {str(first): 1}
    assert grade(data, responses.for_grading(data, stored)).fraction == 0
    same_place = {c["id"]: 1 for c in data["choices"]}  # every item at position 1
    stored = responses.read(data, "q1", as_post(1, data, same_place))
    assert grade(data, responses.for_grading(data, stored)).fraction == 0


def test_unknown_choices_and_junk_are_not_stored(every_type):
    from django.http import QueryDict

    for data in every_type:
        junk = QueryDict(mutable=True)
        for key in ("q1", "q1-1", "q1-2", "q1-9999"):
            junk[key] = (
                "<script>alert(1)</script>"
                if data["type"] not in ("shortanswer", "numerical", "cloze")
                else ""
            )
        assert responses.read(data, "q1", junk) is None, data["name"]
