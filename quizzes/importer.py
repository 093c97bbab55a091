"""Question-bank imports: a file read into a plan of questions, validated completely (every
problem with its line) before anything is written, GIFT or Moodle XML. The images a Moodle
XML question shows are checked here (`quizzes.files.image_problem`) and stored with the
question by `services.save_plan`.

Whatever the file holds is either refused here, with its place, or fits the models: numbers
within the digits and validators of the decimal fields they go into (read from the models),
text without control characters. So `save_plan` writes a plan without a field failing, and
a file is fixed in one pass: every question's problems are reported together."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cms.imports import Problems, display_path
from cms.sanitize import remove_control_characters
from quizzes import files, gift, moodle_xml
from quizzes.formats import EmbeddedImage
from quizzes.models import Choice, Question
from quizzes.tags import TagBook

CONTENT_DIR = Path(__file__).resolve().parent / "content"
FORMATS = {".gift": "gift", ".txt": "gift", ".xml": "moodle-xml"}
DEFAULT_CATEGORY = "top/Imported"
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class QuestionPlan:
    line: int
    question: Question
    choices: list[Choice]
    category: str
    indicators: list = field(default_factory=list)
    unknown_tags: list[str] = field(default_factory=list)
    images: list[EmbeddedImage] = field(default_factory=list)  # stored by save_plan
    skipped_files: list[str] = field(default_factory=list)  # embedded files not kept


@dataclass
class ImportPlan:
    questions: list[QuestionPlan] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # "line 12: essay"
    dropped_files: int = 0  # embedded files not kept (named in skipped_files)

    @property
    def needs_indicators(self) -> int:
        return sum(1 for plan in self.questions if not plan.indicators)

    @property
    def skipped_files(self) -> list[str]:
        """Each file not kept, as "question 2 (multichoice) 'Name': notes.pdf (question
        text)"; read from the questions, so plans merged question by question keep them."""
        return [
            f"{f'line {item.line}' if isinstance(item.line, int) else item.line} "
            f"{item.question.name!r}: {name}"
            for item in self.questions
            for name in item.skipped_files
        ]


def read_questions(
    path: Path, extra_indicators: str = "", skip_unsupported: bool = False
) -> ImportPlan:
    problems = Problems(file=display_path(path))
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        problems.add(
            f"unknown format {path.suffix or '(no extension)'!r}: GIFT files end in .gift or "
            ".txt, Moodle XML files in .xml"
        )
        problems.raise_if_any()
    if not path.is_file():
        problems.add("no such file")
        problems.raise_if_any()
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.add(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        problems.raise_if_any()
    book = TagBook()
    extra = []
    for code in [c for c in extra_indicators.split(",") if c.strip()]:
        indicator = book.indicator(code)
        if indicator is None:
            problems.add(
                f"--indicators: unknown indicator {code.strip()!r} (e.g. LOSI-2024:#236 or if-236)"
            )
        else:
            extra.append(indicator)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(f"cannot read the file ({exc.strerror})")
        problems.raise_if_any()
    parsed = []
    try:
        if fmt == "gift":
            text, undecodable = gift.decode(raw)
            for problem in undecodable:
                problems.add(str(problem), line=problem.line)
            parsed = gift.parse(text)
        else:
            parsed = moodle_xml.parse(raw)
    except gift.GiftError as exc:
        problems.add(str(exc), line=exc.line)
    except moodle_xml.MoodleXmlError as exc:
        problems.add(str(exc), element=exc.place)
    plan = ImportPlan()
    for item in parsed:
        place = {"line": item.line} if isinstance(item.line, int) else {"element": item.line}
        for problem in item.problems:
            problems.add(problem, **place)
        if item.unreadable:
            continue
        if item.unsupported:
            where = f"line {item.line}" if isinstance(item.line, int) else item.line
            plan.unsupported.append(f"{where}: {item.unsupported}")
            continue
        out_of_range: list[str] = []  # values read that the fields cannot hold
        question = Question(
            name=_clean(item.name)[:255],
            qtype=item.qtype,
            stem=_clean(item.stem),
            general_feedback=_clean(item.general_feedback),
            options=_clean(item.options),
            idnumber=_clean(item.idnumber)[:100],
            default_points=_decimal(
                item.points, Question, "default_points", "default grade", out_of_range
            ),
        )
        if item.penalty is not None:
            penalty = min(max(item.penalty, 0), 1)
            question.penalty = _decimal(penalty, Question, "penalty", "penalty", out_of_range)
        choices = []
        for c in item.choices:
            answer = f"answer {_clean(c['text'])[:40]!r}:"
            choices.append(
                Choice(
                    text=_clean(c["text"]),
                    prompt=_clean(c.get("prompt", ""))[:500],
                    fraction=_decimal(
                        c["fraction"], Choice, "fraction", f"{answer} fraction", out_of_range, 100
                    ),
                    feedback=_clean(c.get("feedback", "")),
                    tolerance=_decimal(
                        c.get("tolerance", 0),
                        Choice,
                        "tolerance",
                        f"{answer} tolerance",
                        out_of_range,
                    ),
                )
            )
        for problem in out_of_range:
            problems.add(problem, **place)
        if not gift.plain_stem(item.stem).strip("_ "):
            problems.add("no question text", **place)
        for problem in item.file_problems:
            problems.add(f"{item.name!r}: {problem}", **place)
        refused = set()
        for image in item.images:
            problem = files.image_problem(image.content)
            if problem and image.name not in refused:
                refused.add(image.name)
                problems.add(f"{item.name!r}: image {image.name!r} {problem}", **place)
        if not item.problems and not out_of_range:
            # The type's rule (full marks, right choices adding up to 100%) needs every value.
            for problem in question.choice_problems(choices):
                problems.add(str(problem), **place)
        tags = [_clean(tag) for tag in item.tags]
        tagged = [book.indicator(tag) for tag in tags]
        indicators = list(dict.fromkeys([*[i for i in tagged if i is not None], *extra]))
        plan.questions.append(
            QuestionPlan(
                item.line,
                question,
                choices,
                _clean(item.category) or DEFAULT_CATEGORY,
                indicators,
                [t for t, i in zip(tags, tagged, strict=True) if i is None],
                item.images,
                item.skipped_files,
            )
        )
    plan.dropped_files = sum(len(item.skipped_files) for item in plan.questions)
    if plan.unsupported and not skip_unsupported:
        problems.add(
            "unsupported question types (import with --skip-unsupported to leave them out): "
            + "; ".join(plan.unsupported)
        )
    problems.raise_if_any()
    return plan


@cache
def _limits(model: type[models.Model], name: str) -> tuple[int, Decimal, Decimal]:
    """A decimal field's places and the range it holds, read from the model: its digits
    (max_digits, decimal_places) and its MinValueValidator and MaxValueValidator."""
    model_field = model._meta.get_field(name)
    places = model_field.decimal_places
    largest = Decimal(10) ** (model_field.max_digits - places) - Decimal(10) ** -places
    low, high = -largest, largest
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            low = max(low, Decimal(validator.limit_value))
        elif isinstance(validator, MaxValueValidator):
            high = min(high, Decimal(validator.limit_value))
    return places, low, high


def _decimal(
    value: float, model: type[models.Model], name: str, label: str, out_of_range: list, scale=1
) -> Decimal:
    """`value` as the model's decimal field `name` keeps it, rounded to its decimal places.
    One outside the field's range joins `out_of_range`, saying why, so that save_plan's
    full_clean never refuses what the import accepted. `scale` shows the numbers as the file
    writes them (100: fractions in percent)."""
    places, low, high = _limits(model, name)
    number = Decimal(str(round(value, places)))
    if not (math.isfinite(value) and low <= number <= high):
        unit = "%" if scale == 100 else ""

        def shown(x) -> str:
            return f"{x * scale:.15g}{unit}"

        out_of_range.append(
            f"{label} {shown(value)} is out of range: the bank keeps {shown(low)} to {shown(high)}"
        )
    return number


def _clean(value):
    """Text without control characters, in strings and in the strings inside options: PostgreSQL
    refuses NUL in text and JSON, and the others are not text anyone typed
    (`cms.sanitize.remove_control_characters`, which also makes line ends \\n)."""
    if isinstance(value, str):
        return remove_control_characters(value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value
