"""The Wagtail admin works offline and names what it lists."""

import re
from html.parser import HTMLParser

import pytest
from wagtail.models import Page

from tests.cms.factories import EditorFactory, UserFactory

pytestmark = pytest.mark.django_db

TAXONOMY = ["framework", "criterion", "indicator", "levelband", "sustainabledevelopmentgoal"]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, first_name="Ada"))
    return client


def external_sources(html):
    return [url for url in re.findall(r'src="([^"]+)"', html) if url.startswith(("http", "//"))]


class VisibleText(HTMLParser):
    """The text a reader sees: no markup, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "template")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "template")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.mark.parametrize("path", ["/admin/", "/admin/users/", "/admin/account/"])
def test_no_admin_page_loads_an_external_avatar(admin_client, home_page, path):
    html = admin_client.get(path).content.decode()
    avatars = re.findall(r'<img[^>]*src="([^"]*avatar[^"]*)"', html)
    assert avatars, "the page shows the signed-in person's avatar"
    assert all(url.startswith("/static/") for url in avatars)
    assert external_sources(html) == []
    assert "gravatar" not in html.lower()


def test_page_search_results_say_what_they_count(admin_client, home_page):
    for number in range(4):
        home_page.add_child(instance=Page(title=f"Portal guide {number}", slug=f"portal-{number}"))
    html = admin_client.get("/admin/pages/search/?q=Portal").content.decode()
    text = visible_text(html)
    assert "1-4 of 4 pages" in text
    assert not re.search(r"\bNone\b", text)


@pytest.mark.parametrize("model", TAXONOMY)
@pytest.mark.parametrize("query", ["", "?q=a"])
def test_taxonomy_listings_never_render_none(client, taxonomy, model, query):
    client.force_login(EditorFactory())
    response = client.get(f"/admin/snippets/toolkit/{model}/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table" in html
    assert not re.search(r"\bNone\b", visible_text(html))
