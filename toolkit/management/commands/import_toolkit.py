from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from cms.commands import refusal, require_home_page
from cms.content_files import ContentError
from cms.transactions import atomic_or_dry_run
from toolkit.importer import CONTENT_DIR, read_content
from toolkit.services import apply_toolkit_plan


class Command(BaseCommand):
    help = (
        "Build or update the Local and National toolkit page trees from the Markdown files in "
        "toolkit/content. Validates every file first and changes nothing if one is malformed; "
        "publishes through revisions; skips unchanged files and pages edited in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", type=Path, default=CONTENT_DIR)
        parser.add_argument("--dry-run", action="store_true", help="Validate and report only.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite pages edited in the admin."
        )

    def handle(self, *args, **options):
        home = require_home_page()
        try:
            plans = read_content(options["content_dir"])
        except ContentError as exc:
            raise refusal(exc.problems, outcome="nothing was changed") from exc
        total = sum(
            1 + len(plan.sections) + len(plan.dimensions) + plan.guide_count for plan in plans
        )
        counter: Counter = Counter()
        with (
            atomic_or_dry_run(options["dry_run"]),
            tqdm(
                total=total,
                desc="Importing toolkit pages",
                unit="page",
                file=self.stderr,
                disable=options["verbosity"] == 0,
            ) as progress,
        ):
            for plan in plans:
                apply_toolkit_plan(plan, home, counter, options["force"], progress)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
        for plan in plans:
            self.stdout.write(
                f"{plan.framework.short_name}: {len(plan.dimensions)} dimensions, "
                f"{plan.guide_count} guides, {len(plan.sections)} sections"
            )
            if plan.missing_indicators:
                codes = ", ".join(i.code or i.key for i in plan.missing_indicators[:10])
                self.stdout.write(
                    self.style.WARNING(
                        f"  {len(plan.missing_indicators)} indicator(s) have no guide yet: {codes}"
                    )
                )
        for outcome in ("created", "updated", "unchanged", "skipped (edited in the admin)"):
            self.stdout.write(f"  {outcome}: {counter[outcome]}")
        self.stdout.write(self.style.SUCCESS("Toolkit import finished."))
