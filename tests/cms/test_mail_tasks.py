"""E-mail is sent by a background task, never inside the request (cms/mail.py)."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

TASK_MAIL = {
    "EMAIL_BACKEND": "cms.mail.TaskEmailBackend",
    "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(**TASK_MAIL)
def test_a_message_goes_through_the_task_and_keeps_its_parts(db):
    message = EmailMultiAlternatives(
        "Case proposed: Open budget", "Plain text", "noreply@example.org", ["mod@example.org"]
    )
    message.attach_alternative("<p>HTML text</p>", "text/html")
    message.attach("report.csv", b"a,b\n1,2\n", "text/csv")
    assert message.send() == 1
    assert len(mail.outbox) == 1
    delivered = mail.outbox[0]
    assert delivered.subject == "Case proposed: Open budget"
    assert delivered.to == ["mod@example.org"]
    assert delivered.alternatives[0][0] == "<p>HTML text</p>"
    assert delivered.attachments[0][0] == "report.csv"
    assert delivered.attachments[0][1] in (b"a,b\n1,2\n", "a,b\n1,2\n")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database queue on PostgreSQL")
@override_settings(TASKS=DATABASE_QUEUE, **TASK_MAIL)
def test_on_the_database_queue_mail_waits_for_the_worker(transactional_db):
    from django_tasks_db.models import DBTaskResult

    send_mail("Reminder", "Your module is due tomorrow.", None, ["learner@example.org"])
    assert mail.outbox == []  # the request only enqueued it
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "cms.tasks.send_email"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [message.subject for message in mail.outbox] == ["Reminder"]
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
