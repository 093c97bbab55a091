"""Admin: after publishing a course page, say what happened to learners' records."""

from django.contrib import messages
from django.utils.translation import gettext as _
from wagtail import hooks

from courses.models import CoursePage, LessonPage, ModulePage


@hooks.register("after_publish_page")
def report_learner_records(request, page):
    if not isinstance(page.specific_deferred, (CoursePage, ModulePage, LessonPage)):
        return
    from courses.selectors import records_summary

    summary = records_summary(page)
    if summary["kind"] == "lesson" and summary["completed"]:
        messages.info(
            request,
            _(
                "%(count)s learner(s) completed this lesson: their records are kept, and its "
                "module's completion rule now lists the lessons as published."
            )
            % {"count": summary["completed"]},
        )
