"""Background work owned by cms: delivering the e-mail that cms/mail.py queued."""

import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django_tasks import task


def message_from_dict(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


@task()
def send_email(message: dict) -> int:
    """Deliver one queued message through the real backend; a failure raises, so the task is
    recorded as failed with its error instead of vanishing."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    return connection.send_messages([message_from_dict(message)])
