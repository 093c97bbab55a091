import re
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from cms import accounts
from cms.roles import LEARNER
from tests.cms.factories import PASSWORD, LearnerFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "correct-horse-battery-9"


def registration(email="official@city.example", **extra):
    return {
        "email": email,
        "first_name": "Lina",
        "last_name": "Haddad",
        "organisation": "City of Amman",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }


def register(client, data=None, address="203.0.113.7", url=None):
    return client.post(
        url or reverse("account_register"), data or registration(), REMOTE_ADDR=address
    )


def link_in(message) -> str:
    match = re.search(r"http://testserver(/\S+/confirm/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"username": email, "password": password})


# --- Registration -----------------------------------------------------------------------------


def test_registration_stores_an_unconfirmed_account_and_emails_a_link(
    client, home_page, mailoutbox
):
    response = register(client, registration("Official@City.example"))

    assert response.status_code == 302
    assert response["Location"] == reverse("account_verification_sent")
    user = User.objects.get(email="official@city.example")
    assert user.first_name == "Lina"
    assert user.organisation == "City of Amman"
    assert user.email_verified_at is None
    assert not user.groups.exists()  # no Learner rights yet
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["official@city.example"]
    assert "Confirm your e-mail address" in mailoutbox[0].subject
    assert "/en/accounts/confirm/" in mailoutbox[0].body


def test_an_unconfirmed_account_cannot_sign_in(client, home_page, mailoutbox):
    register(client)
    response = sign_in(client, "official@city.example", NEW_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "first follow the link we e-mailed you" in html
    assert reverse("account_resend_verification") in html


def test_an_unconfirmed_account_cannot_sign_in_to_the_admin(client, home_page, mailoutbox):
    register(client)
    User.objects.filter(email="official@city.example").update(is_staff=True)
    client.post("/admin/login/", {"username": "official@city.example", "password": NEW_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_following_the_link_confirms_makes_a_learner_and_signs_in(client, home_page, mailoutbox):
    register(client)
    link = link_in(mailoutbox[0])

    # Opening the link (as a mail scanner would) changes nothing; the button confirms.
    page = client.get(link)
    assert page.status_code == 200
    assert "official@city.example" in page.content.decode()
    assert User.objects.get(email="official@city.example").email_verified_at is None

    response = client.post(link)

    assert response.status_code == 302
    user = User.objects.get(email="official@city.example")
    assert user.email_verified
    assert list(user.groups.values_list("name", flat=True)) == [LEARNER]
    assert client.session["_auth_user_id"] == str(user.pk)


INVALID = "This link is no longer valid"


def refused(response) -> bool:
    return response.status_code == 200 and INVALID in response.content.decode()


def test_a_link_works_once(client, home_page, mailoutbox):
    register(client)
    link = link_in(mailoutbox[0])
    client.post(link)
    client.post(reverse("account_logout"))
    assert refused(client.get(link))
    assert refused(client.post(link))
    assert "_auth_user_id" not in client.session


def test_a_tampered_or_forged_link_is_refused(client, home_page, mailoutbox):
    from django.core import signing

    register(client)
    link = link_in(mailoutbox[0])
    other = UserFactory(email_verified_at=None)
    # Signed by us but for another account without knowing its state (password hash).
    guessed = signing.dumps({"u": other.pk, "s": "0" * 32}, salt=accounts.VERIFICATION_SALT)
    # Signed with another key.
    foreign = signing.dumps(
        {"u": other.pk, "s": accounts._account_state(other)},
        key="not-our-secret-key-0123456789",
        salt=accounts.VERIFICATION_SALT,
    )

    assert refused(client.post(link[:-3] + "xx/"))
    for token in (guessed, foreign):
        assert refused(client.post(reverse("account_verify", args=[token])))
    assert not User.objects.get(pk=other.pk).email_verified
    assert not User.objects.get(email="official@city.example").email_verified


def test_a_link_expires(client, home_page, mailoutbox, settings):
    register(client)
    link = link_in(mailoutbox[0])
    later = time.time() + settings.EMAIL_VERIFICATION_DAYS * 86400 + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(link)
    assert refused(response)
    assert not User.objects.get(email="official@city.example").email_verified


def test_the_next_page_survives_confirmation_but_only_on_this_site(client, home_page, mailoutbox):
    register(client, url=reverse("account_register") + "?next=/en/cases/propose/")
    register(
        client,
        registration("second@city.example"),
        url=reverse("account_register") + "?next=https://evil.example/",
    )
    assert client.post(link_in(mailoutbox[0]))["Location"] == "/en/cases/propose/"
    client.post(reverse("account_logout"))
    assert client.post(link_in(mailoutbox[1]))["Location"] == "/"


# --- The same answer whether or not the address has an account ---------------------------------


def test_registering_a_confirmed_address_answers_exactly_like_a_new_one(
    client, home_page, mailoutbox
):
    owner = LearnerFactory(email="taken@example.org")
    password_before = owner.password

    new = register(client, registration("fresh@example.org"))
    taken = register(client, registration("TAKEN@example.org"))

    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    assert client.get(new["Location"]).content == client.get(taken["Location"]).content
    owner.refresh_from_db()
    assert owner.password == password_before
    assert owner.first_name != "Lina" or owner.last_name != "Haddad"
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_the_owner_of_a_confirmed_address_is_told_and_offered_sign_in_and_reset(
    client, home_page, mailoutbox
):
    LearnerFactory(email="taken@example.org")
    register(client, registration("taken@example.org"))

    (message,) = mailoutbox
    assert message.to == ["taken@example.org"]
    assert "tried to create an account" in message.body
    assert "http://testserver/en/accounts/sign-in/" in message.body
    assert "http://testserver/en/accounts/password-reset/" in message.body
    assert "/confirm/" not in message.body


def test_registration_form_never_says_an_address_is_taken(client, home_page):
    LearnerFactory(email="owner@example.org")
    response = register(client, registration("owner@example.org", password2="mismatch-123456"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "exists" not in html.lower()
    assert "taken" not in html.lower()
    assert 'value="Lina"' in html  # the person's input is kept


def test_registering_again_replaces_a_pending_registration(client, home_page, mailoutbox):
    register(client, registration(password1="squatter-pass-123", password2="squatter-pass-123"))
    first_link = link_in(mailoutbox[0])
    register(client, registration(first_name="Real"))

    user = User.objects.get(email="official@city.example")
    assert user.first_name == "Real"
    assert user.check_password(NEW_PASSWORD)
    assert refused(client.post(first_link))  # the squatter's link died
    assert client.post(link_in(mailoutbox[1])).status_code == 302


# --- Limits ------------------------------------------------------------------------------------


def test_registrations_are_limited_per_client_address(client, home_page, mailoutbox, settings):
    settings.REGISTRATIONS_PER_HOUR = 3
    for number in range(3):
        assert register(client, registration(f"bot{number}@example.org")).status_code == 302

    refused = register(client, registration("bot3@example.org"))

    assert refused.status_code == 429
    assert "Too many accounts" in refused.content.decode()
    assert not User.objects.filter(email="bot3@example.org").exists()
    # Another network is not affected.
    assert (
        register(client, registration("person@example.org"), address="198.51.100.9").status_code
        == 302
    )


def test_account_emails_to_one_address_are_limited(client, home_page, mailoutbox, settings):
    settings.ACCOUNT_EMAILS_PER_ADDRESS_PER_HOUR = 2
    LearnerFactory(email="victim@example.org")
    for number in range(4):
        response = register(
            client, registration("victim@example.org"), address=f"198.51.100.{number}"
        )
        assert response.status_code == 302
    assert len(mailoutbox) == 2


# --- Resending the link ------------------------------------------------------------------------


def resend(client, email, address="203.0.113.7"):
    return client.post(
        reverse("account_resend_verification"), {"email": email}, REMOTE_ADDR=address
    )


def test_resend_answers_the_same_for_every_address(client, home_page, mailoutbox):
    register(client)
    LearnerFactory(email="confirmed@example.org")
    mailoutbox.clear()

    answers = [
        resend(client, email)
        for email in ("official@city.example", "confirmed@example.org", "nobody@example.org")
    ]

    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("account_verification_sent"))
    }
    assert [message.to for message in mailoutbox] == [
        ["official@city.example"],
        ["confirmed@example.org"],
    ]
    assert "/confirm/" in mailoutbox[0].body
    assert "/password-reset/" in mailoutbox[1].body


def test_a_resent_link_confirms_the_account(client, home_page, mailoutbox):
    register(client)
    resend(client, "Official@City.example")
    assert client.post(link_in(mailoutbox[-1])).status_code == 302
    assert User.objects.get(email="official@city.example").email_verified


def test_resends_are_limited_per_client_address(client, home_page, settings):
    settings.REGISTRATIONS_PER_HOUR = 2
    resend(client, "a@example.org")
    resend(client, "b@example.org")
    assert resend(client, "c@example.org").status_code == 429


def test_a_password_reset_also_confirms_the_address(client, home_page, mailoutbox):
    register(client)
    client.post(reverse("password_reset"), {"email": "official@city.example"})
    reset_link = re.search(r"http://testserver(/\S+/password-reset/\S+)", mailoutbox[-1].body)[1]
    form_url = client.get(reset_link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "a-new-pass-4242", "new_password2": "a-new-pass-4242"})

    user = User.objects.get(email="official@city.example")
    assert user.email_verified
    assert user.groups.filter(name=LEARNER).exists()
    assert sign_in(client, "official@city.example", "a-new-pass-4242").status_code == 302


# --- verified_email_required -------------------------------------------------------------------


@accounts.verified_email_required
def protected_view(request):
    return HttpResponse("protected content")


def call_protected(user):
    request = RequestFactory().get("/en/cases/propose/")
    request.user = user
    request.session = {}
    return protected_view(request)


def test_verified_email_required_sends_visitors_to_sign_in(home_page):
    response = call_protected(AnonymousUser())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/en/cases/propose/" in response["Location"]


def test_verified_email_required_refuses_an_unconfirmed_account(home_page):
    response = call_protected(UserFactory(email_verified_at=None))
    assert response.status_code == 403
    html = response.content.decode()
    assert "protected content" not in html
    assert reverse("account_resend_verification") in html


def test_verified_email_required_lets_a_confirmed_account_in(home_page):
    response = call_protected(LearnerFactory())
    assert response.content == b"protected content"


def test_withdrawing_confirmation_ends_the_session(client, home_page):
    user = LearnerFactory()
    sign_in(client, user.email, PASSWORD)
    assert "_auth_user_id" in client.session
    User.objects.filter(pk=user.pk).update(email_verified_at=None)
    response = client.get(reverse("case_proposals"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Accounts made by others, and sign-in basics ----------------------------------------------


def test_accounts_created_by_administrators_and_commands_are_confirmed():
    assert User.objects.create_user("made-by-admin@example.org", PASSWORD).email_verified
    assert User.objects.create_superuser("root@example.org", PASSWORD).email_verified


def test_demo_accounts_are_confirmed_and_can_sign_in(client, home_page):
    from cms.demo import DEMO_ACCOUNTS, ensure_demo_accounts

    ensure_demo_accounts()
    assert all(User.objects.get(email=account.email).email_verified for account in DEMO_ACCOUNTS)
    learner = DEMO_ACCOUNTS[0]
    assert sign_in(client, learner.email, learner.password).status_code == 302


def test_sign_in_with_email_is_case_insensitive(client, home_page):
    LearnerFactory(email="amina@example.org")
    response = sign_in(client, "Amina@Example.org", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_wrong_password_shows_an_error(client, home_page):
    LearnerFactory(email="amina@example.org")
    response = sign_in(client, "amina@example.org", "nope")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_sign_out_needs_a_post(client, home_page):
    client.force_login(LearnerFactory())
    assert client.get(reverse("account_logout")).status_code == 405
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.2"),  # no trusted proxy: the header is the client's own words
        (1, "1.1.1.1, 203.0.113.7", "203.0.113.7"),
        (2, "1.1.1.1, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (1, "", "10.0.0.2"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert accounts.client_ip(request) == expected
