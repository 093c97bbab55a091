"""Cohorts: adding learners by pasted e-mails (all or nothing), invitations (accepted,
expired, reused, someone else's), the invite link, assignments that enrol, reminders queued
as background tasks for the right learners only."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from courses import services
from courses.models import CohortMember, Enrolment, Invitation, ReminderLog
from courses.tasks import send_assignment_reminders
from tests.cms.factories import LearnerFactory, TrainerFactory

pytestmark = pytest.mark.django_db


def invite_url(invitation):
    return f"http://testserver/en/learning/invitations/{invitation.token}/"


@pytest.fixture
def cohort(trainer, course_tree):
    cohort = services.create_cohort(trainer, "Lakeside workshop")
    services.assign(cohort, course_tree["course"], None, timezone.localdate() + timedelta(days=30))
    return cohort


def test_pasted_emails_add_members_and_invite_the_others(
    client, cohort, learner, trainer, django_capture_on_commit_callbacks
):
    client.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/learning/cohorts/{cohort.pk}/learners/",
            {"emails": "LEARNER@example.org, new.person@example.org\nnew.person@example.org"},
            follow=True,
        )
    assert "1 added, 1 invited, 0 already in the cohort." in response.content.decode()
    assert CohortMember.objects.filter(cohort=cohort, user=learner).exists()
    # Members are enrolled in what the cohort is assigned.
    assert Enrolment.objects.get(user=learner).source == Enrolment.Source.TRAINER
    invitation = Invitation.objects.get(cohort=cohort)
    assert invitation.email == "new.person@example.org"
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    assert invite_url(invitation) in mail.outbox[0].body


def test_one_bad_address_adds_nobody_and_names_its_line(client, cohort, learner, trainer):
    client.force_login(trainer)
    response = client.post(
        f"/en/learning/cohorts/{cohort.pk}/learners/",
        {"emails": "learner@example.org\nnot-an-address\nother@example.org"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "line 2" in page and "not-an-address" in page
    assert not CohortMember.objects.exists() and not Invitation.objects.exists()
    assert "learner@example.org" in page  # what they typed is still there


def test_an_accepted_invitation_enrols_and_cannot_be_reused(client, cohort):
    invitation = Invitation.objects.create(cohort=cohort, email="new@example.org")
    invited = LearnerFactory(email="new@example.org")
    client.force_login(invited)
    url = f"/en/learning/invitations/{invitation.token}/"
    assert b"invites you to join" in client.get(url).content
    response = client.post(url, follow=True)
    assert "Welcome to Lakeside workshop" in response.content.decode()
    assert CohortMember.objects.filter(cohort=cohort, user=invited).exists()
    assert Enrolment.objects.filter(user=invited).exists()
    intruder = LearnerFactory(email="intruder@example.org")
    with pytest.raises(services.CourseActionRefused, match="already been used"):
        services.accept_invitation(invitation.token, intruder)
    assert not CohortMember.objects.filter(user=intruder).exists()


def test_an_expired_invitation_says_so(client, cohort):
    invitation = Invitation.objects.create(
        cohort=cohort,
        email="late@example.org",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    late = LearnerFactory(email="late@example.org")
    client.force_login(late)
    url = f"/en/learning/invitations/{invitation.token}/"
    assert b"This invitation expired on" in client.get(url).content
    response = client.post(url, follow=True)
    assert "expired" in response.content.decode()
    assert not CohortMember.objects.filter(user=late).exists()


def test_an_invitation_is_for_its_address(cohort):
    invitation = Invitation.objects.create(cohort=cohort, email="someone@example.org")
    with pytest.raises(services.CourseActionRefused, match="another e-mail address"):
        services.accept_invitation(invitation.token, LearnerFactory(email="else@example.org"))


def test_anonymous_visitors_are_told_to_sign_in_with_the_invited_address(client, cohort):
    invitation = Invitation.objects.create(cohort=cohort, email="someone@example.org")
    page = client.get(f"/en/learning/invitations/{invitation.token}/").content.decode()
    assert "Sign in with the e-mail address the invitation was sent to" in page
    response = client.post(f"/en/learning/invitations/{invitation.token}/")
    assert "/accounts/sign-in/" in response["Location"]


def test_the_invite_link_joins_and_a_disabled_link_does_not(client, cohort, learner):
    client.force_login(learner)
    url = f"/en/learning/join/{cohort.invite_code}/"
    assert b"Lakeside workshop" in client.get(url).content
    client.post(url)
    assert CohortMember.objects.filter(cohort=cohort, user=learner).exists()
    cohort.invite_link_enabled = False
    cohort.save()
    assert client.get(url).status_code == 404


def test_assigning_enrols_every_member_and_validates_dates(client, cohort, course_tree, trainer):
    members = [LearnerFactory() for _ in range(3)]
    for member in members:
        services.add_member(cohort, member)
    module = course_tree["modules"][1][0]
    client.force_login(trainer)
    due = timezone.localdate() + timedelta(days=7)
    response = client.post(
        f"/en/learning/cohorts/{cohort.pk}/assignments/",
        {"target": f"module:{module.pk}", "due_on": due.isoformat()},
        follow=True,
    )
    assert f"Assigned: {module.title}." in response.content.decode()
    assert cohort.assignments.filter(module_key=module.translation_key, due_on=due).exists()
    assert Enrolment.objects.filter(user__in=members).count() == 3
    bad = client.post(
        f"/en/learning/cohorts/{cohort.pk}/assignments/",
        {
            "target": f"module:{module.pk}",
            "starts_on": (due + timedelta(days=3)).isoformat(),
            "due_on": due.isoformat(),
        },
    )
    assert bad.status_code == 400
    assert "The due date cannot come before the start date." in bad.content.decode()


def test_removing_a_member_keeps_their_records(client, cohort, learner, trainer, course_tree):
    services.add_member(cohort, learner)
    services.complete_lesson(learner, course_tree["lessons"][0])
    client.force_login(trainer)
    client.post(f"/en/learning/cohorts/{cohort.pk}/learners/{learner.pk}/remove/")
    assert not CohortMember.objects.filter(user=learner).exists()
    assert learner.completions.count() == 1 and Enrolment.objects.filter(user=learner).exists()


class TestReminders:
    @pytest.fixture
    def due_soon(self, trainer, course_tree):
        cohort = services.create_cohort(trainer, "Reminders")
        module = course_tree["modules"][0][0]
        today = timezone.localdate()
        soon = services.assign(cohort, course_tree["course"], module, today + timedelta(days=1))
        late = services.assign(cohort, course_tree["course"], None, today - timedelta(days=3))
        return cohort, soon, late, module

    def test_reminders_go_to_the_learners_who_have_not_finished(self, due_soon, course_tree):
        cohort, soon, late, module = due_soon
        behind = LearnerFactory(email="behind@example.org")
        finished_module = LearnerFactory(email="module-done@example.org")
        inactive = LearnerFactory(email="gone@example.org", is_active=False)
        for user in (behind, finished_module, inactive):
            services.add_member(cohort, user)
        for lesson in course_tree["modules"][0][1]:
            services.complete_lesson(finished_module, lesson)
        other_cohort = services.create_cohort(TrainerFactory(), "Elsewhere")
        services.add_member(other_cohort, LearnerFactory(email="elsewhere@example.org"))

        sent = send_assignment_reminders.call()
        to = sorted((m.to[0], m.subject) for m in mail.outbox)
        assert sent == 3
        assert [address for address, _s in to] == [
            "behind@example.org",
            "behind@example.org",
            "module-done@example.org",
        ]
        assert any("is due on" in subject for _a, subject in to)
        assert any("is overdue" in subject for _a, subject in to)
        assert set(ReminderLog.objects.values_list("user__email", "kind")) == {
            ("behind@example.org", "due_soon"),
            ("behind@example.org", "overdue"),
            ("module-done@example.org", "overdue"),
        }
        # Never twice.
        mail.outbox.clear()
        assert send_assignment_reminders.call() == 0 and mail.outbox == []

    def test_no_reminder_too_early_too_late_or_before_the_start(
        self, trainer, course_tree, learner
    ):
        cohort = services.create_cohort(trainer, "Quiet")
        services.add_member(cohort, learner)
        today = timezone.localdate()
        course = course_tree["course"]
        (first, _l1), (second, _l2) = course_tree["modules"]
        services.assign(cohort, course, first, today + timedelta(days=10))  # not yet
        services.assign(cohort, course, second, today - timedelta(days=30))  # long missed
        not_started = services.assign(cohort, course, None, today + timedelta(days=1))
        not_started.starts_on = today + timedelta(days=1)
        not_started.save()
        assert send_assignment_reminders.call() == 0
        assert mail.outbox == []
        # The day it starts, the reminder goes.
        tomorrow = (today + timedelta(days=1)).isoformat()
        assert send_assignment_reminders.call(tomorrow) == 1


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_the_daily_command_only_enqueues_the_task():
    from django_tasks import default_task_backend

    call_command("send_reminders", "--date", "2026-12-02", stdout=io.StringIO())
    results = default_task_backend.results
    assert [r.task.module_path for r in results] == ["courses.tasks.send_assignment_reminders"]
    assert results[0].args == ["2026-12-02"]
    assert mail.outbox == []


@pytest.mark.parametrize("token", ["%00", "x" * 500, "bad token", "<b>"])
def test_odd_invitation_tokens_and_codes_are_not_found(client, learner, token):
    assert client.get(f"/en/learning/invitations/{token}/").status_code == 404
    client.force_login(learner)
    assert client.get(f"/en/learning/join/{token}/").status_code == 404
    assert client.post(f"/en/learning/invitations/{token}/").status_code == 302  # refused, said
    assert client.get(f"/en/learning/certificates/{token}/pdf/").status_code == 404


def test_a_trainer_creates_a_cohort_and_a_blank_name_is_refused(client, trainer):
    from courses.models import Cohort

    client.force_login(trainer)
    refused = client.post("/en/learning/cohorts/", {"name": "  ", "description": ""})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    tags_only = client.post("/en/learning/cohorts/", {"name": "<b></b>", "description": ""})
    assert "Give the cohort a name." in tags_only.content.decode()
    assert not Cohort.objects.exists()
    response = client.post(
        "/en/learning/cohorts/", {"name": "Ministry <i>workshop</i>", "description": "June"}
    )
    cohort = Cohort.objects.get()
    assert response["Location"] == f"/en/learning/cohorts/{cohort.pk}/"
    assert cohort.name == "Ministry workshop" and cohort.trainer == trainer
    assert "Ministry workshop" in client.get("/en/learning/cohorts/").content.decode()
