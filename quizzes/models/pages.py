"""Quiz pages: a quiz sits in a module, beside its lessons, and counts in the module's
completion rule (courses.models.Requirement, kind "quiz"). Its settings follow Moodle's quiz:
fixed questions and random draws, time limit, attempts, grading method, pass mark, shuffling,
and what the learner may review after submitting and after the quiz closes."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page

from cms.models import ImportedContentMixin
from courses.models.pages import ReaderContextMixin
from courses.panels import LearnerRecordsPanel

REVIEW_ASPECTS = ("marks", "correctness", "feedback", "answers")


def _when(moment) -> str:
    """A date and time as the reader's language writes it, in the site's time zone."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class QuizPage(ReaderContextMixin, ImportedContentMixin, Page):
    class Grading(models.TextChoices):
        HIGHEST = "highest", _("Highest grade")
        LAST = "last", _("Last attempt")
        AVERAGE = "average", _("Average grade")
        FIRST = "first", _("First attempt")

    intro = models.TextField(_("introduction"), blank=True)
    questions_per_page = models.PositiveSmallIntegerField(
        _("questions per page"), default=5, validators=[MinValueValidator(1)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=0, help_text=_("0: no time limit.")
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0: unlimited.")
    )
    grading_method = models.CharField(
        _("grading method"), max_length=10, choices=Grading.choices, default=Grading.HIGHEST
    )
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("The module counts the quiz done once the quiz grade reaches it."),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    # What the learner sees in the review, immediately after submitting and after closing.
    after_submit_marks = models.BooleanField(_("marks"), default=True)
    after_submit_correctness = models.BooleanField(_("whether correct"), default=True)
    after_submit_feedback = models.BooleanField(_("feedback"), default=True)
    after_submit_answers = models.BooleanField(_("right answers"), default=False)
    after_close_marks = models.BooleanField(_("marks"), default=True)
    after_close_correctness = models.BooleanField(_("whether correct"), default=True)
    after_close_feedback = models.BooleanField(_("feedback"), default=True)
    after_close_answers = models.BooleanField(_("right answers"), default=True)

    parent_page_types = ["courses.ModulePage"]
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        LearnerRecordsPanel(),
        FieldPanel("summary"),
        FieldPanel("intro"),
        InlinePanel("slots", label=_("Questions and random draws"), min_num=1),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("attempts_allowed")]),
                FieldRowPanel([FieldPanel("grading_method"), FieldPanel("pass_mark")]),
                FieldRowPanel(
                    [
                        FieldPanel("questions_per_page"),
                        FieldPanel("shuffle_questions"),
                        FieldPanel("shuffle_choices"),
                    ]
                ),
            ],
            heading=_("Timing, attempts and grade"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel(f"after_submit_{a}") for a in REVIEW_ASPECTS])],
            heading=_("Review immediately after the attempt"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel(f"after_close_{a}") for a in REVIEW_ASPECTS])],
            heading=_("Review after the quiz closes"),
        ),
        *Page.settings_panels,
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The quiz must close after it opens.")})

    def closed_reason(self, now=None) -> str:
        """Why no attempt can start now, or "" when the quiz is open."""
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return _("This quiz opens on %(date)s.") % {"date": _when(self.opens_at)}
        if self.closes_at and now >= self.closes_at:
            return _("This quiz closed on %(date)s.") % {"date": _when(self.closes_at)}
        return ""

    def passes(self, grade: float | None) -> bool:
        """Whether a quiz grade (percent) reaches the pass mark."""
        return grade is not None and grade >= float(self.pass_mark)

    def review_options(self, now=None) -> dict[str, bool]:
        """What a finished attempt's review shows now (after closing, that phase's options)."""
        now = now or timezone.now()
        phase = "after_close" if self.closes_at and now >= self.closes_at else "after_submit"
        return {aspect: getattr(self, f"{phase}_{aspect}") for aspect in REVIEW_ASPECTS}


class QuizSlot(Orderable):
    """One place in the quiz: a fixed question, or a number of questions drawn at random for
    each attempt from those tagged with an indicator, a criterion's indicators, or in a
    category (Moodle's "random question", with the indicator as the filter)."""

    page = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        "quizzes.Question",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("fixed question"),
    )
    draw_count = models.PositiveSmallIntegerField(
        _("or draw this many at random"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    draw_criterion = models.ForeignKey(
        "toolkit.Criterion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tagged with an indicator of"),
    )
    draw_indicator = models.ForeignKey(
        "toolkit.Indicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tagged with"),
    )
    draw_category = models.ForeignKey(
        "quizzes.QuestionCategory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from the category"),
    )
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Blank: the question's default points."),
    )

    panels = [
        FieldPanel("question"),
        FieldRowPanel(
            [
                FieldPanel("draw_count"),
                FieldPanel("draw_criterion"),
                FieldPanel("draw_indicator"),
                FieldPanel("draw_category"),
            ]
        ),
        FieldPanel("points"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("quiz slot")
        verbose_name_plural = _("quiz slots")

    @property
    def is_random(self) -> bool:
        return self.question_id is None

    def clean(self):
        super().clean()
        draws = self.draw_criterion_id or self.draw_indicator_id or self.draw_category_id
        if self.question_id and draws:
            raise ValidationError(_("Choose a fixed question or a random draw, not both."))
        if not self.question_id and not draws:
            raise ValidationError(
                _(
                    "Choose a question, or say what to draw from: an indicator, a criterion or a "
                    "category."
                )
            )
        if self.question_id and self.question.needs_indicators:
            raise ValidationError(
                {"question": _("Tag this question with its indicators before using it.")}
            )
