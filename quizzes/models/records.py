"""Learners' quiz records: attempts, their questions and responses, and mastery.

An attempt fixes, when it starts, its questions (as frozen versions), their order, a seed for
the order of choices, and its deadline: everything later is checked against those. Mastery is
kept per learner and indicator (`Mastery`, the current estimate) with the log it comes from
(`Evidence`, one row per graded response and indicator), which the background fitting reads."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.records import OwnRecordsQuerySet


def new_seed() -> int:
    return secrets.randbelow(2**31)


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz_key = models.UUIDField(null=True, blank=True, db_index=True)  # null: practice
    practice = models.BooleanField(default=False)
    number = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    seed = models.PositiveIntegerField(default=new_seed)
    questions_per_page = models.PositiveSmallIntegerField(default=5)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    late = models.BooleanField(default=False)  # finished after its deadline: late answers dropped

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz_key", "number"], name="one_attempt_number_per_quiz"
            ),
            # Two tabs starting at once get one attempt, not two.
            models.UniqueConstraint(
                fields=["user", "quiz_key"],
                condition=models.Q(state="in_progress", practice=False),
                name="one_open_attempt_per_quiz",
            ),
        ]
        indexes = [models.Index(fields=["user", "quiz_key", "state"])]

    def __str__(self):
        return f"attempt {self.number} of {self.user_id} at {self.quiz_key or 'practice'}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    @property
    def percent(self) -> float | None:
        if self.points is None or not self.max_points:
            return None
        return float(self.points) * 100 / float(self.max_points)

    def expired(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) > self.deadline


class AttemptQuestion(models.Model):
    """One question of an attempt, in its place, with the learner's latest saved response."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    slot = models.PositiveSmallIntegerField()  # 1.. in the attempt's order
    version = models.ForeignKey(
        "quizzes.QuestionVersion", on_delete=models.PROTECT, related_name="+"
    )
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    fraction = models.FloatField(null=True, blank=True)  # set when graded
    state = models.CharField(max_length=12, blank=True)  # grading.Grade.state

    class Meta:
        ordering = ["attempt", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "slot"], name="one_question_per_slot")
        ]

    def __str__(self):
        return f"{self.attempt_id}#{self.slot}"

    @property
    def points(self):
        return None if self.fraction is None else float(self.max_points) * self.fraction


class Mastery(models.Model):
    """The current estimate that a learner knows an indicator (BKT, quizzes.mastery)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mastery"
    )
    indicator = models.ForeignKey(
        "toolkit.Indicator", on_delete=models.CASCADE, related_name="mastery"
    )
    known = models.FloatField()
    responses = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        verbose_name = _("mastery")
        verbose_name_plural = _("mastery")
        constraints = [
            models.UniqueConstraint(fields=["user", "indicator"], name="one_mastery_per_indicator")
        ]

    def __str__(self):
        return f"{self.user_id} {self.indicator_id}: {self.known:.2f}"


class Evidence(models.Model):
    """One graded response as evidence about one indicator: the log mastery comes from."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_evidence"
    )
    indicator = models.ForeignKey(
        "toolkit.Indicator", on_delete=models.CASCADE, related_name="quiz_evidence"
    )
    question = models.ForeignKey(
        AttemptQuestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fraction = models.FloatField()
    practice = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["indicator", "user", "created_at"])]

    def __str__(self):
        return f"{self.user_id} {self.indicator_id} {self.fraction:.2f}"


class IndicatorParameters(models.Model):
    """BKT parameters fitted from the response log of one indicator (quizzes.tasks)."""

    indicator = models.OneToOneField(
        "toolkit.Indicator", on_delete=models.CASCADE, related_name="bkt_parameters"
    )
    prior = models.FloatField()
    learn = models.FloatField()
    slip = models.FloatField()
    guess = models.FloatField()
    responses = models.PositiveIntegerField()
    learners = models.PositiveIntegerField()
    fitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fitted BKT parameters")
        verbose_name_plural = _("fitted BKT parameters")

    def __str__(self):
        values = (self.prior, self.learn, self.slip, self.guess)
        return f"{self.indicator_id}: " + "/".join(f"{value:.2f}" for value in values)

    def as_parameters(self):
        from quizzes.mastery import Parameters

        return Parameters(prior=self.prior, learn=self.learn, slip=self.slip, guess=self.guess)
