"""Purpose-built StreamField blocks for toolkit guides. Each block is one part of a guide
(definition, why it matters, how it is assessed, steps, self-check, cases, resources), so the
page can build its table of contents, print well and be reused by courses later."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from cms.blocks import HeadedListBlock, SectionTextBlock
from cms.rich_text import SAFE_RICH_TEXT_FEATURES


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"), max_length=200)
    body = blocks.RichTextBlock(features=SAFE_RICH_TEXT_FEATURES, required=False)


class CaseExampleBlock(blocks.StructBlock):
    """A case on this site (chosen page, usually a compendium case) or one described here with
    an external link. Any page type may be chosen: the toolkit names no upper app."""

    case = blocks.PageChooserBlock(
        required=False,
        label=_("Case on this site"),
        help_text=_("Usually a case of the compendium."),
    )
    place = blocks.CharBlock(max_length=120, required=False, label=_("City or country"))
    description = blocks.TextBlock(max_length=800, required=False)
    url = blocks.URLBlock(required=False, label=_("Link"))


class ResourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    url = blocks.URLBlock(required=False)
    document = DocumentChooserBlock(required=False)
    description = blocks.CharBlock(max_length=300, required=False)


class GuideStreamBlock(blocks.StreamBlock):
    definition = SectionTextBlock(_("Definition"), "definition", icon="pilcrow")
    why_it_matters = SectionTextBlock(_("Why it matters"), "why-it-matters", icon="help")
    how_assessed = SectionTextBlock(_("How it is assessed"), "how-it-is-assessed", icon="search")
    steps = HeadedListBlock(
        StepBlock(),
        _("Indicative steps"),
        "steps",
        "toolkit/blocks/steps.html",
        min_num=1,
        max_num=12,
        icon="list-ol",
    )
    self_check = HeadedListBlock(
        blocks.CharBlock(max_length=300),
        _("Self-check"),
        "self-check",
        "toolkit/blocks/self_check.html",
        max_num=12,
        icon="tick",
    )
    case_examples = HeadedListBlock(
        CaseExampleBlock(),
        _("Case examples"),
        "case-examples",
        "toolkit/blocks/case_examples.html",
        max_num=12,
        icon="site",
    )
    resources = HeadedListBlock(
        ResourceBlock(),
        _("Resources"),
        "resources",
        "toolkit/blocks/resources.html",
        max_num=12,
        icon="doc-full",
    )

    class Meta:
        block_counts = {
            "definition": {"min_num": 1, "max_num": 1},
            "why_it_matters": {"max_num": 1},
            "how_assessed": {"max_num": 1},
            "steps": {"max_num": 1},
            "self_check": {"max_num": 1},
            "case_examples": {"max_num": 1},
            "resources": {"max_num": 1},
        }
