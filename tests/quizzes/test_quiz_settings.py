"""Quiz settings as editors set them: slot rules, dates, the review phases, and the admin's
page editor for a quiz (inline slots)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from quizzes.models import QuizPage, QuizSlot
from tests.quizzes.factories import make_question

pytestmark = pytest.mark.django_db


def test_a_slot_is_a_fixed_question_or_a_draw_never_both_nor_neither(quiz_tree):
    criterion = quiz_tree["module"].criterion
    question = quiz_tree["bank"][0]
    with pytest.raises(ValidationError, match="not both"):
        QuizSlot(question=question, draw_criterion=criterion).clean()
    with pytest.raises(ValidationError, match="say what to draw from"):
        QuizSlot().clean()
    QuizSlot(question=question).clean()
    QuizSlot(draw_criterion=criterion, draw_count=3).clean()


def test_a_question_without_indicators_cannot_enter_a_quiz(quiz_tree):
    untagged = make_question(name="Untagged", indicators=[])
    with pytest.raises(ValidationError, match="indicators"):
        QuizSlot(question=untagged).clean()


def test_a_quiz_must_close_after_it_opens(quiz_tree):
    quiz = quiz_tree["quiz"]
    quiz.opens_at = timezone.now()
    quiz.closes_at = quiz.opens_at - timedelta(days=1)
    with pytest.raises(ValidationError):
        quiz.clean()


def test_review_options_switch_when_the_quiz_closes(quiz_tree):
    quiz = quiz_tree["quiz"]
    quiz.after_submit_answers, quiz.after_close_answers = False, True
    quiz.after_submit_marks, quiz.after_close_marks = True, True
    assert quiz.review_options()["answers"] is False
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    assert quiz.review_options()["answers"] is True
    assert quiz.closed_reason()


def test_random_draws_use_only_tagged_questions_of_their_criterion(quiz_tree, learner):
    from quizzes import services

    make_question(name="Untagged", indicators=[])
    attempt = services.start_attempt(learner, quiz_tree["quiz"])
    drawn = set(attempt.questions.values_list("version__question__name", flat=True))
    assert "Untagged" not in drawn and len(drawn) == 3


def test_editors_edit_a_quiz_with_its_slots_in_the_admin(quiz_tree, client):
    from tests.cms.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    quiz = quiz_tree["quiz"]
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk]))
    assert edit.status_code == 200
    html = edit.content.decode()
    assert "Questions and random draws" in html and "Review immediately after the attempt" in html
    module = quiz_tree["module"]
    add = client.get(reverse("wagtailadmin_pages:add", args=["quizzes", "quizpage", module.pk]))
    assert add.status_code == 200
    assert QuizPage in module.specific_class.allowed_subpage_models()
