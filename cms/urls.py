from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from best_practices import views as case_views
from search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Public pages carry the language in the path (/en/..., /fr/...), so a shared link keeps it.
urlpatterns += i18n_patterns(
    path("accounts/", include("cms.urls_accounts")),
    path("search/", search_views.search, name="search"),
    path("search/suggest/", search_views.suggest, name="search_suggest"),
    path("cases/propose/", case_views.propose_case, name="case_propose"),
    path("cases/mine/", case_views.my_proposals, name="case_proposals"),
    path("learning/", include("courses.urls")),
    path("learning/", include("quizzes.urls")),
    path("", include(wagtail_urls)),
)
