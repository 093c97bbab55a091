"""What the question-bank readers (GIFT, Moodle XML) produce: one shape for both, which
`quizzes.importer` validates and turns into questions."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    dropped_files: int = 0  # embedded files not kept
