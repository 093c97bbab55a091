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
from django.utils.translation import gettext as _

from cms.imports import Problems, display_path
from cms.sanitize import remove_control_characters
from quizzes import files, gift, moodle_xml
from quizzes.formats import EmbeddedImage, place_label
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
            # Translators: a file not kept: where its question is ("line 4", "question 2
            # (multichoice)"), the question's name in quotes, and the file with where it was.
            _("%(place)s %(question)s: %(file)s")
            % {"place": place_label(item.line), "question": repr(item.question.name), "file": name}
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
            _(
                # Translators: %(extension)s is the file's extension (".doc"), in quotes.
                "unknown format %(extension)s: GIFT files end in .gift or .txt, Moodle XML files "
                "in .xml"
            )
            % {"extension": repr(path.suffix or _("(no extension)"))}
        )
        problems.raise_if_any()
    if not path.is_file():
        problems.add(_("no such file"))
        problems.raise_if_any()
    if path.stat().st_size > MAX_FILE_BYTES:
        # Translators: MB is megabytes.
        problems.add(_("larger than %(limit)s MB") % {"limit": MAX_FILE_BYTES // (1024 * 1024)})
        problems.raise_if_any()
    book = TagBook()
    extra = []
    for code in [c for c in extra_indicators.split(",") if c.strip()]:
        indicator = book.indicator(code)
        if indicator is None:
            problems.add(
                # Translators: --indicators is the command's option, written as it is;
                # %(code)s is the code given, in quotes.
                _("--indicators: unknown indicator %(code)s (e.g. LOSI-2024:#236 or if-236)")
                % {"code": repr(code.strip())}
            )
        else:
            extra.append(indicator)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        # Translators: %(reason)s is the operating system's message (in English).
        problems.add(_("cannot read the file (%(reason)s)") % {"reason": exc.strerror})
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
            plan.unsupported.append(
                # Translators: an unsupported question: where it is ("line 12", "question 4
                # (essay)") and its Moodle type name (essay, description...).
                _("%(place)s: %(type)s")
                % {"place": place_label(item.line), "type": item.unsupported}
            )
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
                item.points,
                Question,
                "default_points",
                _("default grade %(value)s is out of range: the bank keeps %(low)s to %(high)s"),
                out_of_range,
            ),
        )
        if item.penalty is not None:
            penalty = min(max(item.penalty, 0), 1)
            question.penalty = _decimal(
                penalty,
                Question,
                "penalty",
                _("penalty %(value)s is out of range: the bank keeps %(low)s to %(high)s"),
                out_of_range,
            )
        choices = []
        for c in item.choices:
            answer = repr(_clean(c["text"])[:40])
            choices.append(
                Choice(
                    text=_clean(c["text"]),
                    prompt=_clean(c.get("prompt", ""))[:500],
                    fraction=_decimal(
                        c["fraction"],
                        Choice,
                        "fraction",
                        _(
                            # Translators: %(answer)s is the answer's text, in quotes; the numbers
                            # are percentages, %% being the percent sign.
                            "answer %(answer)s: fraction %(value)s%% is out of range: the bank "
                            "keeps %(low)s%% to %(high)s%%"
                        ),
                        out_of_range,
                        100,
                        answer=answer,
                    ),
                    feedback=_clean(c.get("feedback", "")),
                    tolerance=_decimal(
                        c.get("tolerance", 0),
                        Choice,
                        "tolerance",
                        _(
                            # Translators: %(answer)s is the answer's text, in quotes.
                            "answer %(answer)s: tolerance %(value)s is out of range: the bank "
                            "keeps %(low)s to %(high)s"
                        ),
                        out_of_range,
                        answer=answer,
                    ),
                )
            )
        for problem in out_of_range:
            problems.add(problem, **place)
        if not gift.plain_stem(item.stem).strip("_ "):
            problems.add(_("no question text"), **place)
        # Translators: a problem of a question's files: the question's name, in quotes, and
        # the problem.
        in_question = _("%(question)s: %(problem)s")
        for problem in item.file_problems:
            problems.add(in_question % {"question": repr(item.name), "problem": problem}, **place)
        refused = set()
        for image in item.images:
            problem = files.image_problem(image.content, image.name)
            if problem and image.name not in refused:
                refused.add(image.name)
                problems.add(
                    in_question % {"question": repr(item.name), "problem": problem}, **place
                )
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
            _(
                # Translators: --skip-unsupported is the command's option, written as it is;
                # %(questions)s lists the questions ("line 12: essay; line 20: description").
                "unsupported question types (import with --skip-unsupported to leave them out): "
                "%(questions)s"
            )
            % {"questions": "; ".join(plan.unsupported)}
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
    value: float,
    model: type[models.Model],
    name: str,
    message: str,
    out_of_range: list,
    scale=1,
    **names,
) -> Decimal:
    """`value` as the model's decimal field `name` keeps it, rounded to its decimal places.
    One outside the field's range joins `out_of_range`, saying why (`message`, translated,
    filled with the value as %(value)s, the range as %(low)s and %(high)s, and `names`), so
    that save_plan's full_clean never refuses what the import accepted. `scale` shows the
    numbers as the file writes them (100: fractions in percent, the message adding the sign)."""
    places, low, high = _limits(model, name)
    number = Decimal(str(round(value, places)))
    if not (math.isfinite(value) and low <= number <= high):

        def shown(x) -> str:
            return f"{x * scale:.15g}"

        out_of_range.append(
            message % {"value": shown(value), "low": shown(low), "high": shown(high), **names}
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
