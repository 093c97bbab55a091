"""StreamField blocks shared by page types of several apps."""

from wagtail import blocks

from cms.rich_text import SAFE_RICH_TEXT_FEATURES


class SectionTextBlock(blocks.RichTextBlock):
    """A rich-text part of a page with a fixed, translated heading and an anchor, so the page
    can list it in its table of contents (guides, cases)."""

    def __init__(self, heading, anchor, **kwargs):
        super().__init__(features=SAFE_RICH_TEXT_FEATURES, **kwargs)
        self.meta.heading = heading
        self.meta.anchor = anchor
        self.meta.template = "includes/blocks/section_text.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["heading"] = self.meta.heading
        context["anchor"] = self.meta.anchor
        return context


class HeadedListBlock(blocks.ListBlock):
    """A list part of a page (steps, checks, links) with a fixed heading and an anchor."""

    def __init__(self, child_block, heading, anchor, template, **kwargs):
        super().__init__(child_block, **kwargs)
        self.meta.heading = heading
        self.meta.anchor = anchor
        self.meta.template = template

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["heading"] = self.meta.heading
        context["anchor"] = self.meta.anchor
        return context


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    url = blocks.URLBlock()
    description = blocks.CharBlock(max_length=300, required=False)


def table_of_contents(stream_value) -> list[dict]:
    """Anchors and headings of a page's sections, in page order."""
    entries = []
    for child in stream_value:
        heading = getattr(child.block.meta, "heading", None)
        if heading:
            entries.append({"anchor": child.block.meta.anchor, "heading": heading})
    return entries
