from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import registry
from search.services import BACKENDS, get_backend


class Command(BaseCommand):
    help = (
        "Rebuild the search index of every registered document type (or --type) with the "
        "configured backend (or --backend). The new index is built beside the old one and "
        "swapped in, so searches never see an empty index. --enqueue hands the work to the "
        "background task queue (manage.py db_worker) instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backend", choices=sorted(BACKENDS))
        parser.add_argument(
            "--type",
            dest="indexer",
            help="one document type (an indexer name, e.g. cases); default: all",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="queue a background task and return"
        )

    def handle(self, *args, **options):
        name = options["backend"] or settings.SEARCH_BACKEND
        indexers = (
            [registry.get(options["indexer"])] if options["indexer"] else registry.all_indexers()
        )
        if options["enqueue"]:
            from search.tasks import rebuild_index

            for indexer in indexers:
                result = rebuild_index.enqueue(indexer.name, options["backend"])
                self.stdout.write(f"Rebuild of {indexer.name} queued (task {result.id}).")
            return
        backend = get_backend(name)
        for indexer in indexers:
            with tqdm(
                total=indexer.queryset().count(),
                desc=f"Indexing {indexer.name} ({name})",
                unit="page",
                file=self.stderr,
                disable=options["verbosity"] == 0,
            ) as progress:
                indexed = backend.rebuild(indexer, progress=progress.update)
            self.stdout.write(
                self.style.SUCCESS(f"{indexed} {indexer.name} indexed with the {name} backend.")
            )
