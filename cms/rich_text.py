"""The one rich-text feature set editors get: no raw HTML, embeds or arbitrary styling."""

SAFE_RICH_TEXT_FEATURES = [
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
    "hr",
]
