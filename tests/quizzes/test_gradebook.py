"""The cohort's gradebook export carries a column per quiz of its assigned modules: each
learner's grade by the quiz's grading method, "-" before any finished attempt."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services as courses
from quizzes import services
from quizzes.models import QuizPage
from tests.cms.factories import LearnerFactory
from tests.quizzes.test_attempts import answers, right_choice, wrong_choice

pytestmark = pytest.mark.django_db


def first_right(question):
    return right_choice(question) if question.slot == 1 else wrong_choice(question)


def take(user, quiz, pick):
    attempt = services.start_attempt(user, quiz)
    services.submit(user, attempt.pk, answers(attempt, pick))


@pytest.fixture
def cohort(quiz_tree, learner, trainer):
    cohort = courses.create_cohort(trainer, "Lakeside workshop")
    courses.assign(cohort, quiz_tree["course"], None, timezone.localdate())
    courses.add_member(cohort, learner)
    return cohort


def export(client, cohort):
    response = client.get(f"/en/learning/cohorts/{cohort.pk}/export.csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_has_a_grade_column_per_quiz(client, quiz_tree, learner, trainer, cohort):
    quiz = quiz_tree["quiz"]
    quiz.grading_method = QuizPage.Grading.AVERAGE
    quiz.save()
    idle = LearnerFactory(first_name="Bo", last_name="Idle")
    courses.enrol(idle, quiz_tree["course"])
    courses.add_member(cohort, idle)
    take(learner, quiz, wrong_choice)  # 0%
    take(learner, quiz, first_right)  # 1 of 3: 33.33%
    client.force_login(trainer)

    rows = export(client, cohort)

    header = rows[0]
    column = header.index(f"Quiz: {quiz.title} (Percentage)")
    assert header[column + 1] == "Course total (Percentage)"
    assert header[column - 1].startswith("Module: ")  # after the modules, as Moodle lists items
    by_last = {row[1]: row for row in rows[1:]}
    assert by_last["Diallo"][column] == "16.67 %"  # the average of 0 and 33.33
    assert by_last["Idle"][column] == "-"  # no finished attempt: no grade


def test_the_quiz_columns_cost_the_same_queries_for_any_number_of_learners(
    client, quiz_tree, learner, trainer, cohort
):
    quiz = quiz_tree["quiz"]
    take(learner, quiz, right_choice)
    client.force_login(trainer)
    export(client, cohort)  # warm the caches any first request fills

    def count():
        with CaptureQueriesContext(connection) as captured:
            export(client, cohort)
        return len(captured)

    small = count()
    for _ in range(4):
        user = LearnerFactory()
        courses.enrol(user, quiz_tree["course"])
        courses.add_member(cohort, user)
        take(user, quiz, first_right)
    assert count() == small
