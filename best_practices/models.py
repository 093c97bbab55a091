"""The compendium: CompendiumPage > CaseStudyPage. A case is tagged with the indicators it
illustrates, so it appears on those indicators' guides and in faceted search."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
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

from best_practices.regions import area_for
from cms.blocks import HeadedListBlock, LinkBlock, SectionTextBlock, table_of_contents
from cms.models import ImportedContentMixin
from cms.rich_text import SAFE_RICH_TEXT_FEATURES
from toolkit.models import GovernmentLevel

FIRST_YEAR = 1980

# Languages a case can be written in: the six UN official languages first, then others
# common among the compendium's cities and countries.
CASE_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("zh", _("Chinese")),
    ("pt", _("Portuguese")),
    ("az", _("Azerbaijani")),
    ("vi", _("Vietnamese")),
    ("id", _("Indonesian")),
    ("ko", _("Korean")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("sw", _("Swahili")),
]


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
        from best_practices.selectors import compendium_context

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
        errors = {}
        if self.country and area_for(str(self.country)) is None:
            errors["country"] = _("Unknown country code.")
        if self.year_started and self.year_started > datetime.date.today().year + 1:
            errors["year_started"] = _("The year cannot be in the future.")
        if self.government_level == GovernmentLevel.LOCAL and not self.city:
            errors["city"] = _("A local case names its city.")
        if not self.indicators.all():
            errors["indicators"] = _("Tag the case with at least one indicator.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        area = area_for(str(self.country)) if self.country else None
        self.region = area.most_specific_region if area else ""
        super().save(*args, **kwargs)

    @property
    def place(self) -> str:
        return f"{self.city}, {self.country.name}" if self.city else str(self.country.name)

    def get_context(self, request, *args, **kwargs):
        from best_practices.selectors import case_context

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
