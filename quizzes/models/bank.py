"""The question bank: categories, questions with their choices, and frozen versions.

A question is edited in the admin (choices inline, through modelcluster); what an attempt
uses is a `QuestionVersion`, the question's data frozen as a dict (`Question.snapshot`), so
editing a question never changes an attempt already taken. Every question tests one or more
indicators; one imported without any is kept, flagged "needs indicators", and cannot enter a
quiz until an editor tags it."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, PreviewableMixin
from wagtail.search import index

from cms.rich_text import SAFE_RICH_TEXT_FEATURES
from cms.sanitize import plain_text
from quizzes import cloze
from quizzes.grading import (
    CLOZE,
    MATCHING,
    MULTIPLE,
    NUMERICAL,
    ORDERING,
    SHORT_ANSWER,
    SINGLE,
    TRUE_FALSE,
)

# Questions may show images (diagrams, screenshots): Wagtail image embeds, an id only.
QUESTION_RICH_TEXT_FEATURES = [*SAFE_RICH_TEXT_FEATURES, "image"]
FRACTION = [MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))]


def version_digest(data: dict) -> str:
    """A question version's fingerprint: equal data, equal digest (no new version)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class QuestionCategory(models.Model):
    """Nested categories, as Moodle's question bank (`$course$/top/Local/Services`)."""

    name = models.CharField(_("name"), max_length=255)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    info = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="one_category_name_per_parent"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="one_top_category_per_name",
            ),
        ]

    def __str__(self):
        return self.path

    @property
    def path(self) -> str:
        names, category, seen = [], self, set()
        while category is not None and category.pk not in seen:
            seen.add(category.pk)
            names.append(category.name)
            category = category.parent
        return "/".join(reversed(names))

    def clean(self):
        category = self.parent
        while category is not None:
            if category.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A category cannot be inside itself.")})
            category = category.parent

    @classmethod
    @transaction.atomic
    def from_path(cls, path: str) -> QuestionCategory:
        """The category at a slash-separated path, created as needed ("top/Local/Services")."""
        parent = None
        for name in [part.strip() for part in path.split("/") if part.strip()]:
            parent, _created = cls.objects.get_or_create(name=name[:255], parent=parent)
        if parent is None:
            parent, _created = cls.objects.get_or_create(name="top", parent=None)
        return parent


class QuestionQuerySet(models.QuerySet):
    def tagged(self):
        """Questions that may enter a quiz: tagged with at least one indicator."""
        return self.filter(indicators__isnull=False).distinct()

    def needs_indicators(self):
        return self.filter(indicators__isnull=True)


class Question(PreviewableMixin, index.Indexed, ClusterableModel):
    class Type(models.TextChoices):
        SINGLE = SINGLE, _("Single choice")
        MULTIPLE = MULTIPLE, _("Multiple choice")
        TRUE_FALSE = TRUE_FALSE, _("True or false")
        SHORT_ANSWER = SHORT_ANSWER, _("Short answer")
        NUMERICAL = NUMERICAL, _("Numerical")
        MATCHING = MATCHING, _("Matching")
        ORDERING = ORDERING, _("Ordering")
        CLOZE = CLOZE, _("Embedded answers (cloze)")

    class Difficulty(models.IntegerChoices):
        EASY = 1, _("Easy")
        MEDIUM = 2, _("Medium")
        HARD = 3, _("Hard")

    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("category"),
    )
    name = models.CharField(_("name"), max_length=255)
    qtype = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.SINGLE)
    stem = RichTextField(
        _("question text"),
        features=QUESTION_RICH_TEXT_FEATURES,
        help_text=_(
            "For embedded answers, write the parts in Moodle's syntax: {1:SHORTANSWER:=answer}."
        ),
    )
    general_feedback = RichTextField(
        _("general feedback"), features=QUESTION_RICH_TEXT_FEATURES, blank=True
    )
    default_points = models.DecimalField(
        _("default points"), max_digits=6, decimal_places=2, default=Decimal("1")
    )
    penalty = models.DecimalField(
        _("penalty per retry"),
        max_digits=7,
        decimal_places=6,
        default=Decimal("0.333333"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    indicators = ParentalManyToManyField(
        "toolkit.Indicator", blank=True, related_name="questions", verbose_name=_("indicators")
    )
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        help_text=_(
            "Type settings: case_sensitive, accent_sensitive (short answer); units, "
            "unit_penalty, unit_required (numerical); correct (true or false); "
            "ordering_grading; shuffle."
        ),
    )
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("qtype")]),
        FieldRowPanel([FieldPanel("category"), FieldPanel("difficulty")]),
        FieldPanel("indicators"),
        FieldPanel("stem"),
        InlinePanel("choices", label=_("Choices and answers")),
        FieldPanel("general_feedback"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("default_points"), FieldPanel("penalty")]),
                FieldPanel("options"),
                FieldPanel("idnumber"),
            ],
            heading=_("Marks and settings"),
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("stem"),
        index.FilterField("qtype"),
    ]

    class Meta:
        verbose_name = _("question")
        ordering = ["category__name", "name"]

    def __str__(self):
        return self.name

    @property
    def needs_indicators(self) -> bool:
        return not self.indicators.exists() if self.pk else True

    def clean(self):
        super().clean()
        self.name = plain_text(self.name, multiline=False)
        if self.qtype == self.Type.CLOZE:
            try:
                cloze.parse(self.stem)
            except cloze.ClozeError as exc:
                raise ValidationError({"stem": str(exc)}) from exc
        if self.qtype == self.Type.TRUE_FALSE and not isinstance(self.options.get("correct"), bool):
            raise ValidationError({"options": _('Say which is right: {"correct": true}.')})

    def choice_problems(self, choices) -> list[str]:
        """The rule for a question's choices, by type (called by the admin form and the
        importers on the choices they are about to save)."""
        fractions = [Decimal(str(c.fraction or 0)) for c in choices]
        problems = []
        full_marks_needed = (self.Type.SINGLE, self.Type.SHORT_ANSWER, self.Type.NUMERICAL)
        if self.qtype in full_marks_needed and not any(f == 1 for f in fractions):
            problems.append(_("One answer must give full marks (100%)."))
        if self.qtype == self.Type.SINGLE and len(choices) < 2:
            problems.append(_("Give at least two choices."))
        if self.qtype == self.Type.MULTIPLE:
            positive = sum(f for f in fractions if f > 0)
            if abs(positive - 1) > Decimal("0.0001"):
                problems.append(
                    _("The right choices must add up to 100%% (they add up to %(total)s%%).")
                    % {"total": round(positive * 100, 2)}
                )
        if self.qtype == self.Type.MATCHING and sum(1 for c in choices if c.prompt) < 2:
            problems.append(_("Give at least two pairs to match."))
        if self.qtype == self.Type.ORDERING and len(choices) < 2:
            problems.append(_("Give at least two items to order."))
        if self.qtype == self.Type.NUMERICAL:
            for choice in choices:
                if choice.text.strip() != "*":
                    try:
                        float(choice.text.replace(",", "."))
                    except ValueError:
                        problems.append(
                            _("'%(text)s' is not a number.") % {"text": choice.text[:40]}
                        )
        return problems

    def snapshot(self) -> dict:
        """Everything grading and display need, as plain data (choice ids are their keys)."""
        data = {
            "type": self.qtype,
            "name": self.name,
            "stem": self.stem,
            "general_feedback": self.general_feedback,
            "points": float(self.default_points),
            "penalty": float(self.penalty),
            "options": dict(self.options or {}),
            "indicators": sorted(i.pk for i in self.indicators.all()) if self.pk else [],
            "choices": [choice.as_data() for choice in self.choices.all()],
        }
        if self.qtype == self.Type.CLOZE:
            data["template"], data["parts"] = cloze.parse(self.stem)
        return data

    @transaction.atomic
    def current_version(self) -> QuestionVersion:
        """The version for a new attempt: the latest, or a new one if the question changed."""
        data = self.snapshot()
        digest = version_digest(data)
        latest = self.versions.order_by("-number").first()
        if latest is not None and latest.digest == digest:
            return latest
        return QuestionVersion.objects.create(
            question=self,
            number=(latest.number + 1) if latest else 1,
            data=data,
            digest=digest,
        )

    def get_preview_template(self, request, mode_name):
        return "quizzes/question_preview.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        try:
            context["data"] = self.snapshot()
        except cloze.ClozeError:
            context["data"] = None  # the page says the text needs correcting
        return context


class Choice(Orderable):
    """A choice, an accepted answer (short answer, numerical), a pair (matching: the prompt
    and its answer) or an item (ordering: in the right order)."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.TextField(_("answer"))
    prompt = models.CharField(
        _("matching prompt"), max_length=500, blank=True, help_text=_("Matching only.")
    )
    fraction = models.DecimalField(
        _("marks (fraction)"),
        max_digits=8,
        decimal_places=7,
        default=Decimal("0"),
        validators=FRACTION,
        help_text=_("1 = full marks, 0.5 = half; negative = a penalty (multiple choice)."),
    )
    feedback = models.TextField(_("feedback"), blank=True)
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=12, decimal_places=4, default=Decimal("0"), blank=True
    )

    panels = [
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("fraction"), FieldPanel("tolerance"), FieldPanel("prompt")]),
        FieldPanel("feedback"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.text[:60]

    def as_data(self) -> dict:
        data = {
            "id": str(self.pk),
            "text": self.text,
            "fraction": float(self.fraction),
            "feedback": self.feedback,
        }
        if self.prompt:
            data["prompt"] = self.prompt
        if self.tolerance:
            data["tolerance"] = float(self.tolerance)
        return data


class QuestionVersion(models.Model):
    """A question as an attempt saw it, never changed afterwards."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="one_version_number"),
        ]

    def __str__(self):
        return f"{self.question_id} v{self.number}"
