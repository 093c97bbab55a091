import pytest

from tests.cms.factories import LearnerFactory, TrainerFactory
from tests.courses.factories import make_small_course


@pytest.fixture
def course_tree(taxonomy, home_page):
    """A published course: modules IF and CP, two lessons each (four requirements)."""
    course, modules = make_small_course(home_page)
    return {
        "course": course,
        "modules": modules,
        "lessons": [lesson for _m, ls in modules for lesson in ls],
    }


@pytest.fixture
def learner(db):
    return LearnerFactory(email="learner@example.org", first_name="Amina", last_name="Diallo")


@pytest.fixture
def trainer(db):
    return TrainerFactory(email="trainer@example.org")
