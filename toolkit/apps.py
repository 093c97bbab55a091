from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The home page's doors into the toolkits (cms.entry_points): framework key or section slug.
TOOLKIT_DOORS = {"local_toolkit": "losi_2024", "national_toolkit": "osi_national"}
TRAINING_SECTION_SLUG = "using-the-toolkit-in-training"


class ToolkitConfig(AppConfig):
    name = "toolkit"
    verbose_name = _("Toolkit and taxonomy")

    def ready(self):
        from cms import entry_points
        from toolkit.models import ToolkitPage, ToolkitSectionPage

        def toolkit_finder(framework_key):
            def find(locale_id):
                pages = ToolkitPage.objects.live().filter(framework__key=framework_key)
                if locale_id is not None:
                    pages = pages.filter(locale_id=locale_id)
                return pages.first()

            return find

        def training_section(locale_id):
            pages = ToolkitSectionPage.objects.live().filter(slug=TRAINING_SECTION_SLUG)
            if locale_id is not None:
                pages = pages.filter(locale_id=locale_id)
            return pages.first()

        for key, framework_key in TOOLKIT_DOORS.items():
            entry_points.register_page(key, toolkit_finder(framework_key))
        entry_points.register_page("training_section", training_section)
