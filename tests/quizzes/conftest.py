import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Images that question imports store go to a folder of the test's own, never into the
    repository's var/test-media (Moodle XML samples carry images)."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture
def learner(db):
    from tests.cms.factories import LearnerFactory

    return LearnerFactory(email="learner@example.org", first_name="Amina", last_name="Diallo")


@pytest.fixture
def trainer(db):
    from tests.cms.factories import TrainerFactory

    return TrainerFactory(email="trainer@example.org")


@pytest.fixture
def quiz_tree(taxonomy, home_page, learner):
    """A course (modules IF and CP, one lesson each), four questions on IF's indicators, a quiz
    in IF drawing three of them, and the learner enrolled."""
    from courses.services import enrol
    from tests.courses.factories import make_small_course
    from tests.quizzes.factories import make_bank, make_quiz

    course, modules = make_small_course(home_page, lessons=1)
    module, lessons = modules[0]
    bank = make_bank(module.criterion, 4)
    quiz = make_quiz(module)
    enrol(learner, course)
    return {"course": course, "module": module, "lesson": lessons[0], "bank": bank, "quiz": quiz}
