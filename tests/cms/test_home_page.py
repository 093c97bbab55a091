import pytest
from django.urls import reverse

from tests.cms.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def test_root_redirects_to_the_language_prefix(client, home_page):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_home_page_for_anonymous_visitors(client, home_page):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert home_page.title in html
    for heading in ("Learn at your own pace", "Explore the toolkits and cases", "Teach a cohort"):
        assert heading in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and its target
    assert 'role="search"' in html
    assert reverse("account_login") in html
    assert "Sign out" not in html


def test_home_page_for_signed_in_users(client, home_page):
    learner = LearnerFactory(first_name="Amina", last_name="Diallo")
    client.force_login(learner)
    html = client.get("/en/").content.decode()
    assert "Signed in as Amina Diallo" in html
    assert "Sign out" in html
    assert reverse("account_register") not in html


def test_french_home_page_uses_translated_strings(client, home_page):
    response = client.get("/fr/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr"' in html
    assert "Aller au contenu principal" in html
    assert "Rechercher sur le site" in html
    assert "Se connecter" in html
    assert "Skip to main content" not in html


def test_language_switcher_keeps_the_page(client, home_page):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/en/"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_home_page_query_count_is_small(client, home_page, django_assert_max_num_queries):
    client.get("/en/")  # warm the site lookup
    with django_assert_max_num_queries(8):
        client.get("/en/")
