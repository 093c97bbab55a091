from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from best_practices.models import CaseStudyPage
from best_practices.services import export_cases


class Command(BaseCommand):
    help = "Export compendium cases to CSV or JSON in the format import_cases reads."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="Output path ending in .csv or .json, or - for stdout"
        )
        parser.add_argument(
            "--format", choices=["csv", "json"], help="Default: from the file name."
        )
        parser.add_argument("--include-drafts", action="store_true")

    def handle(self, *args, **options):
        path = options["file"]
        file_format = options["format"] or path.suffix.lower().lstrip(".")
        if file_format not in ("csv", "json"):
            raise CommandError("Choose --format csv or json, or name the file .csv or .json.")
        queryset = CaseStudyPage.objects.all()
        if not options["include_drafts"]:
            queryset = queryset.live()
        text = export_cases(queryset, file_format)
        if str(path) == "-":
            self.stdout.write(text, ending="")
        else:
            path.write_text(text, encoding="utf-8")
            self.stderr.write(f"{queryset.count()} case(s) written to {path}")
