"""Question-bank imports: a file read into a plan of questions, validated completely (every
problem with its line) before anything is written, GIFT or Moodle XML. The images a Moodle
XML question shows are checked here (`quizzes.files.image_problem`) and stored with the
question by `services.save_plan`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from cms.imports import Problems, display_path
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
    parsed = []
    try:
        if fmt == "gift":
            parsed = gift.parse(gift.decode(path.read_bytes()))
        else:
            parsed = moodle_xml.parse(path.read_bytes())
    except gift.GiftError as exc:
        problems.add(str(exc), line=exc.line)
    except moodle_xml.MoodleXmlError as exc:
        problems.add(str(exc), element=exc.place)
    plan = ImportPlan()
    for item in parsed:
        if item.unsupported:
            where = f"line {item.line}" if isinstance(item.line, int) else item.line
            plan.unsupported.append(f"{where}: {item.unsupported}")
            continue
        question = Question(
            name=item.name[:255],
            qtype=item.qtype,
            stem=item.stem,
            general_feedback=item.general_feedback,
            options=item.options,
            idnumber=item.idnumber[:100],
            default_points=Decimal(str(round(item.points, 2))),
        )
        if item.penalty is not None:
            question.penalty = Decimal(str(round(min(max(item.penalty, 0), 1), 6)))
        choices = [
            Choice(
                text=c["text"],
                prompt=c.get("prompt", "")[:500],
                fraction=Decimal(str(round(c["fraction"], 7))),
                feedback=c.get("feedback", ""),
                tolerance=Decimal(str(c.get("tolerance", 0))),
            )
            for c in item.choices
        ]
        place = {"line": item.line} if isinstance(item.line, int) else {"element": item.line}
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
        for problem in question.choice_problems(choices):
            problems.add(str(problem), **place)
        tagged = [book.indicator(tag) for tag in item.tags]
        indicators = list(dict.fromkeys([*[i for i in tagged if i is not None], *extra]))
        plan.questions.append(
            QuestionPlan(
                item.line,
                question,
                choices,
                item.category or DEFAULT_CATEGORY,
                indicators,
                [t for t, i in zip(item.tags, tagged, strict=True) if i is None],
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
