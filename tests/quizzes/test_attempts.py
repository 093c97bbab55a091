"""Attempts: fixed on the server at start, autosaved, graded once on submit, deadline and
attempt limits enforced, review options respected, nothing leaked before the review."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from courses.models import ItemCompletion, Requirement
from courses.selectors import learner_progress
from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, QuizSlot
from quizzes.selectors import quiz_grade
from tests.quizzes.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


def right_choice(question: AttemptQuestion) -> str:
    return next(c["id"] for c in question.version.data["choices"] if c["fraction"] == 1)


def wrong_choice(question: AttemptQuestion) -> str:
    return next(c["id"] for c in question.version.data["choices"] if c["fraction"] == 0)


def answers(attempt, pick=right_choice) -> QueryDict:
    post = QueryDict(mutable=True)
    for question in attempt.questions.select_related("version"):
        post.appendlist("slots", str(question.slot))
        post[f"q{question.slot}"] = pick(question)
    return post


def test_starting_fixes_questions_and_a_second_tab_gets_the_same_attempt(quiz_tree, learner):
    attempt = services.start_attempt(learner, quiz_tree["quiz"])
    again = services.start_attempt(learner, quiz_tree["quiz"])
    assert again.pk == attempt.pk
    questions = list(attempt.questions.select_related("version"))
    assert [q.slot for q in questions] == [1, 2, 3]
    assert len({q.version.question_id for q in questions}) == 3  # never the same one twice
    bank = {question.pk for question in quiz_tree["bank"]}
    assert {q.version.question_id for q in questions} <= bank
    assert attempt.max_points == 3


def test_editing_a_question_never_changes_an_attempt_already_taken(quiz_tree, learner):
    attempt = services.start_attempt(learner, quiz_tree["quiz"])
    question = attempt.questions.select_related("version__question").first()
    original = question.version.data["stem"]
    bank_question = question.version.question
    bank_question.stem = "<p>Edited later.</p>"
    bank_question.save()
    question.refresh_from_db()
    assert question.version.data["stem"] == original
    assert bank_question.current_version().number == question.version.number + 1


def test_a_learner_not_enrolled_cannot_start(quiz_tree):
    from tests.cms.factories import LearnerFactory

    with pytest.raises(services.QuizActionRefused, match="Enrol"):
        services.start_attempt(LearnerFactory(), quiz_tree["quiz"])


def test_attempt_limit_and_closing_date(quiz_tree, learner):
    quiz = quiz_tree["quiz"]
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    attempt = services.start_attempt(learner, quiz)
    services.submit(learner, attempt.pk, answers(attempt))
    with pytest.raises(services.QuizActionRefused, match="used all the attempts"):
        services.start_attempt(learner, quiz)
    quiz.attempts_allowed = 0
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save_revision().publish()
    with pytest.raises(services.QuizActionRefused, match="closed"):
        services.start_attempt(learner, quiz)


def test_a_new_attempt_after_submitting_is_numbered_two(quiz_tree, learner):
    first = services.start_attempt(learner, quiz_tree["quiz"])
    services.submit(learner, first.pk, answers(first, wrong_choice))
    second = services.start_attempt(learner, quiz_tree["quiz"])
    assert (first.number, second.number) == (1, 2)


def test_submit_grades_on_the_server_and_completes_the_quiz_in_its_module(quiz_tree, learner):
    quiz = quiz_tree["quiz"]
    requirement = Requirement.objects.get(item_key=quiz.translation_key)
    assert requirement.kind == Requirement.Kind.QUIZ
    assert requirement.module_key == quiz_tree["module"].translation_key
    attempt = services.start_attempt(learner, quiz)
    result = services.submit(learner, attempt.pk, answers(attempt))
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED
    assert (attempt.points, attempt.percent) == (3, 100.0)
    assert result.completed
    assert ItemCompletion.objects.filter(user=learner, item_id=quiz.translation_key).exists()
    progress = learner_progress(learner, [quiz_tree["course"].translation_key])[0]
    module = next(m for m in progress.modules if m.key == quiz_tree["module"].translation_key)
    assert (module.done, module.total) == (1, 2)  # the quiz done, the lesson not yet


def test_a_failed_attempt_does_not_complete_the_quiz(quiz_tree, learner):
    attempt = services.start_attempt(learner, quiz_tree["quiz"])
    result = services.submit(learner, attempt.pk, answers(attempt, wrong_choice))
    assert not result.completed
    assert not ItemCompletion.objects.filter(user=learner).exists()


def test_double_submit_gives_one_graded_attempt(quiz_tree, learner):
    attempt = services.start_attempt(learner, quiz_tree["quiz"])
    first = services.submit(learner, attempt.pk, answers(attempt))
    second = services.submit(learner, attempt.pk, answers(attempt, wrong_choice))
    assert not first.already and second.already
    attempt.refresh_from_db()
    assert attempt.percent == 100.0  # the second post changed nothing
    assert learner.quiz_evidence.count() == 3


def test_answers_after_the_deadline_are_not_counted(quiz_tree, learner):
    quiz = quiz_tree["quiz"]
    quiz.time_limit_minutes = 10
    quiz.save_revision().publish()
    start = timezone.now()
    attempt = services.start_attempt(learner, quiz, now=start)
    assert attempt.deadline == start + timedelta(minutes=10)
    services.save_responses(learner, attempt.pk, answers(attempt), now=start + timedelta(minutes=5))
    late = start + timedelta(minutes=11)
    with pytest.raises(services.QuizActionRefused, match="Time is up"):
        services.save_responses(learner, attempt.pk, answers(attempt, wrong_choice), now=late)
    result = services.submit(learner, attempt.pk, answers(attempt, wrong_choice), now=late)
    attempt.refresh_from_db()
    assert result.late and attempt.late
    assert attempt.percent == 100.0  # graded on the answers saved in time


def test_an_expired_attempt_is_submitted_when_next_opened(quiz_tree, learner, client):
    quiz = quiz_tree["quiz"]
    quiz.time_limit_minutes = 1
    quiz.save_revision().publish()
    attempt = services.start_attempt(learner, quiz, now=timezone.now() - timedelta(minutes=5))
    client.force_login(learner)
    response = client.get(reverse("quiz_attempt", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("quiz_review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.late


def test_quiz_grade_by_grading_method():
    grades = [40.0, 90.0, 70.0]
    assert quiz_grade(grades, "highest") == 90.0
    assert quiz_grade(grades, "last") == 70.0
    assert quiz_grade(grades, "first") == 40.0
    assert quiz_grade(grades, "average") == pytest.approx(66.6667, abs=1e-3)
    assert quiz_grade([], "highest") is None


# --- the pages ---------------------------------------------------------------------------------


def test_autosave_survives_a_reload_and_leaks_nothing(quiz_tree, learner, client):
    client.force_login(learner)
    client.post(reverse("quiz_start", args=[quiz_tree["quiz"].pk]))
    attempt = Attempt.objects.get(user=learner)
    question = attempt.questions.select_related("version").first()
    choice = wrong_choice(question)
    response = client.post(
        reverse("quiz_attempt", args=[attempt.pk]),
        {"slots": [question.slot], f"q{question.slot}": choice},
        HTTP_ACCEPT="application/json",
    )
    data = response.json()
    assert response.status_code == 200 and data["saved"] is True
    assert set(data) == {"saved", "changed", "at"}  # no grade, no right answer
    page = client.get(reverse("quiz_attempt", args=[attempt.pk])).content.decode()
    assert f'value="{choice}" checked' in page


def test_the_open_attempt_page_contains_no_answer_or_feedback(quiz_tree, learner, client):
    for question in quiz_tree["bank"]:
        question.general_feedback = "<p>General feedback text</p>"
        question.save()
    client.force_login(learner)
    client.post(reverse("quiz_start", args=[quiz_tree["quiz"].pk]))
    attempt = Attempt.objects.get(user=learner)
    page = client.get(reverse("quiz_attempt", args=[attempt.pk])).content.decode()
    summary = client.get(reverse("quiz_summary", args=[attempt.pk])).content.decode()
    for html in (page, summary):
        assert "Feedback for" not in html
        assert "General feedback text" not in html
        assert "fraction" not in html
    assert "Right 0" in page or "Right 1" in page  # the choices themselves are shown
    # The right choice is not marked out: every choice input looks the same.
    assert page.count('type="radio"') == 6


def test_no_js_flow_pages_summary_submit_review(quiz_tree, learner, client):
    quiz = quiz_tree["quiz"]
    quiz.questions_per_page = 2
    quiz.save_revision().publish()
    client.force_login(learner)
    response = client.post(reverse("quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    assert response["Location"] == reverse("quiz_attempt", args=[attempt.pk])
    questions = list(attempt.questions.select_related("version"))
    page1 = {
        "slots": ["1", "2"],
        "q1": right_choice(questions[0]),
        "q2": right_choice(questions[1]),
    }
    response = client.post(reverse("quiz_attempt", args=[attempt.pk]), {**page1, "go": "2"})
    assert response["Location"].endswith("?page=2")
    page2 = client.get(response["Location"]).content.decode()
    assert "Question 3" in page2 and "Question 1" not in page2
    response = client.post(
        reverse("quiz_attempt", args=[attempt.pk]),
        {"slots": ["3"], "q3": wrong_choice(questions[2]), "go": "finish"},
    )
    assert response["Location"] == reverse("quiz_summary", args=[attempt.pk])
    response = client.post(reverse("quiz_submit", args=[attempt.pk]))
    review = client.get(response["Location"]).content.decode()
    assert "Grade: 2 out of 3 (67%)" in review
    assert "By indicator" in review
    assert "Feedback for Wrong" in review  # feedback shown after submitting (the default)
    assert "The right answer:" not in review  # right answers only after the quiz closes


def test_review_options_hide_marks_and_show_right_answers(quiz_tree, learner, client):
    quiz = quiz_tree["quiz"]
    quiz.after_submit_marks = False
    quiz.after_submit_feedback = False
    quiz.after_submit_answers = True
    quiz.save_revision().publish()
    attempt = services.start_attempt(learner, quiz)
    services.submit(learner, attempt.pk, answers(attempt, wrong_choice))
    client.force_login(learner)
    review = client.get(reverse("quiz_review", args=[attempt.pk])).content.decode()
    assert "Grade:" not in review and "By indicator" not in review
    assert "Feedback for" not in review
    assert "The right answer:" in review and "Right " in review
    quiz_page = client.get(quiz.url).content.decode()
    assert "Your grade for this quiz" not in quiz_page


def test_someone_elses_attempt_is_not_found(quiz_tree, learner, client):
    from tests.cms.factories import LearnerFactory

    attempt = services.start_attempt(learner, quiz_tree["quiz"])
    client.force_login(LearnerFactory())
    for name in ("quiz_attempt", "quiz_summary", "quiz_review"):
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 404
    assert client.post(reverse("quiz_submit", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


def test_fixed_questions_and_points(quiz_tree, learner, home_page):
    module = quiz_tree["module"]
    fixed = make_question(name="Fixed", choices=(("Yes", 1), ("No", 0)))
    quiz = make_quiz(
        module,
        slug="fixed-quiz",
        slots=[
            QuizSlot(question=fixed, points=5),
            QuizSlot(draw_count=1, draw_criterion=module.criterion),
        ],
    )
    attempt = services.start_attempt(learner, quiz)
    questions = list(attempt.questions.select_related("version"))
    assert questions[0].version.question_id == fixed.pk and questions[0].max_points == 5
    assert attempt.max_points == 6


def test_hostile_posts_are_refused_or_ignored(quiz_tree, learner, client):
    client.force_login(learner)
    client.post(reverse("quiz_start", args=[quiz_tree["quiz"].pk]))
    attempt = Attempt.objects.get(user=learner)
    url = reverse("quiz_attempt", args=[attempt.pk])
    for payload in (
        {"slots": ["1"], "q1": "<script>alert(1)</script>"},
        {"slots": ["x", "99999"], "q1": "1"},
        {"slots": ["1"], "q1": "9" * 5000},
        {"go": "99999999999"},
    ):
        assert client.post(url, payload).status_code == 302
    assert client.get(url + "?page=abc").status_code == 200
    question = attempt.questions.get(slot=1)
    assert question.response is None  # not one of its choices: nothing stored
    assert json.dumps(question.response) == "null"


def test_hostile_stems_feedback_and_answers_render_safely(quiz_tree, learner, client):
    """The 69 payloads as a question's text, choices and feedback (an imported bank is user
    input) and as a learner's typed answer: the attempt page and the review show them inert."""
    from tests.security.html_safety import PAYLOADS, assert_nothing_executable

    module = quiz_tree["module"]
    slots = []
    for n, payload in enumerate(PAYLOADS):
        question = make_question(
            qtype="shortanswer",
            name=f"Hostile {n}",
            stem=f"<p>{payload}</p>",
            choices=((payload, 1),),
            general_feedback=f"<p>{payload}</p>",
        )
        slots.append(QuizSlot(question=question))
    quiz = make_quiz(module, slug="hostile", slots=slots, questions_per_page=100)
    quiz.after_submit_answers = True
    quiz.save_revision().publish()
    client.force_login(learner)
    client.post(reverse("quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz_key=quiz.translation_key)
    post = {"slots": [str(n) for n in range(1, len(PAYLOADS) + 1)]}
    post.update({f"q{n}": payload for n, payload in enumerate(PAYLOADS, start=1)})
    client.post(reverse("quiz_attempt", args=[attempt.pk]), post)
    page = client.get(reverse("quiz_attempt", args=[attempt.pk])).content.decode()
    assert_nothing_executable(page)
    client.post(reverse("quiz_submit", args=[attempt.pk]))
    review = client.get(reverse("quiz_review", args=[attempt.pk])).content.decode()
    assert_nothing_executable(review)
