from pathlib import Path

from best_practices.importer import CONTENT_DIR, read_cases
from best_practices.services import ensure_compendium, import_case_rows
from cms.imports import CREATED, SKIPPED, UNCHANGED, UPDATED, ImportCommand, require_home_page


class Command(ImportCommand):
    help = (
        "Import compendium cases from a CSV or JSON file (UTF-8) or a folder of Markdown files "
        "(default: the shipped cases). All or nothing: any invalid row stops the import with "
        "its row number and field, and nothing is written."
    )
    title = "Case import"
    kind = "cases"
    progress_unit = "case"
    summary_outcomes = (CREATED, UPDATED, UNCHANGED, SKIPPED)

    def add_import_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=CONTENT_DIR)
        parser.add_argument(
            "--force", action="store_true", help="Overwrite cases edited in the admin."
        )

    def read(self, options):
        self.home = require_home_page()
        return read_cases(options["file"])

    def write(self, plan, outcomes, progress, options):
        compendium = ensure_compendium(self.home)
        import_case_rows(plan, compendium, outcomes, options["force"], progress)

    def report(self, plan, outcomes, options):
        self.stdout.write(f"{len(plan)} case(s) read from {options['file']}")
