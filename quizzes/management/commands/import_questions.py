from pathlib import Path

from cms.imports import CREATED, UNCHANGED, ImportCommand
from quizzes import files, transfer
from quizzes.importer import CONTENT_DIR
from quizzes.services import save_plan


class Command(ImportCommand):
    help = (
        "Import a question bank from a GIFT file (.gift, .txt; UTF-8 or Windows-1252) or a "
        "Moodle XML file (.xml; read with entities and DTDs refused). "
        "Indicator tags travel as Moodle tags ([tag:LOSI-2024:#236]); --indicators tags every "
        "question; untagged questions are kept, flagged 'needs indicators'. Validates the whole "
        "file first: a malformed question refuses the import with its line."
    )
    title = "Question import"
    kind = transfer.KIND
    progress_unit = "question"
    summary_outcomes = (CREATED, UNCHANGED)

    def add_import_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            help="GIFT or Moodle XML files (default: the shipped banks in quizzes/content/).",
        )
        parser.add_argument(
            "--indicators", default="", help="Tag every question: CODE[,CODE] (LOSI-2024:#236)"
        )
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="Leave out questions of types we cannot take (essays, descriptions).",
        )

    def handle(self, *args, **options):
        """The base import inside `discard_on_rollback`: a dry run or a refusal rolls the
        database back, and the image files stored meanwhile go with it."""
        with files.discard_on_rollback():
            super().handle(*args, **options)

    def source_label(self, options):
        return ", ".join(str(path) for path in self.paths(options))

    def paths(self, options):
        return options["files"] or sorted(CONTENT_DIR.glob("*.gift"))

    def read(self, options):
        return transfer.read_files(
            self.paths(options), options["indicators"], options["skip_unsupported"]
        )

    def size(self, plan):
        return len(plan.questions)

    def write(self, plan, outcomes, progress, options):
        save_plan(plan, outcomes, progress)

    def report(self, plan, outcomes, options):
        summary = transfer.summarize(plan)
        self.stdout.write(
            f"Read {summary.total} question(s): "
            + ", ".join(f"{count} {name}" for name, count in summary.types)
        )
        if summary.categories:
            self.stdout.write("Categories: " + ", ".join(path for path, _ in summary.categories))
        if summary.needs_indicators:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(summary.needs_indicators)} question(s) need indicators before a quiz "
                    "can use them (tag them in the admin, or import again with --indicators)."
                )
            )
        if summary.unknown_tags:
            self.stdout.write(
                f"Tags that name no indicator (ignored): {', '.join(summary.unknown_tags)}"
            )
        if summary.skipped_files:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(summary.skipped_files)} embedded file(s) not kept (only images that "
                    "a question's text or general feedback shows are):"
                )
            )
            for entry in summary.skipped_files:
                self.stdout.write(f"Skipped file: {entry}")
        for entry in summary.unsupported:
            self.stdout.write(f"Skipped, unsupported: {entry}")
