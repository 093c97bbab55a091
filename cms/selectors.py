from django.apps import apps
from wagtail.models import Page


def entry_point_pages() -> dict[str, Page]:
    """Pages the home page's doors point at, where they exist. Looked up by page type so the
    home page needs no knowledge of apps that ship later."""
    pages: dict[str, Page] = {}
    lookups = {
        "local_toolkit": ("toolkit", "ToolkitPage", {"framework__key": "losi_2024"}),
        "national_toolkit": ("toolkit", "ToolkitPage", {"framework__key": "osi_national"}),
        "compendium": ("best_practices", "CompendiumPage", {}),
        "training_section": (
            "toolkit",
            "ToolkitSectionPage",
            {"slug": "using-the-toolkit-in-training"},
        ),
    }
    for key, (app_label, model_name, filters) in lookups.items():
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        page = model.objects.live().filter(**filters).first()
        if page is not None:
            pages[key] = page
    return pages
