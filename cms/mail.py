"""E-mail leaves the request: `EMAIL_BACKEND` is this backend, which turns each message into
a Django Task (`cms.tasks.send_email`). The worker (`manage.py db_worker` in production; at
once in development and tests) hands it to `EMAIL_DELIVERY_BACKEND` (SMTP in production).
Every sender — Wagtail's moderation notices, password resets, account verification,
reminders — gets this without knowing it, and a slow or failing mail server never slows or
breaks a page."""

from __future__ import annotations

import base64

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from cms.tasks import send_email


def message_to_dict(message: EmailMessage) -> dict:
    """A JSON-safe description of the message (task arguments must be JSON); the task
    rebuilds it with cms.tasks.message_from_dict."""
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        raw = content.encode() if isinstance(content, str) else bytes(content)
        attachments.append([filename, base64.b64encode(raw).decode("ascii"), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(key): str(value) for key, value in (message.extra_headers or {}).items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
        "content_subtype": message.content_subtype,
    }


class TaskEmailBackend(BaseEmailBackend):
    """Enqueues one task per message; returns how many were queued."""

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                send_email.enqueue(message_to_dict(message))
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                queued += 1
        return queued
