"""Markdown in, safe HTML out. Everything users or files write goes through here: Markdown
is rendered, then bleach keeps only the tags, attributes and URL schemes in the allow-lists,
so script tags, event handlers and javascript: links never reach a page."""

import html
import re

import bleach
import markdown as markdown_lib

# Elements whose content is code, not text: dropped whole rather than unwrapped.
DANGEROUS_ELEMENTS = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "b",
        "i",
        "a",
        "br",
        "hr",
        "blockquote",
        "code",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def sanitize_html(markup: str) -> str:
    return bleach.clean(
        DANGEROUS_ELEMENTS.sub("", markup),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    ).strip()


def markdown_to_html(text: str) -> str:
    """Render Markdown (raw HTML inside it is escaped or stripped, never trusted)."""
    html = markdown_lib.markdown(text, extensions=["sane_lists"], output_format="html")
    return sanitize_html(html)


def plain_text(text: str) -> str:
    """Strip every tag: for fields shown as text (titles, summaries)."""
    cleaned = bleach.clean(DANGEROUS_ELEMENTS.sub("", text), tags=set(), strip=True)
    return html.unescape(cleaned).strip()
