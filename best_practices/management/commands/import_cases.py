from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from best_practices.importer import CONTENT_DIR, read_rows, validate_rows
from best_practices.services import ensure_compendium, import_case_rows
from cms.commands import refusal, require_home_page
from cms.content_files import ContentError
from cms.transactions import atomic_or_dry_run


class Command(BaseCommand):
    help = (
        "Import compendium cases from a CSV or JSON file (UTF-8) or a folder of Markdown files "
        "(default: the shipped cases). All or nothing: any invalid row stops the import with "
        "its row number and field, and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=CONTENT_DIR)
        parser.add_argument("--dry-run", action="store_true", help="Validate and report only.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite cases edited in the admin."
        )

    def handle(self, *args, **options):
        home = require_home_page()
        try:
            rows = validate_rows(read_rows(options["file"]))
        except ContentError as exc:
            raise refusal(exc.problems, source=options["file"]) from exc
        with atomic_or_dry_run(options["dry_run"]):
            compendium = ensure_compendium(home)
            with tqdm(
                total=len(rows),
                desc="Importing cases",
                unit="case",
                file=self.stderr,
                disable=options["verbosity"] == 0,
            ) as progress:
                counter = import_case_rows(rows, compendium, options["force"], progress)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        self.stdout.write(f"{len(rows)} case(s) read from {options['file']}")
        for outcome in ("created", "updated", "unchanged", "skipped (edited in the admin)"):
            self.stdout.write(f"  {outcome}: {counter[outcome]}")
        self.stdout.write(self.style.SUCCESS("Case import finished."))
