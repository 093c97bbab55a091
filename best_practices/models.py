"""The compendium: CompendiumPage > CaseStudyPage. A case is tagged with the indicators it
illustrates, so it appears on those indicators' guides and in faceted search."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Orderable, Page
from wagtail.search import index

from best_practices.languages import CASE_LANGUAGES
from best_practices.regions import area_for
from best_practices.selectors import case_context, compendium_context
from cms.blocks import HeadedListBlock, LinkBlock, SectionTextBlock, table_of_contents
from cms.models import ImportedContentMixin
from cms.rich_text import SAFE_RICH_TEXT_FEATURES
from cms.sanitize import is_single_line
from toolkit.models import GovernmentLevel

FIRST_YEAR = 1980


class CaseStatus(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")


class FigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(max_length=40, help_text=_("e.g. 2.3 million, 48%"))
    label = blocks.CharBlock(max_length=200)


class CaseStreamBlock(blocks.StreamBlock):
    context = SectionTextBlock(_("Context"), "context", icon="pilcrow")
    what_was_done = SectionTextBlock(_("What was done"), "what-was-done", icon="cogs")
    results = SectionTextBlock(_("Results"), "results", icon="success")
    figures = HeadedListBlock(
        FigureBlock(),
        _("Key figures"),
        "key-figures",
        "best_practices/blocks/figures.html",
        max_num=8,
        icon="table",
    )
    lessons_learned = SectionTextBlock(_("Lessons learned"), "lessons-learned", icon="help")
    image = ImageBlock(template="best_practices/blocks/image.html")
    links = HeadedListBlock(
        LinkBlock(),
        _("Links"),
        "links",
        "best_practices/blocks/links.html",
        max_num=12,
        icon="link",
    )


class CompendiumPage(Page):
    """The compendium's landing page: search, facets and the list of cases."""

    intro = RichTextField(_("introduction"), features=SAFE_RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = ["intro"]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["best_practices.CaseStudyPage"]
    max_count = 1

    class Meta:
        verbose_name = _("compendium page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(compendium_context(self, request))
        return context


class CaseStudyTag(TaggedItemBase):
    content_object = ParentalKey(
        "best_practices.CaseStudyPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class CaseStudyPage(ImportedContentMixin, Page):
    """A best-practice case from a city or a country."""

    body = StreamField(CaseStreamBlock(), verbose_name=_("body"))
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("region (UN M49)"), max_length=80, editable=False, db_index=True)
    government_level = models.CharField(
        _("government level"), max_length=10, choices=GovernmentLevel.choices
    )
    year_started = models.PositiveSmallIntegerField(
        _("year started"),
        validators=[MinValueValidator(FIRST_YEAR)],
        db_index=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.ONGOING
    )
    language = models.CharField(
        _("language of the case"), max_length=8, choices=CASE_LANGUAGES, default="en"
    )
    contact_organisation = models.CharField(_("contact organisation"), max_length=200, blank=True)
    indicators = ParentalManyToManyField(
        "toolkit.Indicator", related_name="cases", verbose_name=_("indicators")
    )
    sdgs = ParentalManyToManyField(
        "toolkit.SustainableDevelopmentGoal",
        blank=True,
        related_name="cases",
        verbose_name=_("Sustainable Development Goals"),
    )
    themes = ClusterTaggableManager(
        through=CaseStudyTag, blank=True, verbose_name=_("themes"), help_text=""
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_cases",
        editable=False,
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("country"), FieldPanel("city")]),
                FieldRowPanel(
                    [
                        FieldPanel("government_level"),
                        FieldPanel("year_started"),
                        FieldPanel("status"),
                    ]
                ),
                FieldRowPanel([FieldPanel("language"), FieldPanel("contact_organisation")]),
            ],
            heading=_("Where and when"),
        ),
        MultiFieldPanel(
            [FieldPanel("indicators"), FieldPanel("sdgs"), FieldPanel("themes")],
            heading=_("Classification"),
        ),
        FieldPanel("body"),
        InlinePanel("sources", label=_("Sources"), heading=_("Public sources")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("city"),
        index.SearchField("contact_organisation"),
        index.AutocompleteField("title"),
        index.RelatedFields("indicators", [index.SearchField("name"), index.SearchField("code")]),
        index.RelatedFields("themes", [index.SearchField("name")]),
    ]
    api_fields = [
        "summary",
        "body",
        "country",
        "city",
        "region",
        "government_level",
        "year_started",
        "status",
        "language",
        "indicators",
        "sdgs",
    ]

    parent_page_types = ["best_practices.CompendiumPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("case study page")
        verbose_name_plural = _("case study pages")
        indexes = [models.Index(fields=["government_level", "year_started"])]

    def clean(self):
        super().clean()
        errors = case_rule_errors(
            {
                "title": self.title,
                "summary": self.summary,
                "country": str(self.country or ""),
                "city": self.city,
                "government_level": self.government_level,
                "year_started": self.year_started,
                "contact_organisation": self.contact_organisation,
            }
        )
        if not self.indicators.all():
            errors["indicators"] = _("Tag the case with at least one indicator.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        area = area_for(str(self.country)) if self.country else None
        self.region = area.most_specific_region if area else ""
        super().save(*args, **kwargs)

    @property
    def search_result_language(self) -> str:
        """The language the case is written in (search results mark it with lang)."""
        return self.language

    def search_result_context(self) -> list[str]:
        """Shown under the title in site-wide search: "Case · Dakar, Senegal"."""
        return [gettext("Case"), self.place]

    @property
    def place(self) -> str:
        return f"{self.city}, {self.country.name}" if self.city else str(self.country.name)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(case_context(self))
        context["toc"] = table_of_contents(self.body)
        return context


class CaseSource(Orderable):
    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=255)
    url = models.URLField(_("address"), max_length=500)

    panels = [FieldPanel("title"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("source")

    def __str__(self):
        return self.title


# The case's rules, written once: CaseStudyPage.clean(), the proposal form and import_cases
# all call them, on text that has already been sanitised.

# The body's text sections (block type -> heading), read from CaseStreamBlock: the importer's
# Markdown headings, the proposal form's fields and the export's columns.
with translation.override(None):
    CASE_TEXT_SECTIONS = {
        name: str(block.meta.heading)
        for name, block in CaseStreamBlock.base_blocks.items()
        if isinstance(block, SectionTextBlock)
    }
REQUIRED_CASE_SECTIONS = ("context", "what_was_done")
# Markdown characters per text section: long enough for any shipped case (1,700 at most),
# short enough to stay a case study rather than a report.
CASE_SECTION_MAX_LENGTH = 5000
# Fields typed on one line: a line break in a title breaks the moderators' e-mail subject.
SINGLE_LINE_FIELDS = ("title", "city", "contact_organisation")


def case_field_limit(name: str) -> int:
    """The model field's max_length, so forms and imports never repeat a number."""
    return CaseStudyPage._meta.get_field(name).max_length


def latest_year() -> int:
    """A case may start next year (announced projects), not later."""
    return datetime.date.today().year + 1


def case_rule_errors(values: dict) -> dict[str, str]:
    """One message per field that breaks a rule; only the fields present are checked."""
    errors: dict[str, str] = {}

    def text(name):
        return values.get(name) or ""

    if "title" in values and not text("title").strip():
        errors["title"] = _("Give the case a title (with letters or digits).")
    for name in ("title", "summary", "city", "contact_organisation"):
        if name not in values or name in errors:
            continue
        limit = case_field_limit(name)
        if len(text(name)) > limit:
            errors[name] = _("Keep it to %(limit)d characters (it has %(length)d).") % {
                "limit": limit,
                "length": len(text(name)),
            }
        elif name in SINGLE_LINE_FIELDS and not is_single_line(text(name)):
            errors[name] = _("Write it on one line.")
    country = text("country").strip().upper()
    if country and area_for(country) is None:
        errors["country"] = _("Unknown country code '%(code)s' (use ISO 3166, e.g. GH).") % {
            "code": country
        }
    if (
        values.get("government_level") == GovernmentLevel.LOCAL
        and "city" in values
        and not text("city").strip()
        and "city" not in errors
    ):
        errors["city"] = _("A local case names its city.")
    year = values.get("year_started")
    if isinstance(year, int) and not FIRST_YEAR <= year <= latest_year():
        errors["year_started"] = _("Give a year from %(first)d to %(last)d.") % {
            "first": FIRST_YEAR,
            "last": latest_year(),
        }
    for name in CASE_TEXT_SECTIONS:
        if name in values and len(text(name)) > CASE_SECTION_MAX_LENGTH:
            errors[name] = _("Keep it to %(limit)d characters (it has %(length)d).") % {
                "limit": CASE_SECTION_MAX_LENGTH,
                "length": len(text(name)),
            }
    return errors
