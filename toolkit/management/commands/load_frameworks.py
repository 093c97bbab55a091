from pathlib import Path

from django.core.management.base import BaseCommand

from cms.commands import refusal
from cms.transactions import atomic_or_dry_run
from toolkit.services import load_taxonomy
from toolkit.taxonomy import FRAMEWORKS_FILE, SDGS_FILE, TaxonomyError, read_taxonomy


class Command(BaseCommand):
    help = (
        "Load the reference taxonomy (frameworks, criteria, indicators, level bands, SDGs) "
        "from toolkit/data/frameworks.yaml. Idempotent; validates the whole file first and "
        "writes nothing if any entry is malformed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=FRAMEWORKS_FILE)
        parser.add_argument("--sdg-file", type=Path, default=SDGS_FILE)
        parser.add_argument("--dry-run", action="store_true", help="Validate and report only.")
        parser.add_argument(
            "--prune", action="store_true", help="Delete rows that are no longer in the file."
        )

    def handle(self, *args, **options):
        try:
            taxonomy = read_taxonomy(options["file"], options["sdg_file"])
        except TaxonomyError as exc:
            raise refusal(exc.problems) from exc
        with atomic_or_dry_run(options["dry_run"]):
            counter = load_taxonomy(taxonomy, prune=options["prune"])
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        for label in sorted(counter):
            self.stdout.write(f"  {label}: {counter[label]}")
        for framework in taxonomy.frameworks:
            if framework.indicators:
                self.stdout.write(
                    f"{framework.short_name}: {len(framework.criteria)} criteria, "
                    f"{len(framework.indicators)} indicators"
                )
        self.stdout.write(self.style.SUCCESS("Taxonomy loaded."))
