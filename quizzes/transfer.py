"""The question bank's import and export, one implementation for the management commands
(import_questions, export_questions) and the admin views (quizzes/admin_views.py), so the
admin reads, checks, writes and exports exactly as the commands do.

Built on `importer.read_questions` and `services.save_plan`. Two guards sit here until the
importer has them: a file that is not text, or that holds a value the parsers do not expect
(an unknown XML encoding, a unit multiplier that is not a number), is refused as a problem
rather than a crash; and every question and choice is checked against its model's field rules
(digits, the fraction range, NUL characters PostgreSQL refuses) before anything is written,
so that a value past a field's limits is reported with its place instead of failing the save.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext, gettext_lazy

from cms.imports import ImportProblems, Outcomes, Problems, display_path
from cms.transactions import atomic_or_dry_run
from quizzes import files, gift, moodle_xml
from quizzes.importer import FORMATS, MAX_FILE_BYTES, ImportPlan, read_questions
from quizzes.models import Question, QuestionCategory
from quizzes.services import export_entries, save_plan
from quizzes.tags import TagBook

KIND = "questions"  # the outcome lines: "questions created: 4"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the admin's limit; the importer allows 20 MB from disk
NO_NUL = ProhibitNullCharactersValidator()


# --- reading -----------------------------------------------------------------------------------


def read_files(
    paths: Iterable[Path], indicators: str = "", skip_unsupported: bool = False
) -> ImportPlan:
    """Every file validated before anything is written: one bad file, nothing imported."""
    plan, problems = ImportPlan(), Problems()
    for path in paths:
        part = _read_one(Path(path), indicators, skip_unsupported, problems)
        if part is None:
            continue
        plan.questions += part.questions
        plan.unsupported += part.unsupported
        plan.dropped_files += part.dropped_files
    problems.raise_if_any()
    return plan


def read_upload(upload, indicators: str = "", skip_unsupported: bool = False) -> ImportPlan:
    """An uploaded file read as the command reads one from disk (the format by its extension),
    its problems placed in the file under the name it was uploaded with."""
    name = Path(upload.name or "").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{Path(name).suffix.lower()}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            return read_files([path], indicators, skip_unsupported)
        except ImportProblems as exc:
            raise ImportProblems(replace(problem, file=name) for problem in exc.problems) from exc


def unknown_indicators(codes: str) -> list[str]:
    """The codes in a comma-separated list (as --indicators takes it) that name no indicator."""
    wanted = [code.strip() for code in codes.split(",") if code.strip()]
    if not wanted:
        return []
    book = TagBook()
    return [code for code in wanted if book.indicator(code) is None]


def _read_one(path: Path, indicators, skip_unsupported, problems: Problems) -> ImportPlan | None:
    """One file's plan, or None with its problems added."""
    file_problems = problems.at(file=display_path(path))
    if FORMATS.get(path.suffix.lower()) == "gift" and _nul_problem(path, file_problems):
        return None
    try:
        plan = read_questions(path, indicators, skip_unsupported)
    except ImportProblems as exc:
        problems.extend(exc.problems)
        return None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        file_problems.add(
            gettext("not text in UTF-8 or Windows-1252 (byte %(byte)s): save the file as UTF-8")
            % {"byte": exc.start},
            line=line,
        )
        return None
    except LookupError as exc:  # an XML declaration naming an encoding nobody knows
        file_problems.add(gettext("cannot be read: %(reason)s") % {"reason": exc})
        return None
    except InvalidOperation:  # "nan" where a number belongs: Decimal refuses to compare it
        file_problems.add(gettext("holds a number that is not a number (NaN)"))
        return None
    except ValueError as exc:  # a value the parsers did not expect
        file_problems.add(
            gettext("holds a value the format does not allow (%(reason)s)") % {"reason": exc}
        )
        return None
    found = len(problems)
    _check_fields(plan, file_problems)
    return None if len(problems) > found else plan


def _nul_problem(path: Path, problems: Problems) -> bool:
    """A GIFT file with NUL bytes is binary or UTF-16, not text the bank can store
    (PostgreSQL refuses NUL in text); the importer would read it as Windows-1252."""
    if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
        return False  # the importer says why
    raw = path.read_bytes()
    position = raw.find(b"\x00")
    if position == -1:
        return False
    problems.add(
        gettext("not a text file (it holds NUL bytes); save it as UTF-8 text"),
        line=raw[:position].count(b"\n") + 1,
    )
    return True


def _check_fields(plan: ImportPlan, problems: Problems) -> None:
    """The field rules of the models (digits, the fraction range, NUL characters) on every
    question and choice, with the question's place. save_plan runs the question's full_clean
    only when it writes, and never the choices'."""
    for item in plan.questions:
        place = {"line": item.line} if isinstance(item.line, int) else {"element": item.line}
        try:
            item.question.full_clean(
                exclude=["category"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            _add_errors(exc, problems, place)
        for choice in item.choices:
            try:
                # text and feedback may be blank in a Moodle file (an image-only answer).
                choice.clean_fields(exclude=["question", "text", "feedback", "sort_order"])
            except ValidationError as exc:
                _add_errors(
                    exc,
                    problems,
                    place,
                    prefix=gettext("choice %(text)r") % {"text": choice.text[:40]},
                )
        question = item.question
        texts = [item.category, question.name, question.stem, question.general_feedback]
        texts += [text for c in item.choices for text in (c.text, c.prompt, c.feedback)]
        texts += [question.idnumber, *_strings(question.options)]
        for text in texts:
            try:
                NO_NUL(text)
            except ValidationError as exc:
                _add_errors(exc, problems, place)
                break


def _add_errors(exc: ValidationError, problems: Problems, place: dict, prefix: str = "") -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for name, messages in errors.items():
        for message in messages:
            label = ", ".join(part for part in (prefix, name) if part)
            problems.add(f"{label}: {message}" if label else message, **place)


def _strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# --- writing and summing up ------------------------------------------------------------------


def write_plan(plan: ImportPlan, dry_run: bool) -> Outcomes:
    """The plan written in one transaction, all or nothing; a dry run writes it all and rolls
    back, so it counts what would be created or left unchanged. The image files stored
    meanwhile go with a rollback (the storage has no transaction)."""
    outcomes = Outcomes(KIND)
    with files.discard_on_rollback(), atomic_or_dry_run(dry_run):
        save_plan(plan, outcomes)
    return outcomes


@dataclass
class Summary:
    """What a file holds, as the import command prints it and the admin shows it (plain data:
    the admin keeps it in the session between the import and the page that reports it)."""

    total: int
    types: list[tuple[str, int]]  # (question type, count)
    categories: list[tuple[str, int]]  # (category path, count)
    needs_indicators: list[tuple[int | str, str]]  # (line or element, question name)
    unknown_tags: list[str]
    unsupported: list[str]  # "line 12: essay"
    skipped_files: list[str]  # embedded files not kept, with their question


def summarize(plan: ImportPlan) -> Summary:
    return Summary(
        total=len(plan.questions),
        types=sorted(Counter(item.question.qtype for item in plan.questions).items()),
        categories=sorted(Counter(item.category for item in plan.questions).items()),
        needs_indicators=[
            (item.line, item.question.name) for item in plan.questions if not item.indicators
        ],
        unknown_tags=sorted({tag for item in plan.questions for tag in item.unknown_tags}),
        unsupported=list(plan.unsupported),
        skipped_files=list(plan.skipped_files),
    )


# --- exporting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    label: str
    write: Callable  # entries -> (text, names of the questions left out)
    extension: str
    content_type: str


EXPORT_FORMATS = {
    "moodle-xml": ExportFormat(
        gettext_lazy("Moodle XML"), moodle_xml.write, "xml", "application/xml; charset=utf-8"
    ),
    "gift": ExportFormat(gettext_lazy("GIFT"), gift.write, "gift", "text/plain; charset=utf-8"),
}


def categories_by_path() -> dict[str, QuestionCategory]:
    """Every category under its path, its parents linked in memory: one query, where each
    category's `path` would otherwise read its parents one query at a time."""
    categories = {category.pk: category for category in QuestionCategory.objects.all()}
    for category in categories.values():
        category.parent = categories.get(category.parent_id)
    return {category.path: category for category in categories.values()}


def questions_in(path: str = "") -> list[Question]:
    """The questions of the category at `path` and of those below it; all of them for ""."""
    categories = categories_by_path()
    path = path.strip("/")
    wanted = {
        category.pk: category
        for name, category in categories.items()
        if not path or name == path or name.startswith(path + "/")
    }
    questions = list(
        Question.objects.filter(category_id__in=wanted).prefetch_related("choices", "indicators")
    )
    for question in questions:
        question.category = wanted[question.category_id]
    return questions


def export(questions: list[Question], format_name: str) -> tuple[str, list[str]]:
    """The file's text, and the questions left out because the format cannot hold them."""
    return EXPORT_FORMATS[format_name].write(export_entries(questions))


def images_left_out(questions: list[Question], format_name: str) -> int:
    """How many images the exported questions show that the file will not carry, each
    written as its alt text in square brackets: all of them in GIFT, which carries no files;
    in Moodle XML, those no longer in the image library."""
    gift_format = format_name == "gift"
    shown, missing = files.image_embed_counts(
        text
        for question in questions
        if not gift_format or question.qtype in gift.HELD_TYPES
        for text in (question.stem, question.general_feedback)
    )
    return shown if gift_format else missing
