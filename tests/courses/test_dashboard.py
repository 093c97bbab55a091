"""The trainer's matrix (statuses, totals, sorting, filtering), the CSV export in Moodle's
gradebook layout, "My learning", and constant query counts as cohorts grow."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import selectors, services
from tests.cms.factories import LearnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(trainer, course_tree):
    """Module IF overdue, module CP due later; four learners at different stages."""
    cohort = services.create_cohort(trainer, "Matrix")
    course = course_tree["course"]
    (module_if, lessons_if), (module_cp, lessons_cp) = course_tree["modules"]
    today = timezone.localdate()
    services.assign(cohort, course, module_if, today + timedelta(days=5))
    services.assign(cohort, course, module_cp, today + timedelta(days=20))
    # The IF assignment's due date has passed (set directly: the form refuses past dates).
    cohort.assignments.filter(module_key=module_if.translation_key).update(
        due_on=today - timedelta(days=1)
    )
    people = {
        "done": LearnerFactory(first_name="Ana", last_name="Zeta"),
        "half": LearnerFactory(first_name="Bo", last_name="Young"),
        "none": LearnerFactory(first_name="Cy", last_name="Xu"),
        "if_only": LearnerFactory(first_name="Di", last_name="Wu"),
    }
    for user in people.values():
        services.add_member(cohort, user)
    for lesson in course_tree["lessons"]:
        services.complete_lesson(people["done"], lesson)
    services.complete_lesson(people["half"], lessons_if[0])
    for lesson in lessons_if:
        services.complete_lesson(people["if_only"], lesson)
    return cohort, people


def statuses(matrix):
    return {row.user.first_name: [cell.status for cell in row.cells] for row in matrix.rows}


def test_the_matrix_shows_each_learners_status_per_module(cohort):
    cohort, _people = cohort
    matrix = selectors.cohort_matrix(cohort)
    assert statuses(matrix) == {
        "Ana": ["done", "done"],
        "Bo": ["overdue", "not_started"],
        "Cy": ["overdue", "not_started"],
        "Di": ["done", "not_started"],
    }
    assert [(c.done_count, c.overdue_count) for c in matrix.columns] == [(2, 2), (1, 0)]
    assert {row.user.first_name: row.done for row in matrix.rows} == {
        "Ana": 2,
        "Bo": 0,
        "Cy": 0,
        "Di": 1,
    }


def test_sorting_and_filtering(cohort):
    cohort, _people = cohort
    names = lambda matrix: [row.user.first_name for row in matrix.rows]  # noqa: E731
    assert names(selectors.cohort_matrix(cohort, sort="name")) == ["Di", "Cy", "Bo", "Ana"]
    assert names(selectors.cohort_matrix(cohort, sort="-name")) == ["Ana", "Bo", "Cy", "Di"]
    assert names(selectors.cohort_matrix(cohort, sort="progress"))[:2] == ["Ana", "Di"]
    assert names(selectors.cohort_matrix(cohort, status="overdue", sort="-name")) == ["Bo", "Cy"]
    assert names(selectors.cohort_matrix(cohort, status="done")) == ["Ana"]
    assert names(selectors.cohort_matrix(cohort, status="not_started")) == ["Cy"]
    assert names(selectors.cohort_matrix(cohort, query="young")) == ["Bo"]
    assert names(selectors.cohort_matrix(cohort, sort="nonsense")) == ["Di", "Cy", "Bo", "Ana"]


def test_the_matrix_page_filters_without_javascript(client, cohort, trainer):
    cohort, _people = cohort
    client.force_login(trainer)
    page = client.get(f"/en/learning/cohorts/{cohort.pk}/?status=overdue&sort=name&q=")
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 of 4 learners shown." in text
    assert "Cy" in text and "Ana Zeta" not in text
    assert client.get(f"/en/learning/cohorts/{cohort.pk}/?status=<b>&sort=1").status_code == 200


def test_csv_export_in_gradebook_layout(client, cohort, trainer, course_tree):
    cohort, people = cohort
    people["done"].first_name = "=HYPERLINK(1)"
    people["done"].save()
    client.force_login(trainer)
    response = client.get(f"/en/learning/cohorts/{cohort.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    (module_if, _l), (module_cp, _l2) = course_tree["modules"]
    assert rows[0] == [
        "First name",
        "Last name",
        "ID number",
        "Institution",
        "Department",
        "Email address",
        f"Module: {module_if.title} (Percentage)",
        f"Module: {module_cp.title} (Percentage)",
        "Course total (Percentage)",
        "Last downloaded from this course",
    ]
    by_last = {row[1]: row for row in rows[1:]}
    assert by_last["Zeta"][0] == "'=HYPERLINK(1)"  # formula neutralised
    assert by_last["Zeta"][6:9] == ["100.00 %", "100.00 %", "100.00 %"]
    assert by_last["Young"][6:9] == ["50.00 %", "0.00 %", "25.00 %"]
    assert by_last["Wu"][6:9] == ["100.00 %", "0.00 %", "50.00 %"]
    assert by_last["Young"][5] == people["half"].email
    assert by_last["Young"][9].isdigit()
    assert len(rows) == 5


def test_the_learner_detail_shows_lessons_and_answers(client, cohort, trainer, course_tree):
    cohort, people = cohort
    lesson = course_tree["lessons"][0]
    key = lesson.exercise_prompts()[0][0]
    services.save_answers(people["half"], lesson, {key: "Our library has Wi-Fi."})
    client.force_login(trainer)
    page = client.get(f"/en/learning/cohorts/{cohort.pk}/learners/{people['half'].pk}/")
    text = page.content.decode()
    assert "Our library has Wi-Fi." in text
    assert "What share of households own a smartphone?" in text
    assert text.count("Not yet") == 3


def test_my_learning_shows_progress_next_lesson_assignments_and_certificates(
    client, cohort, course_tree
):
    cohort, people = cohort
    client.force_login(people["half"])
    text = client.get("/en/learning/").content.decode()
    assert 'value="25"' in text and "25% done (1 of 4 lessons)" in text
    assert "Continue</a>" not in text
    assert course_tree["lessons"][1].title in text  # the next lesson
    assert "Overdue" in text and "Matrix" in text
    client.force_login(people["done"])
    text = client.get("/en/learning/").content.decode()
    assert "My certificates" in text and "Download the PDF" in text


def queries(callable_):
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def grow(cohort, course_tree, count):
    lessons = course_tree["lessons"]
    for n in range(count):
        user = LearnerFactory()
        services.add_member(cohort, user)
        for lesson in lessons[: n % 5]:
            services.complete_lesson(user, lesson)


def test_the_matrix_export_and_my_learning_run_constant_queries(
    client, cohort, trainer, course_tree
):
    cohort, people = cohort
    client.force_login(trainer)
    matrix_url = f"/en/learning/cohorts/{cohort.pk}/"
    export_url = f"/en/learning/cohorts/{cohort.pk}/export.csv"
    client.get(matrix_url)  # warm the caches (site, locales) that any first request fills
    small = (queries(lambda: client.get(matrix_url)), queries(lambda: client.get(export_url)))
    grow(cohort, course_tree, 12)
    large = (queries(lambda: client.get(matrix_url)), queries(lambda: client.get(export_url)))
    assert small == large
    learner = people["half"]
    client.force_login(learner)
    client.get("/en/learning/")
    before = queries(lambda: client.get("/en/learning/"))
    for lesson in course_tree["lessons"][1:3]:
        services.complete_lesson(learner, lesson)
    second = services.create_cohort(trainer, "Another")
    services.assign(second, course_tree["course"], None, timezone.localdate())
    services.add_member(second, learner)
    assert queries(lambda: client.get("/en/learning/")) == before


def test_the_matrix_pages_learners_and_counts_totals_over_all(cohort):
    cohort, _people = cohort
    first = selectors.cohort_matrix(cohort, sort="-name", per_page=3)
    second = selectors.cohort_matrix(cohort, sort="-name", per_page=3, page=2)
    assert [row.user.first_name for row in first.rows] == ["Ana", "Bo", "Cy"]
    assert [row.user.first_name for row in second.rows] == ["Di"]
    assert first.matching == second.matching == first.member_count == 4
    assert [c.done_count for c in second.columns] == [2, 1]  # every learner, not the page
    assert selectors.cohort_matrix(cohort, per_page=3, page="x").page.number == 1
