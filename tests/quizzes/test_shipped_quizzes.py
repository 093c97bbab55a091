"""What `make run` ships: a quiz in every module of both courses, each able to draw its five
questions from the module's criterion, and demo learners whose attempts give real mastery."""

from io import StringIO

import pytest
from django.core.management import call_command

from courses.models import Certificate, ModulePage, Requirement
from quizzes import mastery, selectors, services
from quizzes.models import Attempt, QuizPage

pytestmark = pytest.mark.django_db


def run(command):
    out = StringIO()
    call_command(command, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


@pytest.fixture
def shipped(taxonomy, home_page):
    for command in ("import_toolkit", "import_courses", "import_questions"):
        run(command)
    return run("import_quizzes")


def test_every_module_of_both_courses_has_a_quiz_that_can_draw_its_questions(shipped):
    import random

    modules = list(ModulePage.objects.live())
    assert len(modules) == 12
    assert "quizzes created: 12" in shipped
    assert Requirement.objects.filter(kind=Requirement.Kind.QUIZ).count() == 12
    for module in modules:
        quiz = QuizPage.objects.child_of(module).get()
        drawn = services.draw(quiz, random.Random(1))
        assert len(drawn) == services.MODULE_QUIZ_DRAW, module.title
        criteria = {
            indicator.criterion_id
            for question, _points in drawn
            for indicator in question.indicators.all()
        }
        assert criteria == {module.criterion_id}, module.title
    assert "quizzes unchanged: 12" in run("import_quizzes")  # idempotent


def test_demo_learners_have_attempts_and_real_mastery(shipped):
    from cms.demo import ensure_demo_accounts
    from courses.demo import ensure_demo_cohort
    from quizzes.demo import ensure_demo_attempts

    ensure_demo_accounts()
    cohort = ensure_demo_cohort()
    made = ensure_demo_attempts()
    assert made > 20
    assert ensure_demo_attempts() == 0  # idempotent
    strongest = cohort.members.get(user__email="learner01@example.org").user
    progress = selectors.progress(strongest)
    levels = {
        row.level
        for framework in progress["frameworks"]
        for criterion in framework.criteria
        for row in criterion.indicators
    }
    assert mastery.MASTERED in levels and mastery.EMERGING in levels | {mastery.DEVELOPING}
    assert Certificate.objects.filter(user=strongest).exists()  # lessons and quizzes passed
    demo = cohort.members.get(user__email="learner@example.org").user
    assert Attempt.objects.filter(user=demo, practice=True, state="finished").exists()
    assert selectors.progress(demo)["weakest"]
    heatmap = selectors.cohort_indicators(cohort)
    assert heatmap["weakest"] and heatmap["rows"]
