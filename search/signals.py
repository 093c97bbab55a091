"""Keep the compendium index of the configured backend in step with publishing, unpublishing
and deleting cases, and its cached facet labels in step with the taxonomy. (Wagtail's own
handlers keep its site-wide index current.)"""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished


def _backend():
    from search.services import get_backend

    return get_backend()


def case_published(sender, instance, **kwargs):
    _backend().index_cases([instance])


def case_removed(sender, instance, **kwargs):
    _backend().remove_cases([instance.pk])


def restriction_changed(sender, instance, **kwargs):
    """A view restriction added to or removed from a page changes which cases below it the
    public may find: reindex them (index_cases drops the ones no longer public)."""
    from best_practices.models import CaseStudyPage

    cases = CaseStudyPage.objects.descendant_of(instance.page, inclusive=True).live()
    _backend().index_cases(list(cases.only("pk")))


def connect():
    from wagtail.models import PageViewRestriction

    from best_practices.models import CaseStudyPage
    from search.labels import forget_taxonomy_labels
    from toolkit.models import Criterion, Framework, Indicator, SustainableDevelopmentGoal

    page_published.connect(
        case_published, sender=CaseStudyPage, dispatch_uid="search-case-published"
    )
    page_unpublished.connect(
        case_removed, sender=CaseStudyPage, dispatch_uid="search-case-unpublished"
    )
    post_delete.connect(case_removed, sender=CaseStudyPage, dispatch_uid="search-case-deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"search-restriction-{signal is post_save}",
        )
    for model in (Framework, Criterion, Indicator, SustainableDevelopmentGoal):
        for signal in (post_save, post_delete):
            signal.connect(
                forget_taxonomy_labels,
                sender=model,
                dispatch_uid=f"search-labels-{signal is post_save}-{model.__name__}",
            )
