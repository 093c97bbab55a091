"""Course page types: CourseIndexPage > CoursePage > ModulePage > LessonPage. Pages hold the
content; a learner's records (courses.models.records) point at their translation keys."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import table_of_contents
from cms.models import ImportedContentMixin
from courses.blocks import LessonStreamBlock
from courses.panels import LearnerRecordsPanel


class ReaderContextMixin:
    """Course pages show the reader's place in the course. Those reads live in
    courses.selectors, a layer above the models, which courses.apps wires in as
    `context_reader(page, user) -> dict`: the models never import it."""

    context_reader = None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.context_reader is not None:
            context.update(self.context_reader(request.user))
        return context


class CourseIndexPage(ReaderContextMixin, ImportedContentMixin, Page):
    """The list of courses in one language (/en/courses/)."""

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1
    content_panels = [*Page.content_panels, FieldPanel("summary")]
    template = "courses/course_index_page.html"

    class Meta:
        verbose_name = _("course list")


class CoursePage(ReaderContextMixin, ImportedContentMixin, Page):
    class Enrolment(models.TextChoices):
        OPEN = "open", _("Open: anyone signed in can enrol")
        KEY = "key", _("With an enrolment key")
        TRAINER = "trainer", _("By a trainer only")

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    framework = models.ForeignKey(
        "toolkit.Framework",
        on_delete=models.PROTECT,
        related_name="course_pages",
        verbose_name=_("framework taught"),
    )
    intro = models.TextField(_("introduction"), blank=True)
    audience = models.TextField(_("audience"), max_length=600, blank=True)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.INTRODUCTORY
    )
    estimated_hours = models.PositiveSmallIntegerField(_("estimated hours"), default=1)
    learning_outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("One outcome per line.")
    )
    prerequisites = models.TextField(
        _("prerequisites"), blank=True, help_text=_("One prerequisite per line.")
    )
    enrolment = models.CharField(
        _("enrolment"), max_length=10, choices=Enrolment.choices, default=Enrolment.OPEN
    )
    enrolment_key = models.CharField(
        _("enrolment key"),
        max_length=64,
        blank=True,
        help_text=_("Learners type it to enrol. Needed when enrolment is with a key."),
    )
    starts_on = models.DateField(_("enrolment opens"), null=True, blank=True)
    ends_on = models.DateField(_("course closes"), null=True, blank=True)

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]
    content_panels = [
        *Page.content_panels,
        LearnerRecordsPanel(),
        FieldPanel("framework"),
        FieldPanel("summary"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldRowPanel([FieldPanel("level"), FieldPanel("estimated_hours")]),
                FieldPanel("learning_outcomes"),
                FieldPanel("prerequisites"),
            ],
            heading=_("Who it is for"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("enrolment"),
                FieldPanel("enrolment_key"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            ],
            heading=_("Enrolment"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("intro"),
    ]

    class Meta:
        verbose_name = _("course")

    def clean(self):
        super().clean()
        if self.enrolment == self.Enrolment.KEY and not self.enrolment_key.strip():
            raise ValidationError({"enrolment_key": _("Give the key learners will type.")})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The course cannot close before it opens.")})

    def enrolment_closed_reason(self, today=None) -> str:
        """Why nobody can enrol today, or "" when enrolment is possible (by some route)."""
        today = today or timezone.localdate()
        if self.starts_on and today < self.starts_on:
            return _("Enrolment opens on %(date)s.") % {"date": self.starts_on}
        if self.ends_on and today > self.ends_on:
            return _("This course closed on %(date)s.") % {"date": self.ends_on}
        return ""

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    @property
    def prerequisite_list(self) -> list[str]:
        return [line.strip() for line in self.prerequisites.splitlines() if line.strip()]


class ModulePage(ReaderContextMixin, ImportedContentMixin, Page):
    criterion = models.ForeignKey(
        "toolkit.Criterion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="module_pages",
        verbose_name=_("criterion"),
    )
    indicators = ParentalManyToManyField(
        "toolkit.Indicator", blank=True, related_name="module_pages", verbose_name=_("indicators")
    )
    intro = models.TextField(_("introduction"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=30)

    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]
    content_panels = [
        *Page.content_panels,
        LearnerRecordsPanel(),
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("criterion"), FieldPanel("estimated_minutes")]),
        FieldPanel("indicators"),
    ]

    class Meta:
        verbose_name = _("module")

    def clean(self):
        super().clean()
        parent = self.get_parent() if self.pk else None
        course = parent.specific if parent is not None else None
        if (
            isinstance(course, CoursePage)
            and self.criterion_id
            and self.criterion.framework_id != course.framework_id
        ):
            raise ValidationError({"criterion": _("Choose a criterion of the course's framework.")})


class LessonPage(ReaderContextMixin, ImportedContentMixin, Page):
    indicators = ParentalManyToManyField(
        "toolkit.Indicator", blank=True, related_name="lesson_pages", verbose_name=_("indicators")
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    body = StreamField(LessonStreamBlock(), verbose_name=_("lesson"))

    parent_page_types = ["courses.ModulePage"]
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        LearnerRecordsPanel(),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("indicators")]),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("locale_id"),
    ]

    class Meta:
        verbose_name = _("lesson")

    def exercise_prompts(self) -> list[tuple[str, str]]:
        """(prompt key, prompt text) of every exercise prompt, in page order."""
        prompts = []
        for child in self.body:
            if child.block_type == "exercise":
                prompts.extend(
                    (str(item.id), item.value) for item in child.value["prompts"].bound_blocks
                )
        return prompts

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["toc"] = table_of_contents(self.body)
        return context
