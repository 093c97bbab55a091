from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BestPracticesConfig(AppConfig):
    name = "best_practices"
    verbose_name = _("Compendium of best practices")

    def ready(self):
        from best_practices.models import CompendiumPage
        from best_practices.related import PROVIDER
        from cms import entry_points
        from toolkit import related

        def compendium(locale_id):
            pages = CompendiumPage.objects.live()
            if locale_id is not None:
                pages = pages.filter(locale_id=locale_id)
            return pages.first()

        entry_points.register_page("compendium", compendium)
        related.register(PROVIDER)

        from best_practices.indexers import CASES, connect_label_signals
        from search import registry

        registry.register(CASES)  # search knows cases only through this indexer
        connect_label_signals()
