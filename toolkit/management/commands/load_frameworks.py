from pathlib import Path

from cms.imports import ImportCommand, display_path
from toolkit.services import load_taxonomy, taxonomy_size
from toolkit.taxonomy import FRAMEWORKS_FILE, SDGS_FILE, read_taxonomy


class Command(ImportCommand):
    help = (
        "Load the reference taxonomy (frameworks, criteria, indicators, level bands, SDGs) "
        "from toolkit/data/frameworks.yaml. Idempotent; validates the whole file first and "
        "writes nothing if any entry is malformed."
    )
    title = "Taxonomy load"
    progress_unit = "step"

    def add_import_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=FRAMEWORKS_FILE)
        parser.add_argument("--sdg-file", type=Path, default=SDGS_FILE)
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete rows that are no longer in the file (refused while anything uses them).",
        )

    def read(self, options):
        return read_taxonomy(options["file"], options["sdg_file"])

    def size(self, plan):
        return taxonomy_size(plan)

    def write(self, plan, outcomes, progress, options):
        load_taxonomy(
            plan,
            prune=options["prune"],
            outcomes=outcomes,
            progress=progress,
            source_name=display_path(options["file"]),
        )

    def report(self, plan, outcomes, options):
        for framework in plan.frameworks:
            if framework.indicators:
                self.stdout.write(
                    f"{framework.short_name}: {len(framework.criteria)} criteria, "
                    f"{len(framework.indicators)} indicators"
                )
