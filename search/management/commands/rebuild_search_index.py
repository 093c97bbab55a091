from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from best_practices.models import CaseStudyPage
from search.services import get_backend


class Command(BaseCommand):
    help = (
        "Rebuild the compendium search index of the configured backend (or --backend). "
        "The new index is built beside the old one and swapped in, so searches never see "
        "an empty index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backend", choices=["database", "elasticsearch"])

    def handle(self, *args, **options):
        name = options["backend"] or settings.SEARCH_BACKEND
        backend = get_backend(name)
        total = CaseStudyPage.objects.live().count()
        with tqdm(
            total=total,
            desc=f"Indexing cases ({name})",
            unit="case",
            file=self.stderr,
            disable=options["verbosity"] == 0,
        ) as progress:
            indexed = backend.rebuild(progress=progress.update)
        self.stdout.write(self.style.SUCCESS(f"{indexed} case(s) indexed with the {name} backend."))
