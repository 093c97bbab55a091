"""A lesson's parts. The guide excerpt renders from the guide itself at request time, so a
lesson never repeats (and never goes stale against) the toolkit's text."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock

from cms.blocks import HeadedListBlock
from cms.rich_text import SAFE_RICH_TEXT_FEATURES
from toolkit.blocks import ResourceBlock

GUIDE_PARTS = [
    ("definition", _("Definition")),
    ("why_it_matters", _("Why it matters")),
    ("how_assessed", _("How it is assessed")),
    ("steps", _("Indicative steps")),
    ("self_check", _("Self-check")),
]


class TextSectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, required=False, label=_("Heading"))
    body = blocks.RichTextBlock(features=SAFE_RICH_TEXT_FEATURES)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "courses/blocks/text_section.html"


class GuideExcerptBlock(blocks.StructBlock):
    guide = blocks.PageChooserBlock(page_type="toolkit.IndicatorGuidePage", label=_("Guide"))
    part = blocks.ChoiceBlock(choices=GUIDE_PARTS, default="definition", label=_("Part"))
    intro = blocks.TextBlock(max_length=400, required=False, label=_("Introduction"))

    class Meta:
        icon = "link"
        label = _("Guide excerpt")
        template = "courses/blocks/guide_excerpt.html"

    def get_context(self, value, parent_context=None):
        """The chosen part of the guide in the reader's language (the guide's translation when
        one exists), or nothing when the guide or the part is gone: the lesson still renders."""
        context = super().get_context(value, parent_context)
        guide = value.get("guide")
        part = None
        if guide is not None:
            translated = guide.localized
            guide = (translated if translated.live else guide).specific
            if guide.live:
                part = next(
                    (child for child in guide.body if child.block_type == value["part"]), None
                )
        context.update(guide=guide if part is not None else None, part=part)
        return context


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, label=_("Title"))
    video = EmbedBlock(label=_("Video address"))
    transcript = blocks.RichTextBlock(
        features=SAFE_RICH_TEXT_FEATURES,
        label=_("Transcript"),
        help_text=_("Required: people on slow connections, or who cannot hear, read it."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class ExerciseBlock(blocks.StructBlock):
    """Prompts the learner answers in text boxes. Each prompt's list-item id is the key of the
    answer in the learner's record, so keep prompts in place when rewording them."""

    title = blocks.CharBlock(max_length=200, default=_("Exercise"), label=_("Title"))
    intro = blocks.RichTextBlock(features=SAFE_RICH_TEXT_FEATURES, required=False)
    prompts = blocks.ListBlock(
        blocks.TextBlock(max_length=600, label=_("Prompt")), min_num=1, max_num=20
    )

    class Meta:
        icon = "form"
        label = _("Practical exercise")
        template = "courses/blocks/exercise.html"


class LessonStreamBlock(blocks.StreamBlock):
    text = TextSectionBlock()
    guide_excerpt = GuideExcerptBlock()
    video = VideoBlock()
    exercise = ExerciseBlock()
    resources = HeadedListBlock(
        ResourceBlock(),
        _("Resources"),
        "resources",
        "toolkit/blocks/resources.html",
        max_num=20,
        icon="doc-full",
    )
    key_points = HeadedListBlock(
        blocks.CharBlock(max_length=400, label=_("Point")),
        _("Key points"),
        "key-points",
        "courses/blocks/key_points.html",
        max_num=10,
        icon="list-ul",
    )

    class Meta:
        block_counts = {"resources": {"max_num": 1}, "key_points": {"max_num": 1}}
