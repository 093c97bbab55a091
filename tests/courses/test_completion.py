"""Completion rolls up lesson -> module -> course by the rule the database counts; records
follow translation keys; editing a course keeps every record consistent."""

import pytest

from courses import selectors, services
from courses.models import Certificate, ItemCompletion, Requirement
from tests.courses.factories import make_lesson

pytestmark = pytest.mark.django_db


def enrol(user, course):
    return services.enrol(user, course)


def progress(user, course):
    return selectors.learner_progress(user, [course.translation_key])[0]


def test_publishing_builds_each_modules_rule(course_tree):
    course = course_tree["course"]
    rows = Requirement.objects.filter(course_key=course.translation_key)
    assert rows.count() == 4
    (module_if, lessons_if), (module_cp, lessons_cp) = course_tree["modules"]
    assert set(
        rows.filter(module_key=module_if.translation_key).values_list("item_key", flat=True)
    ) == {lesson.translation_key for lesson in lessons_if}
    # "Next lesson" order follows the tree: every IF lesson before every CP lesson.
    ordered = list(rows.order_by("order").values_list("item_key", flat=True))
    assert ordered == [lesson.translation_key for lesson in course_tree["lessons"]]


def test_lesson_to_module_to_course(client, course_tree, learner):
    course = course_tree["course"]
    enrol(learner, course)
    client.force_login(learner)
    lessons = course_tree["lessons"]
    client.post(f"/en/learning/lessons/{lessons[0].pk}/complete/")
    state = progress(learner, course)
    assert [m.status for m in state.modules] == [selectors.IN_PROGRESS, selectors.NOT_STARTED]
    assert (state.done, state.total, state.percent) == (1, 4, 25)
    client.post(f"/en/learning/lessons/{lessons[1].pk}/complete/")
    state = progress(learner, course)
    assert [m.status for m in state.modules] == [selectors.DONE, selectors.NOT_STARTED]
    assert not state.completed and not Certificate.objects.exists()
    for lesson in lessons[2:]:
        client.post(f"/en/learning/lessons/{lesson.pk}/complete/")
    state = progress(learner, course)
    assert state.completed and state.percent == 100
    assert Certificate.objects.filter(user=learner, course_key=course.translation_key).count() == 1


def test_completing_twice_records_once(course_tree, learner):
    course, lesson = course_tree["course"], course_tree["lessons"][0]
    enrol(learner, course)
    first = services.complete_lesson(learner, lesson)
    second = services.complete_lesson(learner, lesson)
    assert first.created and not second.created
    assert ItemCompletion.objects.filter(user=learner).count() == 1


def test_completion_needs_enrolment(course_tree, learner):
    with pytest.raises(services.CourseActionRefused, match="Enrol"):
        services.complete_lesson(learner, course_tree["lessons"][0])
    assert not ItemCompletion.objects.exists()


def test_a_lesson_added_after_completion_reopens_the_module_but_keeps_the_certificate(
    course_tree, learner
):
    course = course_tree["course"]
    enrol(learner, course)
    for lesson in course_tree["lessons"]:
        services.complete_lesson(learner, lesson)
    certificate = Certificate.objects.get(user=learner)
    module_if = course_tree["modules"][0][0]
    added = make_lesson(module_if, 3)
    assert Requirement.objects.filter(item_key=added.translation_key).exists()
    state = progress(learner, course)
    assert state.modules[0].status == selectors.IN_PROGRESS
    assert (state.modules[0].done, state.modules[0].total) == (2, 3)
    assert not state.completed
    # The certificate was earned: it stays, with the same code.
    assert Certificate.objects.get(user=learner).code == certificate.code
    services.complete_lesson(learner, added)
    assert progress(learner, course).completed
    assert Certificate.objects.filter(user=learner).count() == 1


def test_a_deleted_lesson_stops_counting_and_its_record_stays(course_tree, learner):
    course = course_tree["course"]
    enrol(learner, course)
    lessons = course_tree["lessons"]
    for lesson in lessons[:3]:
        services.complete_lesson(learner, lesson)
    assert not Certificate.objects.exists()
    last = lessons[3]
    key = last.translation_key
    last.delete()
    assert not Requirement.objects.filter(item_key=key).exists()
    state = progress(learner, course)
    assert state.completed and (state.done, state.total) == (3, 3)
    # Removing the last lesson the learner lacked completes the course: certificate issued.
    assert Certificate.objects.filter(user=learner).count() == 1
    assert ItemCompletion.objects.filter(user=learner).count() == 3


def test_a_deleted_lesson_keeps_completions_of_it(course_tree, learner):
    course = course_tree["course"]
    enrol(learner, course)
    first = course_tree["lessons"][0]
    services.complete_lesson(learner, first)
    key = first.translation_key
    first.unpublish()
    assert not Requirement.objects.filter(item_key=key).exists()
    assert ItemCompletion.objects.filter(user=learner, item_id=key).exists()
    assert progress(learner, course).done == 0
    first.save_revision().publish()  # republished: it counts again
    assert progress(learner, course).done == 1


def test_a_translated_lesson_shares_the_learners_progress(client, course_tree, learner):
    from wagtail.models import Locale

    course = course_tree["course"]
    enrol(learner, course)
    french = Locale.objects.get_or_create(language_code="fr")[0]
    lessons = course_tree["lessons"]
    translated = lessons[0].copy_for_translation(french, copy_parents=True)
    for ancestor in translated.get_ancestors().filter(depth__gt=1, live=False):
        ancestor.specific.save_revision().publish()
    translated.title = "Leçon 1"
    translated.save_revision().publish()
    assert translated.translation_key == lessons[0].translation_key
    assert Requirement.objects.filter(course_key=course.translation_key).count() == 4
    client.force_login(learner)
    response = client.post(f"/fr/learning/lessons/{translated.pk}/complete/")
    assert response.status_code == 302
    # Done in French, counted in the (English) course.
    assert progress(learner, course).done == 1
    assert b"You completed this lesson" in client.get(lessons[0].url).content


def test_moving_a_lesson_to_another_module_moves_its_requirement(course_tree):
    (module_if, lessons_if), (module_cp, _lessons_cp) = course_tree["modules"]
    lesson = lessons_if[0]
    lesson.move(module_cp, "last-child")
    assert Requirement.objects.get(item_key=lesson.translation_key).module_key == (
        module_cp.translation_key
    )


def test_the_admin_says_what_happens_to_records(admin_client, course_tree, learner):
    enrol(learner, course_tree["course"])
    lesson = course_tree["lessons"][0]
    services.complete_lesson(learner, lesson)
    page = admin_client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode()
    assert "1 learner(s) completed this lesson" in page
    assert "records are kept whatever you change" in page
    course_page = admin_client.get(f"/admin/pages/{course_tree['course'].pk}/edit/").content
    assert b"1 learner(s) enrolled, 1 started, 0 certificate(s) issued." in course_page
