"""Markdown in, safe HTML out; text in, plain text out. Everything users or files write goes
through here: Markdown is rendered, then bleach keeps only the tags, attributes and URL
schemes in the allow-lists, so script tags, event handlers and javascript: links never reach
a page. Plain text holds no markup even after its entities are decoded, and no control
characters (NUL and the like break PostgreSQL text, e-mail headers and spreadsheets)."""

import html
import re

import bleach
import markdown as markdown_lib

# Elements whose content is code, not text: dropped whole rather than unwrapped.
DANGEROUS_ELEMENTS = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)

# C0 and C1 control characters and DEL; newline and tab are kept where text is multi-line.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A tag opening (<b, </b, <!--, <?xml): what makes a "<" markup rather than text.
MARKUP = re.compile(r"<[A-Za-z/!?]")
# Any line break str.splitlines() knows: e-mail headers and one-line fields refuse them all.
LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Entity decoding can reveal new markup (&amp;lt;b&amp;gt; -> &lt;b&gt; -> <b>); more rounds
# than any honest text needs.
MAX_DECODING_ROUNDS = 10

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


def remove_control_characters(text: str, multiline: bool = True) -> str:
    """Drop control characters; line ends become \\n. Single-line text keeps its line breaks
    (so the one-line rule can refuse them) but turns tabs into spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL_CHARACTERS.sub("", text)
    return text if multiline else text.replace("\t", " ")


def _image_embed_attribute(tag, name, value) -> bool:
    """Wagtail's stored form of an image in rich text: an id the server resolves, never a URL
    (and no other embed type: media embeds would fetch from outside)."""
    if name == "embedtype":
        return value == "image"
    return name in ("id", "format", "alt")


IMAGE_EMBED_ATTRIBUTES = {"embed": _image_embed_attribute}
IMAGE_EMBED = re.compile(r"<embed\b([^>]*?)\s*/?>")


def _complete_image_embed(match) -> str:
    """An image embed as Wagtail reads it (self-closing, with an id and a format), or nothing."""
    attributes = match[1]
    if not all(f'{name}="' in attributes for name in ("embedtype", "id", "format")):
        return ""
    if 'alt="' not in attributes:
        attributes += ' alt=""'
    return f"<embed{attributes}/>"


def sanitize_html(markup: str, image_embeds: bool = False) -> str:
    """Safe HTML from untrusted markup. With `image_embeds`, Wagtail's image embeds survive
    (only their embedtype, id, format and alt): `expand_db_html` then renders them itself."""
    tags, attributes = ALLOWED_TAGS, ALLOWED_ATTRIBUTES
    if image_embeds:
        tags, attributes = tags | {"embed"}, {**attributes, **IMAGE_EMBED_ATTRIBUTES}
    clean = bleach.clean(
        DANGEROUS_ELEMENTS.sub("", remove_control_characters(markup)),
        tags=tags,
        attributes=attributes,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    ).strip()
    if image_embeds:  # Wagtail's rewriter reads embeds in their self-closing form only
        clean = IMAGE_EMBED.sub(_complete_image_embed, clean)
    return clean


def markdown_to_html(text: str) -> str:
    """Render Markdown (raw HTML inside it is escaped or stripped, never trusted)."""
    rendered = markdown_lib.markdown(
        remove_control_characters(text), extensions=["sane_lists"], output_format="html"
    )
    return sanitize_html(rendered)


def _strip_tags(text: str) -> str:
    return html.unescape(bleach.clean(DANGEROUS_ELEMENTS.sub("", text), tags=set(), strip=True))


def plain_text(text: str, multiline: bool = True) -> str:
    """Text without markup: for fields shown as text (titles, summaries, places).

    Tags are stripped and entities decoded until nothing changes, so an encoded tag
    (&lt;script&gt;) is removed like a real one rather than stored as one; a lone '<' in
    prose ('a < b') stays text."""
    text = remove_control_characters(text, multiline)
    for _ in range(MAX_DECODING_ROUNDS):
        cleaned = remove_control_characters(_strip_tags(text), multiline)
        if cleaned == text:
            break
        text = cleaned
    else:
        # Still changing after every round: an attack, not text. Keep no angle bracket.
        text = text.replace("<", "").replace(">", "")
    # A tag left unfinished ('<scr' once '<script>…</script>' inside it is gone) is text
    # to bleach but would open a tag wherever the text is pasted into HTML: part them.
    return MARKUP.sub(lambda match: f"< {match[0][1:]}", text).strip()


def has_markup(text: str) -> bool:
    return bool(MARKUP.search(text))


def is_single_line(text: str) -> bool:
    return not LINE_BREAKS.search(text)


# Spreadsheets run a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(value: str) -> bool:
    return value.lstrip("'").startswith(FORMULA_TRIGGERS)


def neutralise_formula(value: str) -> str:
    """A CSV cell a spreadsheet will not run: one leading apostrophe before a formula
    trigger (OWASP). Apostrophes already there before a trigger get one more, so
    `restore_formula` gives back exactly the original text."""
    return f"'{value}" if _needs_quote(value) else value


def restore_formula(value: str) -> str:
    """The inverse of neutralise_formula, for CSV imports."""
    return value[1:] if value.startswith("'") and _needs_quote(value) else value
