"""Reference taxonomy: Framework > Criterion > Indicator, plus the 17 SDGs and the level
bands of each index. Everything else in the platform (guides, cases, questions, lessons,
LGQ checks) points at Indicator. Rows are loaded from toolkit/data/frameworks.yaml by
`manage.py load_frameworks`; the admin shows them read-only."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    """The data file's own confidence scale (see its meta.conventions.confidence)."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    NOT_APPLICABLE = "n/a", _("Not applicable")


class SourcedMixin(models.Model):
    """Where a fact comes from and how sure the data file is of it (kept, never dropped)."""

    source = models.JSONField(_("sources"), default=list, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    confidence_detail = models.CharField(_("confidence detail"), max_length=200, blank=True)

    class Meta:
        abstract = True


class GovernmentLevel(models.TextChoices):
    LOCAL = "local", _("Local (cities)")
    NATIONAL = "national", _("National (countries)")


class Framework(models.Model):
    """An assessment framework or index, e.g. LOSI 2024 (cities) or OSI (countries)."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    level = models.CharField(
        _("government level"), max_length=10, choices=GovernmentLevel.choices, blank=True
    )
    used_in = models.CharField(_("used in"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_reference_only = models.BooleanField(
        _("reference only"),
        default=False,
        help_text=_("Kept as reference data; no toolkit is built on it."),
    )
    details = models.JSONField(
        _("details"),
        default=dict,
        blank=True,
        help_text=_("Further facts from the data file (coverage, counts, components)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self):
        return self.short_name or self.name


class Criterion(SourcedMixin):
    """A dimension of a framework (LOSI criterion, OSI subindex or toolkit module)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_scored = models.BooleanField(
        _("scored"),
        default=True,
        help_text=_("False for toolkit-only groupings such as E-Government Literacy."),
    )
    expected_indicator_count = models.PositiveSmallIntegerField(
        _("published indicator count"), null=True, blank=True
    )

    class Meta:
        ordering = ["framework__order", "order"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="criterion_unique_code"),
            models.UniqueConstraint(fields=["framework", "slug"], name="criterion_unique_slug"),
        ]

    def __str__(self):
        return f"{self.framework.short_name} {self.code} – {self.name}"


class IndicatorQuerySet(models.QuerySet):
    def with_taxonomy(self):
        return self.select_related("framework", "criterion")


class Indicator(SourcedMixin):
    """One assessed feature. `code` is the primary question number (e.g. #281); an OSI
    indicator may bundle several question codes, one per sector, kept in `question_codes`.
    `key` is unique within a framework and stable across reloads: criterion code plus
    question code, or the name when the file has no code."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="indicators")
    key = models.SlugField(_("key"), max_length=80)
    code = models.CharField(_("code"), max_length=12, blank=True)
    question_codes = models.JSONField(_("question codes"), default=list, blank=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    answer_type = models.CharField(_("answer type"), max_length=80, blank=True)
    scoring = models.CharField(_("scoring"), max_length=300, blank=True)
    notes = models.JSONField(
        _("notes"),
        default=dict,
        blank=True,
        help_text=_("Other facts from the data file: code notes, sectors, 2022 shares."),
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["framework__order", "criterion__order", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="indicator_unique_key"),
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self):
        return f"{self.code} {self.name}".strip()

    @property
    def display_code(self):
        return self.code or "—"

    @property
    def is_low_confidence(self):
        return self.confidence == Confidence.LOW


class SustainableDevelopmentGoal(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=17), name="sdg_number_1_to_17"
            )
        ]

    def __str__(self):
        return f"SDG {self.number}: {self.name}"


class LevelBand(SourcedMixin):
    """A published band of an index (e.g. Very high LOSI > 0.75); the self-assessment uses
    them to name a city's estimated level."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="level_bands")
    name = models.CharField(_("name"), max_length=60)
    lower_bound = models.DecimalField(_("lower bound"), max_digits=4, decimal_places=2)
    upper_bound = models.DecimalField(_("upper bound"), max_digits=4, decimal_places=2)
    range_label = models.CharField(_("range as published"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework__order", "order"]
        verbose_name = _("level band")
        verbose_name_plural = _("level bands")
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="levelband_unique_name"),
            models.CheckConstraint(
                condition=models.Q(lower_bound__lte=models.F("upper_bound")),
                name="levelband_bounds_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.framework.short_name}: {self.name} ({self.range_label})"
