"""Background work of the courses app (Django Tasks): assignment reminders. A daily
`manage.py send_reminders` (cron, or any scheduler) only enqueues the task; a worker
(`manage.py db_worker`) sends the e-mails."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task


@task()
def send_assignment_reminders(today: str | None = None) -> int:
    """Send every reminder due today (before a due date, and once after it is missed); each is
    logged first, so a rerun or a second worker never sends one twice. Returns how many."""
    from courses import selectors
    from courses.models import CoursePage, ModulePage, ReminderLog
    from courses.notifications import send_reminder

    day = date.fromisoformat(today) if today else timezone.localdate()
    due = selectors.reminders_due(day)
    titles = {
        **selectors.pages_by_key(CoursePage, {a.course_key for a, _u, _k in due}),
        **selectors.pages_by_key(ModulePage, {a.module_key for a, _u, _k in due}),
    }
    sent = 0
    for assignment, user, kind in due:
        page = titles.get(assignment.module_key or assignment.course_key)
        try:
            with transaction.atomic():
                ReminderLog.objects.create(assignment=assignment, user=user, kind=kind)
                send_reminder(
                    user,
                    kind,
                    assignment,
                    page.title if page else "",
                    settings.LANGUAGE_CODE,
                )
        except IntegrityError:  # another run logged it first
            continue
        sent += 1
    return sent
