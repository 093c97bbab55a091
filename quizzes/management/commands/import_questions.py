from collections import Counter
from pathlib import Path

from cms.imports import CREATED, UNCHANGED, ImportCommand, ImportProblems
from quizzes.importer import CONTENT_DIR, ImportPlan, read_questions
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
    kind = "questions"
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

    def source_label(self, options):
        return ", ".join(str(path) for path in self.paths(options))

    def paths(self, options):
        return options["files"] or sorted(CONTENT_DIR.glob("*.gift"))

    def read(self, options):
        """Every file validated before anything is written: one bad file, nothing imported."""
        plan, problems = ImportPlan(), []
        for path in self.paths(options):
            try:
                part = read_questions(path, options["indicators"], options["skip_unsupported"])
            except ImportProblems as exc:
                problems.extend(exc.problems)
                continue
            plan.questions += part.questions
            plan.unsupported += part.unsupported
            plan.dropped_files += part.dropped_files
        if problems:
            raise ImportProblems(problems)
        return plan

    def size(self, plan):
        return len(plan.questions)

    def write(self, plan, outcomes, progress, options):
        save_plan(plan, outcomes, progress)

    def report(self, plan, outcomes, options):
        types = Counter(item.question.qtype for item in plan.questions)
        self.stdout.write(
            f"Read {len(plan.questions)} question(s): "
            + ", ".join(f"{count} {name}" for name, count in sorted(types.items()))
        )
        categories = sorted({item.category for item in plan.questions})
        if categories:
            self.stdout.write("Categories: " + ", ".join(categories))
        if plan.needs_indicators:
            self.stdout.write(
                self.style.WARNING(
                    f"{plan.needs_indicators} question(s) need indicators before a quiz can use "
                    "them (tag them in the admin, or import again with --indicators)."
                )
            )
        unknown = sorted({tag for item in plan.questions for tag in item.unknown_tags})
        if unknown:
            self.stdout.write(f"Tags that name no indicator (ignored): {', '.join(unknown)}")
        if plan.dropped_files:
            self.stdout.write(
                self.style.WARNING(
                    f"{plan.dropped_files} embedded file(s) (images) were not kept: "
                    "add them again in the admin."
                )
            )
        for entry in plan.unsupported:
            self.stdout.write(f"Skipped, unsupported: {entry}")
