from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site

from cms.locales import localized_root


def _menu_pages(request):
    site = Site.find_for_request(request)
    if site is None:
        return []
    root = localized_root(site)
    return list(Page.objects.child_of(root).live().public().in_menu().order_by("path"))


def site_navigation(request):
    """Main menu: the home page's live children marked 'show in menus'. Lazy, so pages that
    do not render the header pay no query."""
    return {"menu_pages": SimpleLazyObject(lambda: _menu_pages(request))}
