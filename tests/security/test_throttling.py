"""Sign-in throttling (django-axes) on the site's sign-in and on Wagtail's /admin/login/:
after LOGIN_FAILURE_LIMIT wrong passwords for one e-mail from one address, even the right
password is refused until the cool-off has passed."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.cms.factories import PASSWORD, LearnerFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
SITE_LOGIN = "/en/accounts/sign-in/"
ADMIN_LOGIN = "/admin/login/"
CLIENT_ADDRESS = "203.0.113.7"


@pytest.fixture
def admin_user():
    return UserFactory(email="chief@example.org", is_staff=True, is_superuser=True)


def sign_in(client, url, email, password, address=CLIENT_ADDRESS):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=address)


def fail(client, url, email, times, address=CLIENT_ADDRESS):
    for _ in range(times):
        response = sign_in(client, url, email, "not-the-password", address)
    return response


def is_signed_in(client):
    return "_auth_user_id" in client.session


def test_the_limit_is_a_few_failures_and_the_cool_off_a_quarter_of_an_hour():
    assert 3 <= LIMIT <= 10
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_site_sign_in_refuses_the_right_password_after_the_failure_limit(client, home_page):
    LearnerFactory(email="amina@example.org")
    fail(client, SITE_LOGIN, "amina@example.org", LIMIT)

    response = sign_in(client, SITE_LOGIN, "amina@example.org", PASSWORD)

    assert response.status_code == 429
    assert not is_signed_in(client)
    assert int(response["Retry-After"]) == 15 * 60
    html = response.content.decode()
    assert "Sign-in paused" in html
    assert "15 minutes" in html
    assert "UTC" in html
    assert reverse("password_reset") in html


def test_admin_login_refuses_the_right_password_after_the_failure_limit(client, admin_user):
    fail(client, ADMIN_LOGIN, admin_user.email, LIMIT)

    response = sign_in(client, ADMIN_LOGIN, admin_user.email, PASSWORD)

    assert response.status_code == 429
    assert not is_signed_in(client)
    assert "Sign-in paused" in response.content.decode()


def test_failures_below_the_limit_still_let_the_right_password_in(client, admin_user):
    fail(client, ADMIN_LOGIN, admin_user.email, LIMIT - 1)
    response = sign_in(client, ADMIN_LOGIN, admin_user.email, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_lockout_is_translated(client, home_page):
    LearnerFactory(email="amina@example.org")
    fail(client, "/fr/accounts/sign-in/", "amina@example.org", LIMIT)
    response = sign_in(client, "/fr/accounts/sign-in/", "amina@example.org", PASSWORD)
    assert response.status_code == 429
    assert '<html lang="fr"' in response.content.decode()


def test_a_success_resets_the_count(client, home_page):
    LearnerFactory(email="amina@example.org")
    fail(client, SITE_LOGIN, "amina@example.org", LIMIT - 1)
    assert sign_in(client, SITE_LOGIN, "amina@example.org", PASSWORD).status_code == 302
    client.post(reverse("account_logout"))

    fail(client, SITE_LOGIN, "amina@example.org", LIMIT - 1)
    response = sign_in(client, SITE_LOGIN, "amina@example.org", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_failures_count_per_email_whatever_its_case(client, home_page):
    LearnerFactory(email="amina@example.org")
    for index in range(LIMIT):
        email = "Amina@Example.org" if index % 2 else "AMINA@example.ORG"
        sign_in(client, SITE_LOGIN, email, "wrong")
    assert sign_in(client, SITE_LOGIN, "amina@example.org", PASSWORD).status_code == 429


def test_the_lock_holds_one_email_from_one_address(client, home_page):
    LearnerFactory(email="amina@example.org")
    LearnerFactory(email="kwame@example.org")
    fail(client, SITE_LOGIN, "amina@example.org", LIMIT)

    # The same person from another network, and another person on the same network.
    assert (
        sign_in(client, SITE_LOGIN, "amina@example.org", PASSWORD, "198.51.100.9").status_code
        == 302
    )
    client.post(reverse("account_logout"))
    assert sign_in(client, SITE_LOGIN, "kwame@example.org", PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_client_address_counts(client, home_page, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    LearnerFactory(email="amina@example.org")
    proxy = "10.0.0.2"
    for _ in range(LIMIT):
        client.post(
            SITE_LOGIN,
            {"username": "amina@example.org", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"1.1.1.1, {CLIENT_ADDRESS}",
        )
    # A different client behind the same proxy is not locked out...
    other = client.post(
        SITE_LOGIN,
        {"username": "amina@example.org", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert other.status_code == 302
    client.post(reverse("account_logout"))
    # ...and the locked client cannot escape by forging the left part of the header.
    forged = client.post(
        SITE_LOGIN,
        {"username": "amina@example.org", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=f"8.8.8.8, {CLIENT_ADDRESS}",
    )
    assert forged.status_code == 429


def test_a_password_reset_lifts_the_lock_for_its_owner(client, home_page, mailoutbox):
    LearnerFactory(email="amina@example.org")
    fail(client, SITE_LOGIN, "amina@example.org", LIMIT)

    client.post(
        reverse("password_reset"), {"email": "amina@example.org"}, REMOTE_ADDR=CLIENT_ADDRESS
    )
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True, REMOTE_ADDR=CLIENT_ADDRESS)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-pass-42", "new_password2": "a-brand-new-pass-42"},
        REMOTE_ADDR=CLIENT_ADDRESS,
    )

    response = sign_in(client, SITE_LOGIN, "amina@example.org", "a-brand-new-pass-42")
    assert response.status_code == 302


class Clock:
    """Moves the clocks django-axes reads: the attempt time (database handler) and
    time.time, which the local-memory cache uses for key expiry (cache handler)."""

    def __init__(self):
        self.offset = timedelta(0)

    def advance(self, delta):
        self.offset += delta


@pytest.fixture
def clock():
    clock = Clock()
    real_time = time.time
    real_now = timezone.now
    with (
        mock.patch("axes.handlers.proxy.now", lambda: real_now() + clock.offset),
        mock.patch("time.time", lambda: real_time() + clock.offset.total_seconds()),
    ):
        yield clock


@pytest.fixture(params=["database", "cache"])
def lockout_handler(request, settings):
    """Both handlers the settings choose between: the database one (no Redis) and the cache
    one (Redis in production; a local-memory cache here, so the clock can move)."""
    if request.param == "cache":
        settings.CACHES = {
            **settings.CACHES,
            "lockouts": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        }
        settings.AXES_CACHE = "lockouts"
        settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    else:
        settings.AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
    return request.param


def test_the_lock_clears_after_the_cool_off(client, home_page, lockout_handler, clock):
    LearnerFactory(email="amina@example.org")
    fail(client, SITE_LOGIN, "amina@example.org", LIMIT)

    clock.advance(timedelta(minutes=14))
    assert sign_in(client, SITE_LOGIN, "amina@example.org", PASSWORD).status_code == 429

    # That refused attempt started the wait again: 14 more minutes are not enough...
    clock.advance(timedelta(minutes=14))
    assert sign_in(client, SITE_LOGIN, "amina@example.org", PASSWORD).status_code == 429

    # ...a full quarter of an hour of quiet is.
    clock.advance(timedelta(minutes=15, seconds=5))
    response = sign_in(client, SITE_LOGIN, "amina@example.org", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)
