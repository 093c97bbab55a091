"""The courses' block on toolkit guides: live lessons that teach the guide's indicator, in the
guide's language. Registered with toolkit.related in apps.py."""

from __future__ import annotations

from django.db.models import Count, Window

from toolkit.related import RelatedContent, RelatedProvider

RELATED_LESSONS_SHOWN = 5


def related_lessons(indicator, locale_id) -> RelatedContent:
    """The first few lessons and their total in one query (COUNT(*) OVER ())."""
    from courses.models import LessonPage

    shown = list(
        LessonPage.objects.live()
        .public()
        .filter(indicators=indicator, locale_id=locale_id)
        .annotate(total=Window(Count("pk")))
        .order_by("path")
        .only("id", "title", "url_path", "path", "depth", "summary", "locale_id")[
            :RELATED_LESSONS_SHOWN
        ]
    )
    return RelatedContent(
        key="lessons",
        template="courses/includes/related_lessons.html",
        items=shown,
        total=shown[0].total if shown else 0,
    )


PROVIDER = RelatedProvider(key="lessons", fetch=related_lessons, order=10)
