"""Enrolment modes: open, with a key (a wrong key says so), by a trainer only, closed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services
from courses.models import CoursePage, Enrolment

pytestmark = pytest.mark.django_db


def enrol_url(course):
    return f"/en/learning/courses/{course.pk}/enrol/"


def set_course(course, **values):
    for name, value in values.items():
        setattr(course, name, value)
    course.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def test_open_course_self_enrolment(client, course_tree, learner):
    course = course_tree["course"]
    client.force_login(learner)
    response = client.post(enrol_url(course), follow=True)
    assert b"You are enrolled" in response.content
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.course_key == course.translation_key
    assert enrolment.source == Enrolment.Source.SELF
    # Enrolling twice keeps one enrolment.
    client.post(enrol_url(course))
    assert Enrolment.objects.filter(user=learner).count() == 1


def test_enrolment_needs_a_signed_in_person(client, course_tree):
    response = client.post(enrol_url(course_tree["course"]))
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    assert not Enrolment.objects.exists()


def test_key_course_refuses_a_wrong_key_with_a_clear_message(client, course_tree, learner):
    course = set_course(course_tree["course"], enrolment="key", enrolment_key="LAKESIDE-2026")
    client.force_login(learner)
    page = client.get(course.url)
    assert b'name="key"' in page.content and b"Enrolment key" in page.content
    response = client.post(enrol_url(course), {"key": "lakeside"}, follow=True)
    assert "That enrolment key is not right" in response.content.decode()
    assert not Enrolment.objects.exists()
    client.post(enrol_url(course), {"key": " LAKESIDE-2026 "})
    assert Enrolment.objects.get(user=learner).source == Enrolment.Source.KEY


def test_a_key_course_needs_its_key(course_tree):
    course = course_tree["course"]
    course.enrolment = "key"
    with pytest.raises(Exception, match="key"):
        course.full_clean()


def test_trainer_only_course_refuses_self_enrolment(client, course_tree, learner):
    course = set_course(course_tree["course"], enrolment="trainer")
    client.force_login(learner)
    assert b"through a trainer" in client.get(course.url).content
    response = client.post(enrol_url(course), follow=True)
    assert "through a trainer" in response.content.decode()
    assert not Enrolment.objects.exists()
    # ...but a trainer's assignment enrols them.
    services.enrol(learner, course, by_trainer=True)
    assert Enrolment.objects.get(user=learner).source == Enrolment.Source.TRAINER


def test_closed_course_refuses_enrolment(client, course_tree, learner):
    yesterday = timezone.localdate() - timedelta(days=1)
    course = set_course(course_tree["course"], ends_on=yesterday)
    client.force_login(learner)
    response = client.post(enrol_url(course), follow=True)
    assert "This course closed on" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_course_not_open_yet_refuses_enrolment(course_tree, learner):
    course = set_course(course_tree["course"], starts_on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(services.CourseActionRefused, match="Enrolment opens on"):
        services.enrol(learner, course)


def test_an_unpublished_course_cannot_be_enrolled_in(client, course_tree, learner):
    course = course_tree["course"]
    course.unpublish()
    client.force_login(learner)
    assert client.post(enrol_url(course)).status_code == 404
