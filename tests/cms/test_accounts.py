import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cms.roles import LEARNER
from tests.cms.factories import PASSWORD, LearnerFactory

pytestmark = pytest.mark.django_db


def test_registration_creates_a_learner_and_signs_in(client, home_page):
    response = client.post(
        reverse("account_register"),
        {
            "email": "Official@City.example",
            "first_name": "Lina",
            "last_name": "Haddad",
            "organisation": "City of Amman",
            "password1": "correct-horse-battery-9",
            "password2": "correct-horse-battery-9",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="official@city.example")
    assert list(user.groups.values_list("name", flat=True)) == [LEARNER]
    assert client.session["_auth_user_id"] == str(user.pk)


def test_registration_rejects_an_existing_email_and_keeps_input(client, home_page):
    LearnerFactory(email="taken@example.org")
    response = client.post(
        reverse("account_register"),
        {
            "email": "TAKEN@example.org",
            "first_name": "Lina",
            "password1": "correct-horse-battery-9",
            "password2": "correct-horse-battery-9",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "already exists" in html
    assert 'value="Lina"' in html


def test_sign_in_with_email_is_case_insensitive(client, home_page):
    LearnerFactory(email="amina@example.org")
    response = client.post(
        reverse("account_login"), {"username": "Amina@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_wrong_password_shows_an_error(client, home_page):
    LearnerFactory(email="amina@example.org")
    response = client.post(
        reverse("account_login"), {"username": "amina@example.org", "password": "nope"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_sign_out_needs_a_post(client, home_page):
    client.force_login(LearnerFactory())
    assert client.get(reverse("account_logout")).status_code == 405
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_register_rejects_an_external_next_url(client, home_page):
    response = client.post(
        reverse("account_register") + "?next=https://evil.example/",
        {
            "email": "new@example.org",
            "password1": "correct-horse-battery-9",
            "password2": "correct-horse-battery-9",
        },
    )
    assert response["Location"] == "/"
