"""The question bank: the choice rules, indicators required to enter a quiz, frozen versions,
and the learner's view that never carries answers or feedback."""

from decimal import Decimal

import pytest

from quizzes.models import Choice, Question, QuestionCategory
from quizzes.rendering import render_question
from tests.quizzes.factories import make_question

pytestmark = pytest.mark.django_db


def test_categories_nest_from_moodle_paths(db):
    leaf = QuestionCategory.from_path("top/Local/Services provision")
    assert leaf.path == "top/Local/Services provision"
    assert QuestionCategory.from_path("top/Local/Services provision") == leaf
    assert QuestionCategory.objects.count() == 3


def test_untagged_questions_cannot_enter_a_quiz(taxonomy):
    tagged = make_question()
    untagged = make_question(indicators=[], name="From Moodle")
    assert list(Question.objects.tagged()) == [tagged]
    assert list(Question.objects.needs_indicators()) == [untagged]
    assert untagged.needs_indicators and not tagged.needs_indicators


@pytest.mark.parametrize(
    "qtype, choices, problem",
    [
        ("single", [("A", 0.5), ("B", 0)], "full marks"),
        ("single", [("A", 1)], "at least two choices"),
        ("multiple", [("A", 0.5), ("B", 0.3), ("C", -1)], "add up to 100%"),
        ("numerical", [("twelve", 1)], "is not a number"),
        ("matching", [("x", 0, {"prompt": "p"})], "two pairs"),
        ("ordering", [("only", 0)], "two items"),
    ],
)
def test_choice_rules(qtype, choices, problem):
    question = Question(qtype=qtype)
    built = [
        Choice(text=t, fraction=Decimal(str(f)), **(e[0] if e else {})) for t, f, *e in choices
    ]
    assert any(problem in str(p) for p in question.choice_problems(built))


def test_a_sound_question_has_no_problem():
    question = Question(qtype="multiple")
    built = [
        Choice(text="A", fraction=Decimal("0.5")),
        Choice(text="B", fraction=Decimal("0.5")),
        Choice(text="C", fraction=Decimal("-1")),
    ]
    assert question.choice_problems(built) == []


def test_editing_a_question_never_changes_a_version_taken(taxonomy):
    question = make_question()
    first = question.current_version()
    assert question.current_version() == first  # unchanged: the same version
    choice = question.choices.first()
    choice.text = "Right, reworded"
    choice.save()
    question.refresh_from_db()
    second = question.current_version()
    assert second.number == 2
    first.refresh_from_db()
    assert first.data["choices"][0]["text"] == "Right"
    assert second.data["choices"][0]["text"] == "Right, reworded"


def test_a_cloze_question_is_checked_when_saved(taxonomy):
    question = make_question(
        qtype="cloze", choices=(), stem="<p>Pay {1:MULTICHOICE:online~post}.</p>"
    )
    with pytest.raises(Exception, match="no answer gives marks"):
        question.full_clean()
    question.stem = "<p>Pay {1:MULTICHOICE:=online~post}.</p>"
    question.full_clean()
    assert question.snapshot()["parts"][0]["type"] == "single"


LEAKS = ("Feedback for", "fraction", "1.0", "tolerance", "Right answer is")


@pytest.mark.parametrize(
    "qtype, choices, stem",
    [
        ("single", [("Right", 1), ("Wrong", 0)], "<p>Pick one</p>"),
        ("multiple", [("Right", 0.5), ("Also right", 0.5), ("Wrong", -1)], "<p>Pick</p>"),
        ("shortanswer", [("portal", 1)], "<p>Name it</p>"),
        ("numerical", [("1500", 1, {"tolerance": Decimal("10")})], "<p>How many?</p>"),
        (
            "matching",
            [("Finance", 0, {"prompt": "Budget"}), ("Planning", 0, {"prompt": "Permits"})],
            "<p>Match</p>",
        ),
        ("ordering", [("First", 0), ("Second", 0), ("Third", 0)], "<p>Order</p>"),
        (
            "cloze",
            [],
            "<p>Pay {1:SHORTANSWER:=online#Feedback for online} or "
            "{1:MULTICHOICE:=here#Feedback for here~there}</p>",
        ),
    ],
)
def test_the_learners_view_carries_no_answer_or_feedback(taxonomy, qtype, choices, stem):
    question = make_question(qtype=qtype, choices=choices, stem=stem)
    html = str(render_question(question.current_version().data, "q1"))
    for leak in LEAKS:
        assert leak not in html, (qtype, leak)
    assert 'name="q1' in html
    if qtype in ("single", "multiple", "ordering"):
        assert all(text in html for text, *_rest in choices)
    if qtype == "shortanswer":
        assert "portal" not in html


def test_question_text_and_choices_are_escaped_or_sanitised(taxonomy):
    question = make_question(
        stem='<p>Hi</p><script>alert(1)</script><img src=x onerror="alert(2)">',
        choices=(("<b onmouseover=alert(3)>Right</b>", 1), ("Wrong", 0)),
    )
    html = str(render_question(question.current_version().data, "q1"))
    assert "<script" not in html and "onerror" not in html
    assert "&lt;b onmouseover=alert(3)&gt;" in html


def test_the_admin_requires_indicators_and_previews(admin_client, taxonomy):
    question = make_question()
    edit = admin_client.get(f"/admin/snippets/quizzes/question/edit/{question.pk}/")
    assert edit.status_code == 200
    listing = admin_client.get("/admin/snippets/quizzes/question/")
    assert listing.status_code == 200 and question.name in listing.content.decode()
    untagged = make_question(indicators=[], name="Needs tags")
    listing = admin_client.get("/admin/snippets/quizzes/question/").content.decode()
    assert "Needs indicators" in listing and untagged.name in listing
