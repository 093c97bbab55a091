"""What the question-bank readers (GIFT, Moodle XML) produce: one shape for both, which
`quizzes.importer` validates and turns into questions."""

from __future__ import annotations

from dataclasses import dataclass, field


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
