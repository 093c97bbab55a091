"""Admin fixes for every page type."""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.viewsets.pages import PageViewSet


class PageSearchView(SearchView):
    """Wagtail 8.0's page search has no model names of its own, so its results header read
    "1-4 of 4 None" (the title column asks the view for verbose_name_plural)."""

    verbose_name = _("page")
    verbose_name_plural = _("pages")


class SitePageViewSet(PageViewSet):
    """Wagtail's default viewset for pages of any type, with the named search view."""

    search_view_class = PageSearchView


@hooks.register("register_admin_viewset")
def register_site_page_viewset():
    # Registered after Wagtail's own base viewset (order -1), so this one serves Page.
    return SitePageViewSet()


@hooks.register("insert_global_admin_js")
def admin_init_script():
    """Starts the widgets whose inline scripts our templates replaced (see the file)."""
    return format_html('<script src="{}"></script>', static("js/admin-init.js"))
