"""Keep completion rules in step with the published course pages: publishing, unpublishing,
moving or deleting a course, module or lesson re-syncs its course's requirements. Learners'
records are never touched here (services.sync_course_requirements says what happens)."""

from __future__ import annotations

from django.db.models.signals import post_delete, pre_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.models import CoursePage, LessonPage, ModulePage
from courses.services import request_sync

COURSE_TYPES = (CoursePage, ModulePage, LessonPage)
# Pages being deleted: Django removes a lesson's own row, signals post_delete, and only then
# removes its wagtailcore_page row, so a sync in between must not count them.
_deleting: set[int] = set()


def course_key_of(page) -> object | None:
    if isinstance(page, CoursePage):
        return page.translation_key
    course = CoursePage.objects.ancestor_of(page).only("translation_key").first()
    return course.translation_key if course else None


def sync(course_key) -> None:
    request_sync(course_key, excluding=_deleting)


def on_publish_or_unpublish(sender, instance, **kwargs):
    sync(course_key_of(instance))


def on_move(sender, instance, parent_page_before, parent_page_after, **kwargs):
    for parent in (parent_page_before, parent_page_after):
        sync(course_key_of(parent.specific) if parent else None)
    sync(course_key_of(instance))


def before_delete(sender, instance, **kwargs):
    instance._course_key = course_key_of(instance)
    _deleting.add(instance.pk)


def after_delete(sender, instance, **kwargs):
    try:
        sync(getattr(instance, "_course_key", None))
    finally:
        _deleting.discard(instance.pk)


def connect(models=COURSE_TYPES) -> None:
    """Re-sync on changes to these page types (the quizzes app connects its quiz pages)."""
    for model in models:
        page_published.connect(
            on_publish_or_unpublish, sender=model, dispatch_uid=f"course-pub-{model.__name__}"
        )
        page_unpublished.connect(
            on_publish_or_unpublish, sender=model, dispatch_uid=f"course-unpub-{model.__name__}"
        )
        pre_delete.connect(
            before_delete, sender=model, dispatch_uid=f"course-predel-{model.__name__}"
        )
        post_delete.connect(after_delete, sender=model, dispatch_uid=f"course-del-{model.__name__}")
        post_page_move.connect(on_move, sender=model, dispatch_uid=f"course-moved-{model.__name__}")
