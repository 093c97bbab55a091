"""E-mails to learners: cohort invitations and assignment reminders. Sent with Django's
send_mail, which the project's backend turns into a background task (cms/mail.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def absolute(path: str) -> str:
    """Links in e-mail sent outside a request (reminders) use the configured base address."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(template: str, to: str, context: dict) -> None:
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    subject = render_to_string(f"courses/emails/{template}_subject.txt", context)
    body = render_to_string(f"courses/emails/{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])


def send_invitation(invitation, url: str) -> None:
    _send(
        "invitation",
        invitation.email,
        {
            "cohort": invitation.cohort,
            "trainer": invitation.cohort.trainer,
            "url": url,
            "expires_at": invitation.expires_at,
        },
    )


def send_reminder(user, kind: str, assignment, title: str, language: str = "en") -> None:
    with translation.override(language):
        _send(
            f"reminder_{kind}",
            user.email,
            {
                "user": user,
                "assignment": assignment,
                "title": title,
                "url": absolute(reverse("my_learning")),
            },
        )
