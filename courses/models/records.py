"""Learners' records: enrolments, what they completed, their exercise answers, certificates,
and the cohorts trainers run. Everything that points at course content points at a page's
Wagtail `translation_key`, never its id: the English and French versions of a lesson are one
item, so a learner who switches language keeps their progress, and a re-import or a moved page
keeps every record."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INVITATION_LIFETIME = timedelta(days=30)
ANSWER_MAX_LENGTH = 10_000


def new_certificate_code() -> str:
    """16 URL-safe characters (96 random bits): unguessable, short enough to type from paper."""
    return secrets.token_urlsafe(12)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OwnRecordsQuerySet(models.QuerySet):
    """A learner's records are theirs alone: views fetch them through `visible_to`."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        KEY = "key", _("With the enrolment key")
        TRAINER = "trainer", _("By a trainer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course_key = models.UUIDField(_("course"), db_index=True)
    source = models.CharField(_("how"), max_length=10, choices=Source.choices)
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(fields=["user", "course_key"], name="one_enrolment_per_course")
        ]

    def __str__(self):
        return f"{self.user} in {self.course_key}"


class Requirement(models.Model):
    """One item a module's completion rule requires: a lesson now, a quiz next. The database
    computes a module's completion by counting a learner's completed requirements against the
    module's; `courses.services.sync_course_requirements` keeps lesson rows in step with the
    published pages, and the quizzes app adds its own rows (kind "quiz")."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson")
        QUIZ = "quiz", _("Quiz")

    # Page types whose live pages are items of their module's rule: (app label, model name)
    # -> kind. Lessons are listed here; the quizzes app adds its quiz pages when it loads.
    item_page_types: dict[tuple[str, str], str] = {("courses", "lessonpage"): Kind.LESSON}

    course_key = models.UUIDField(db_index=True)
    module_key = models.UUIDField(db_index=True)
    item_key = models.UUIDField(unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LESSON)
    order = models.PositiveIntegerField(default=0)  # place in the whole course, for "next"
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["course_key", "order"]
        verbose_name = _("completion requirement")

    def __str__(self):
        return f"{self.kind} {self.item_key} of module {self.module_key}"


class ItemCompletion(models.Model):
    """A learner completed an item (marked a lesson done, reached its end, passed a quiz).
    The link to the requirement carries no database constraint on purpose: when a lesson is
    removed its requirement goes, but the learner's record of having done it stays."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    item = models.ForeignKey(
        Requirement,
        to_field="item_key",
        db_column="item_key",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="completions",
    )
    completed_at = models.DateTimeField(default=timezone.now)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        verbose_name = _("completed item")
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="one_completion_per_item")
        ]

    def __str__(self):
        return f"{self.user_id} completed {self.item_id}"


class ExerciseAnswer(models.Model):
    """A learner's text answer to one exercise prompt, keyed by the prompt's block id (shared by
    a lesson's translations and kept stable by the importer)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_answers"
    )
    lesson_key = models.UUIDField(db_index=True)
    prompt_key = models.UUIDField()
    text = models.TextField(_("answer"), max_length=ANSWER_MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        verbose_name = _("exercise answer")
        constraints = [
            models.UniqueConstraint(fields=["user", "prompt_key"], name="one_answer_per_prompt")
        ]

    def __str__(self):
        return f"{self.user_id}: answer to {self.prompt_key}"


class Certificate(models.Model):
    """Proof that a learner finished a course: issued once, never re-issued, verifiable by code.
    The learner's name and the course title are copied at issue, as on a paper certificate."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course_key = models.UUIDField()
    code = models.CharField(max_length=32, unique=True, default=new_certificate_code)
    learner_name = models.CharField(max_length=300)
    course_title = models.CharField(max_length=255)
    issued_at = models.DateTimeField(default=timezone.now)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course_key"], name="one_certificate_per_course"
            )
        ]

    def __str__(self):
        return f"{self.course_title}: {self.learner_name}"


class CohortQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A trainer sees only the cohorts they run; administrators see all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(trainer=user)


class Cohort(models.Model):
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cohorts_led"
    )
    invite_code = models.CharField(max_length=48, unique=True, default=new_token)
    invite_link_enabled = models.BooleanField(_("invite link works"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "name"]
        verbose_name = _("cohort")

    def __str__(self):
        return self.name


class CohortMember(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="one_membership_per_cohort")
        ]

    def __str__(self):
        return f"{self.user_id} in {self.cohort_id}"


class Invitation(models.Model):
    """An e-mailed invitation for someone without an account (yet): accepting it, once signed
    in, makes them a member of the cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=48, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "email"], name="one_invitation_per_email")
        ]

    def __str__(self):
        return f"{self.email} to {self.cohort_id}"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = (self.created_at or timezone.now()) + INVITATION_LIFETIME
        super().save(*args, **kwargs)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Assignment(models.Model):
    """A course, or one module of it, that a cohort must do, with dates."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    course_key = models.UUIDField()
    module_key = models.UUIDField(null=True, blank=True)  # empty: the whole course
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "course_key"],
                condition=models.Q(module_key__isnull=True),
                name="one_course_assignment_per_cohort",
            ),
            models.UniqueConstraint(
                fields=["cohort", "module_key"],
                condition=models.Q(module_key__isnull=False),
                name="one_module_assignment_per_cohort",
            ),
        ]

    def __str__(self):
        return f"{self.module_key or self.course_key} due {self.due_on}"


class ReminderLog(models.Model):
    """One reminder sent: before the due date or after it was missed, never twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user", "kind"], name="one_reminder_of_each_kind"
            )
        ]

    def __str__(self):
        return f"{self.kind} reminder to {self.user_id}"
