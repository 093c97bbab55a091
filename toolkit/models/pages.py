"""Toolkit page types: ToolkitPage > DimensionPage > IndicatorGuidePage, plus
ToolkitSectionPage for the introductory parts. Each guide is tied to exactly one Indicator."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import table_of_contents
from cms.models import ImportedContentMixin
from cms.rich_text import SAFE_RICH_TEXT_FEATURES
from toolkit import selectors
from toolkit.blocks import GuideStreamBlock


class OnePerLanguageMixin:
    """One page per taxonomy entry in each language: a framework has one toolkit, a
    criterion one dimension page, an indicator one guide, per locale. Translations of a page
    share its entry, so a database unique key cannot say this (the locale lives in Wagtail's
    page table); clean() does, for the admin and the importers alike."""

    unique_per_locale: str = ""

    def clean(self):
        super().clean()
        value = getattr(self, f"{self.unique_per_locale}_id")
        if value is None:
            return
        others = (
            type(self)
            .objects.filter(**{f"{self.unique_per_locale}_id": value}, locale_id=self.locale_id)
            .exclude(pk=self.pk)
        )
        if others.exists():
            raise ValidationError(
                {
                    self.unique_per_locale: _(
                        "Another page in this language already covers it: %(page)s"
                    )
                    % {"page": others.first().title}
                }
            )


class ToolkitPage(OnePerLanguageMixin, ImportedContentMixin, Page):
    """The Local (LOSI) or National (OSI) toolkit: its landing page shows the dimensions."""

    framework = models.ForeignKey(
        "toolkit.Framework",
        on_delete=models.PROTECT,
        related_name="toolkit_pages",
        verbose_name=_("framework"),
    )
    intro = RichTextField(_("introduction"), features=SAFE_RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("framework"),
        FieldPanel("summary"),
        FieldPanel("intro"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("intro"),
    ]
    api_fields = ["framework", "summary", "intro"]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["toolkit.DimensionPage", "toolkit.ToolkitSectionPage"]
    unique_per_locale = "framework"

    class Meta:
        verbose_name = _("toolkit page")

    def serve(self, request, *args, **kwargs):
        """Quick jump: a code or exact name opens its guide at once; other words become a
        filter of the indicator list. `jump` is the older parameter name (shared links)."""
        jump = request.GET.get("jump", "").strip()[:100]
        words = jump or ("" if request.GET.get("dimension") else request.GET.get("q", ""))
        words = words.strip()[:100]
        if words:
            guide = selectors.guide_for_jump(self, words)
            if guide is not None:
                return redirect(guide.get_url(request))
            if jump:  # an old link: show its words as the filter
                return redirect(f"{self.get_url(request)}?{urlencode({'q': jump})}#results")
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.toolkit_landing(self, request.GET))
        return context


class DimensionPage(OnePerLanguageMixin, ImportedContentMixin, Page):
    """One criterion of the framework (e.g. Services provision) and its indicator guides."""

    criterion = models.ForeignKey(
        "toolkit.Criterion",
        on_delete=models.PROTECT,
        related_name="dimension_pages",
        verbose_name=_("criterion"),
    )
    intro = RichTextField(_("introduction"), features=SAFE_RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("criterion"),
        FieldPanel("summary"),
        FieldPanel("intro"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("intro"),
    ]
    api_fields = ["criterion", "summary", "intro"]

    parent_page_types = ["toolkit.ToolkitPage"]
    subpage_types = ["toolkit.IndicatorGuidePage"]
    unique_per_locale = "criterion"

    class Meta:
        verbose_name = _("dimension page")

    def clean(self):
        super().clean()
        parent = self.get_parent()
        toolkit = parent.specific if parent else None
        if (
            isinstance(toolkit, ToolkitPage)
            and self.criterion_id
            and self.criterion.framework_id != toolkit.framework_id
        ):
            raise ValidationError(
                {"criterion": _("Choose a criterion of this toolkit's framework.")}
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = selectors.guides_of_dimension(self)
        context["breadcrumbs"] = selectors.breadcrumbs(self)
        return context


class IndicatorGuidePageForm(WagtailAdminPageForm):
    """Once a guide is live, only users who may publish (moderators) can move it to
    another indicator: the guide's URL, cases and quiz mastery all hang on that link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "indicator" in self.fields and self.indicator_is_locked():
            self.fields["indicator"].disabled = True
            self.fields["indicator"].help_text = _(
                "This guide is published: only a moderator can change its indicator."
            )

    def indicator_is_locked(self):
        page = self.instance
        if not page.pk or not page.first_published_at or self.for_user is None:
            return False
        return not page.permissions_for_user(self.for_user).can_publish()


class IndicatorGuidePage(OnePerLanguageMixin, ImportedContentMixin, Page):
    """The guide to one indicator: definition, why it matters, how it is assessed, steps,
    self-check, case examples and resources."""

    indicator = models.ForeignKey(
        "toolkit.Indicator",
        on_delete=models.PROTECT,
        related_name="guides",
        verbose_name=_("indicator"),
    )
    body = StreamField(GuideStreamBlock(), verbose_name=_("guide"))
    sdgs = ParentalManyToManyField(
        "toolkit.SustainableDevelopmentGoal",
        blank=True,
        related_name="guides",
        verbose_name=_("Sustainable Development Goals"),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("indicator"), FieldPanel("summary"), FieldPanel("sdgs")],
            heading=_("Indicator"),
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields(
            "indicator",
            [
                index.SearchField("code"),
                index.SearchField("name"),
                index.FilterField("framework_id"),
                index.FilterField("criterion_id"),
            ],
        ),
        index.FilterField("indicator_id"),
    ]
    api_fields = ["indicator", "summary", "body", "sdgs"]
    base_form_class = IndicatorGuidePageForm

    parent_page_types = ["toolkit.DimensionPage"]
    subpage_types = []
    unique_per_locale = "indicator"

    class Meta:
        verbose_name = _("indicator guide page")

    def clean(self):
        super().clean()
        parent = self.get_parent()
        dimension = parent.specific if parent else None
        if (
            isinstance(dimension, DimensionPage)
            and self.indicator_id
            and self.indicator.criterion_id != dimension.criterion_id
        ):
            raise ValidationError({"indicator": _("Choose an indicator of this dimension.")})

    def search_result_context(self) -> list[str]:
        """Shown under the title in site-wide search, so two guides with the same title are
        told apart: "Local E-Government Toolkit · Participation and engagement · #275"."""
        ancestors = list(
            Page.objects.ancestor_of(self)
            .filter(depth__gt=2)
            .order_by("depth")
            .values_list("title", flat=True)
        )
        code = self.indicator.code
        return [*ancestors, code or self.indicator.name]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.guide_context(self))
        context["toc"] = table_of_contents(self.body)
        return context


class ToolkitSectionPage(ImportedContentMixin, Page):
    """Introductory parts of a toolkit: what e-government is, how the index is scored, how
    the questionnaire works, e-government literacy, training with the toolkit."""

    body = RichTextField(_("body"), features=SAFE_RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    api_fields = ["summary", "body"]

    parent_page_types = ["toolkit.ToolkitPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("toolkit section page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumbs"] = selectors.breadcrumbs(self)
        return context
