"""Accounts: who may sign in, and how a new account proves its e-mail address.

- Sign-in throttling hooks for django-axes (settings AXES_*): the client address, the e-mail
  as typed in either login form, and the translated lockout page.
- Registration answers the same way whether or not the address has an account, so the form
  cannot be used to find out who is registered (OWASP ASVS 2.1 / account enumeration). A new
  account cannot sign in until its owner follows a signed, expiring link.
- `verified_email_required` for views that need a confirmed address.

Rate limits are counted in the shared cache (Redis in production), so every web process
agrees."""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from cms.models import User
from cms.roles import LEARNER

logger = logging.getLogger(__name__)

VERIFICATION_SALT = "cms.accounts.email-verification"
RATE_WINDOW_SECONDS = 60 * 60


# --- Client identity (shared by django-axes and the registration limits) -------------------


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind settings.TRUSTED_PROXY_COUNT proxies the
    entry the outermost trusted proxy appended to X-Forwarded-For. Entries further left are
    written by the client and never trusted."""
    remote = request.META.get("REMOTE_ADDR") or ""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return remote


def login_attempt_email(request, credentials=None) -> str | None:
    """The e-mail a login attempt is for, lower-cased like the accounts, so "Amina@X.org" and
    "amina@x.org" share one failure count (AXES_USERNAME_CALLABLE)."""
    value = (credentials or {}).get("username")
    if value is None and request is not None and hasattr(request, "POST"):
        value = request.POST.get("username")
    value = (value or "").strip().lower()
    return value or None


def reset_login_failures(request, email: str) -> None:
    """Forget the failed sign-ins of this e-mail from this client address."""
    from axes.utils import reset

    reset(ip=client_ip(request), username=email.strip().lower())


def lockout_response(request, original_response=None, credentials=None):
    """The page shown to a locked-out e-mail + address on the site's sign-in and on
    /admin/login/ (AXES_LOCKOUT_CALLABLE): when to retry, and the way out by password reset.
    429 with Retry-After, so scripts back off too."""
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    seconds = int(cool_off.total_seconds())
    response = render(
        request,
        "registration/locked_out.html",
        {
            "minutes": max(1, math.ceil(seconds / 60)),
            "retry_at": timezone.now() + cool_off,
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


# --- Signing in only with a confirmed address ----------------------------------------------


class VerifiedEmailBackend(ModelBackend):
    """Django's e-mail + password check, refusing accounts whose address is not confirmed.
    Applies everywhere authenticate() runs (site sign-in, /admin/login/), and to sessions:
    an account whose confirmation is withdrawn is signed out on its next request."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and getattr(user, "email_verified", False)


def verified_email_required(view):
    """Like login_required, and the account's e-mail address must be confirmed: a signed-in
    person without one gets a 403 page that offers a new confirmation link."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(user, "email_verified", False):
            return render(request, "registration/verification_required.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


# --- Verification links --------------------------------------------------------------------


def _account_state(user) -> str:
    """Changes when the account is confirmed or registered again (new password), so a link
    works once and an older link dies when a newer registration replaces the pending one."""
    value = f"{user.pk}:{user.email}:{user.password}:{user.email_verified_at}"
    return salted_hmac(VERIFICATION_SALT, value, algorithm="sha256").hexdigest()[:32]


def make_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "s": _account_state(user)}, salt=VERIFICATION_SALT)


def user_for_verification_token(token: str) -> User | None:
    """The unconfirmed account a link is for, or None when the link is forged, expired
    (settings.EMAIL_VERIFICATION_DAYS), already used or replaced."""
    try:
        data = signing.loads(
            token,
            salt=VERIFICATION_SALT,
            max_age=timedelta(days=settings.EMAIL_VERIFICATION_DAYS),
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict):
        return None
    user = User.objects.filter(pk=data.get("u"), email_verified_at__isnull=True).first()
    if user is None or not user.is_active:
        return None
    if not constant_time_compare(_account_state(user), str(data.get("s", ""))):
        return None
    return user


@transaction.atomic
def confirm_email(user) -> None:
    """The address is proven: the account may sign in and becomes a Learner."""
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    user.groups.add(Group.objects.get(name=LEARNER))


# --- Rate limits ---------------------------------------------------------------------------


class RateLimited(Exception):
    pass


def _count(scope: str, value: str) -> int:
    """One more event for `value` in this hour's window; returns the count so far."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    key = f"accounts:{scope}:{digest}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        return 1


def _check_client_limit(scope: str, request) -> None:
    if _count(scope, client_ip(request)) > settings.REGISTRATIONS_PER_HOUR:
        raise RateLimited


def _may_email(address: str) -> bool:
    """At most a few account e-mails per address per hour, so nobody can use the forms to
    flood someone's mailbox; the form's answer is the same either way."""
    return _count("mail-to", address.lower()) <= settings.ACCOUNT_EMAILS_PER_ADDRESS_PER_HOUR


# --- E-mails -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountEmail:
    template: str  # registration/emails/<template>_{subject,body}.txt
    to: str
    context: dict


def _send(message: AccountEmail) -> None:
    subject = render_to_string(
        f"registration/emails/{message.template}_subject.txt", message.context
    )
    body = render_to_string(f"registration/emails/{message.template}_body.txt", message.context)
    send_mail(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [message.to],
    )


def _verification_email(request, user, next_url: str = "") -> AccountEmail:
    link = request.build_absolute_uri(
        reverse("account_verify", args=[make_verification_token(user)])
    )
    if next_url and next_url != "/":
        link += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
    return AccountEmail(
        "verify",
        user.email,
        {
            "user": user,
            "link": link,
            "days": settings.EMAIL_VERIFICATION_DAYS,
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )


def _existing_account_email(request, user) -> AccountEmail:
    return AccountEmail(
        "existing_account",
        user.email,
        {
            "user": user,
            "sign_in_link": request.build_absolute_uri(reverse("account_login")),
            "reset_link": request.build_absolute_uri(reverse("password_reset")),
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )


def safe_next_url(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


# --- Registration and resending ------------------------------------------------------------


def register(request, form, next_url: str = "/") -> None:
    """Handle a valid RegistrationForm without telling the visitor whether the address has
    an account:

    - new address: the account is stored unconfirmed and a confirmation link is sent;
    - an account not confirmed yet: nobody has proven the address, so this registration
      replaces the pending one (name, password) and a fresh link is sent; a squatter cannot
      hold someone else's address;
    - a confirmed account: nothing changes; its owner is told someone tried to register and
      offered sign-in and password reset.

    Raises RateLimited past settings.REGISTRATIONS_PER_HOUR per client address."""
    _check_client_limit("register", request)
    data = form.cleaned_data
    email = data["email"]
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        if existing is None:
            try:
                with transaction.atomic():
                    user = form.save(commit=False)
                    user.email_verified_at = None
                    user.save()
            except IntegrityError:  # registered by a concurrent request a moment ago
                existing = User.objects.get(email__iexact=email)
        if existing is None:
            message = _verification_email(request, user, next_url)
        elif not existing.email_verified:
            for field in ("first_name", "last_name", "organisation"):
                setattr(existing, field, data.get(field, ""))
            existing.set_password(data["password1"])
            existing.save()
            message = _verification_email(request, existing, next_url)
        else:
            # As much work as creating an account, so the answer's timing tells nothing.
            make_password(data["password1"])
            message = _existing_account_email(request, existing)
    if _may_email(email):
        _send(message)
    else:
        logger.warning("Account e-mail to one address suppressed: hourly limit reached.")


def resend_verification(request, email: str) -> None:
    """A new confirmation link for an unconfirmed account; the owner of a confirmed one is
    pointed to sign-in and password reset; unknown addresses get nothing. The visitor sees
    the same answer in all three cases."""
    _check_client_limit("resend", request)
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not _may_email(user.email):
        return
    if user.email_verified:
        _send(_existing_account_email(request, user))
    else:
        _send(_verification_email(request, user))
