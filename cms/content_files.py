"""Reading shipped Markdown content files (front matter + body). Shared by the toolkit and
compendium importers: both validate every file before writing anything."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from cms.imports import Problems, display_path, read_text_file
from cms.sanitize import markdown_to_html, plain_text

# Bump when the parsing rules change, so the next import rebuilds every page.
PARSER_VERSION = "1"

LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)$")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*\s*[.:–—-]?\s*(.*)$", re.DOTALL)
DASH_SPLIT = re.compile(r"\s+[–—-]\s+")


@dataclass
class ContentFile:
    path: Path
    label: str  # path shown in messages, relative to the project
    meta: dict
    body: str
    digest: str
    sections: dict[str, str] = field(default_factory=dict)


def read_content_file(path: Path, problems: Problems) -> ContentFile | None:
    """Front matter and body of one Markdown file, or None with the problem recorded."""
    label = display_path(path)
    text = read_text_file(path, problems)
    if text is None:
        return None
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(
            "front matter is not valid YAML",
            file=label,
            line=mark.line + 2 if mark else None,
        )
        return None
    if not isinstance(post.metadata, dict) or not post.metadata:
        problems.add("missing front matter (--- block at the top)", file=label)
        return None
    digest = hashlib.sha256(PARSER_VERSION.encode() + text.encode("utf-8")).hexdigest()
    return ContentFile(path=path, label=label, meta=post.metadata, body=post.content, digest=digest)


def split_sections(body: str) -> tuple[str, dict[str, str]]:
    """Text before the first H2, and each H2's text by heading (in order)."""
    intro_lines: list[str] = []
    sections: dict[str, str] = {}
    current: list[str] | None = None
    for line in body.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            current = sections.setdefault(heading, [])
            continue
        (intro_lines if current is None else current).append(line)
    return "\n".join(intro_lines).strip(), {
        heading: "\n".join(lines).strip() for heading, lines in sections.items()
    }


def list_items(markdown_text: str) -> list[str]:
    """Top-level items of a Markdown list; continuation lines join their item."""
    items: list[str] = []
    for line in markdown_text.splitlines():
        match = LIST_ITEM.match(line)
        if match and not line.startswith(("    ", "\t")):
            items.append(match[1].strip())
        elif items and line.strip():
            items[-1] = f"{items[-1]} {line.strip()}"
    return items


def bold_lead(item: str) -> tuple[str, str]:
    """'**Title.** rest' -> ('Title', 'rest'); without bold, the first sentence is the title."""
    match = BOLD_LEAD.match(item)
    if match:
        return plain_text(markdown_to_html(match[1])).rstrip(".:"), match[2].strip()
    first, _, rest = item.partition(". ")
    return plain_text(markdown_to_html(first)).rstrip("."), rest.strip()


def first_link(text: str) -> tuple[str, str] | None:
    match = LINK.search(text)
    return (match[1], match[2]) if match else None


def split_dash(text: str) -> tuple[str, str]:
    """'Head – tail' -> ('Head', 'tail'), for list items written as 'name – description'."""
    parts = DASH_SPLIT.split(text, maxsplit=1)
    return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else (text.strip(), "")


def inline_text(markdown_text: str) -> str:
    return plain_text(markdown_to_html(markdown_text))


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", plain_text(markdown_to_html(text))))
