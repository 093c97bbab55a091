"""The question bank's import and export, one implementation for the management commands
(import_questions, export_questions) and the admin views (quizzes/admin_views.py), so the
admin reads, checks, writes and exports exactly as the commands do.

Built on `importer.read_questions`, which refuses whatever a file holds that the bank cannot
take (with its place, every problem in one pass), and `services.save_plan`. This module only
reads several files (or an upload) as one plan, writes it, sums it up and exports.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from django.utils.translation import gettext_lazy

from cms.imports import ImportProblems, Outcomes, Problems
from cms.transactions import atomic_or_dry_run
from quizzes import files, gift, moodle_xml
from quizzes.importer import ImportPlan, read_questions
from quizzes.models import Question, QuestionCategory
from quizzes.services import export_entries, save_plan
from quizzes.tags import TagBook

KIND = "questions"  # the outcome lines: "questions created: 4"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the admin's limit; the importer allows 20 MB from disk


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
    try:
        return read_questions(path, indicators, skip_unsupported)
    except ImportProblems as exc:
        problems.extend(exc.problems)
        return None


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
