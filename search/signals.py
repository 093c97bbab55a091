"""Keep the compendium index in step with publishing. Wagtail's own handlers already keep its
database index current on every save; these handlers serve the Elasticsearch backend."""

from django.conf import settings
from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished


def _backend():
    from search.services import get_backend

    return get_backend()


def _uses_own_index() -> bool:
    return settings.SEARCH_BACKEND != "database"


def case_published(sender, instance, **kwargs):
    if _uses_own_index():
        _backend().index_cases([instance])


def case_removed(sender, instance, **kwargs):
    if _uses_own_index():
        _backend().remove_cases([instance.pk])


def connect():
    from best_practices.models import CaseStudyPage

    page_published.connect(
        case_published, sender=CaseStudyPage, dispatch_uid="search-case-published"
    )
    page_unpublished.connect(
        case_removed, sender=CaseStudyPage, dispatch_uid="search-case-unpublished"
    )
    post_delete.connect(case_removed, sender=CaseStudyPage, dispatch_uid="search-case-deleted")
