"""What the question-bank readers (GIFT, Moodle XML) produce: one shape for both, which
`quizzes.importer` validates and turns into questions."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


def place_label(place: int | str) -> str:
    """Where a question or problem is, in words: a GIFT line number becomes "line 12"; a
    Moodle XML place ("question 4 (multichoice)") is already in words."""
    return _("line %(line)s") % {"line": place} if isinstance(place, int) else place


class NotFinite(ValueError):
    """A number Python reads but the bank cannot use: nan, inf, or past 1.8e308 (read as inf)."""


def read_number(text: str | None, default: float | None = None) -> float:
    """A number as a question file writes it; `default` for an empty one, when given.

    Raises ValueError for text that is no number, and its subclass NotFinite for one that is
    not finite: float() also reads "nan" and "inf", which no answer can be graded against, no
    decimal field stores and PostgreSQL refuses in JSON, so they are refused here, where both
    readers read numbers. The readers word the message people see (translated) by the kind
    raised; the exceptions' own texts are for developers."""
    if (text is None or not text.strip()) and default is not None:
        return default
    try:
        value = float(text or "")
    except ValueError:
        raise ValueError("is not a number") from None
    if not math.isfinite(value):
        raise NotFinite("is not a finite number")
    return value


@dataclass
class EmbeddedImage:
    """An image a question's text or general feedback shows, with the bytes of its file.
    `marker` holds its place in the sanitised HTML (which keeps no <img>) until the image is
    stored and the marker becomes the image's embed."""

    marker: str
    name: str  # as @@PLUGINFILE@@ names it, decoded: "diagram.png", "folder/diagram.png"
    content: bytes
    alt: str = ""


@dataclass
class ExportedFile:
    """A file an exported text carries: its name and its original bytes."""

    name: str
    content: bytes


@dataclass
class ParsedQuestion:
    """A question read from a file, with where it starts (a line, or "question 4")."""

    line: int | str
    qtype: str
    name: str
    stem: str
    choices: list[dict] = field(default_factory=list)
    general_feedback: str = ""
    options: dict = field(default_factory=dict)
    category: str = ""
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    unsupported: str = ""  # the Moodle type name, when we cannot take it
    points: float = 1.0
    penalty: float | None = None
    images: list[EmbeddedImage] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)  # "notes.pdf", with where it was
    file_problems: list[str] = field(default_factory=list)  # files that refuse the import
    # Values that refuse the import (a number that is not one), found while reading; with
    # `unreadable`, the question itself could not be read and nothing else of it is checked.
    problems: list[str] = field(default_factory=list)
    unreadable: bool = False
