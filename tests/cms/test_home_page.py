import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.models import EntryPointLinkBlock
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


def test_language_switcher_links_to_the_same_page_in_each_language(client, home_page):
    html = client.get("/en/accounts/sign-in/").content.decode()
    assert 'href="/fr/accounts/sign-in/" lang="fr" hreflang="fr"' in html
    assert ">français<" in html.lower()


def test_entry_point_links_to_site_routes_carry_the_readers_language(client, home_page):
    """Demo links used to be bare paths ("/accounts/register/"), so the French home page
    sent readers to the English form."""
    html = client.get("/fr/").content.decode()
    assert 'href="/fr/accounts/register/"' in html
    assert 'href="/accounts/register/"' not in html
    assert 'href="/en/accounts/register/"' in client.get("/en/").content.decode()


@pytest.mark.parametrize(
    "address",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,x"],
)
def test_entry_point_link_refuses_scripts_as_addresses(address):
    """Stored XSS (editor to moderator and public): the link was a free text block."""
    block = EntryPointLinkBlock()
    value = block.to_python({"label": "Docs", "page": None, "route": "", "url": address})
    with pytest.raises(ValidationError):
        block.clean(value)


def test_a_stored_script_address_is_never_rendered(client, home_page):
    """Data saved before the block was typed (or edited in the database) is not trusted."""
    home_page.entry_points = [
        {
            "type": "entry_point",
            "value": {
                "audience": "learn",
                "heading": "Doors",
                "text": "Text",
                "links": [
                    {"label": "Bad", "page": None, "route": "", "url": "javascript:alert(1)"},
                    {"label": "Good", "page": None, "route": "", "url": "https://example.org/"},
                ],
            },
        }
    ]
    home_page.save_revision().publish()
    html = client.get("/en/").content.decode()
    assert "javascript:" not in html.lower()
    assert 'href="https://example.org/"' in html


def test_home_page_query_count_is_small(client, home_page, django_assert_max_num_queries):
    client.get("/en/")  # warm the site lookup
    # Site, locale, routing, menu, language versions (switcher), footer settings.
    with django_assert_max_num_queries(9):
        client.get("/en/")
