"""Regressions: hostile or malformed parameters, the site-wide search, the compendium's
states and snippets."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from best_practices.indexers import CASES
from best_practices.models import CaseStudyPage
from search.highlight import highlight_snippets
from search.types import MAX_INTEGER, SearchRequest

pytestmark = pytest.mark.django_db


def compendium_url():
    return CaseStudyPage.objects.first().get_parent().url


def request(query_string: str) -> SearchRequest:
    return SearchRequest.from_params(QueryDict(query_string), CASES)


# Validation -------------------------------------------------------------------------------


def test_numeric_facets_take_ascii_digits_in_range_only():
    parsed = request(
        "indicator=99999999999999999999&year=%C2%B2&year=%D9%A3&year=2020&sdg=-3&sdg=007"
        f"&dimension={MAX_INTEGER}&dimension={MAX_INTEGER + 1}"
    )
    assert parsed.filters == {"year": ("2020",), "sdg": ("7",), "dimension": (str(MAX_INTEGER),)}


def test_text_facets_unknown_names_sorts_and_pages_are_dropped():
    parsed = request("country=%00&country=FR&bogus=1&sort=evil&page=%C2%B2&q=%00open%0Adata")
    assert parsed.filters == {"country": ("FR",)}
    assert (parsed.query, parsed.sort, parsed.page) == ("open data", "relevance", 1)
    assert request("page=5000").page == 1


def test_without_words_the_order_is_newest_first():
    assert request("").sort == "newest"
    assert request("sort=relevance&q=%22%22").sort == "newest"
    assert request("q=open").sort == "relevance"


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"'},
        {"q": '"open'},
        {"q": "NEAR(a b)"},
        {"q": "a OR"},
        {"indicator": "99999999999999999999"},
        {"year": "²"},
        {"country": "²"},
        {"page": "99999999999999999999"},
        {"page": "2", "q": "data"},
        {"sdg": "٣"},
        {"country": "\x00"},
    ],
)
def test_the_compendium_answers_any_parameter(corpus, client, params):
    response = client.get(compendium_url(), params)
    assert response.status_code == 200
    assert b'class="results-count"' in response.content


@pytest.mark.parametrize("path", ["/en/search/", "/en/search/suggest/"])
@pytest.mark.parametrize("query", ['"', '"x', "AND", "a*", "(", "x NOT", "\x00"])
def test_search_and_suggest_never_pass_syntax_to_the_engine(corpus, client, path, query):
    assert client.get(path, {"q": query}).status_code == 200


def test_a_page_past_the_end_shows_the_last_page(corpus, client):
    html = client.get(compendium_url(), {"page": "999"}).content.decode()
    assert "Page 5 of 5" in html


# Site-wide search -----------------------------------------------------------------------------


def test_site_search_says_what_each_result_is_and_where_it_sits(corpus, client, monkeypatch):
    html = client.get("/en/search/", {"q": "participatory budgeting"}).content.decode()
    assert "Case · " in html  # CaseStudyPage.search_result_context: "Case · city, country"
    # Without search_result_context, a page shows its type and its parent.
    monkeypatch.delattr(CaseStudyPage, "search_result_context")
    html = client.get("/en/search/", {"q": "participatory budgeting"}).content.decode()
    assert "Case study page · Compendium of best practices" in html


def test_site_search_uses_a_page_types_own_context(corpus, client, monkeypatch):
    def context(page):
        return ["Case", f"{page.city}, {page.country.name}"]

    monkeypatch.setattr(CaseStudyPage, "search_result_context", context, raising=False)
    html = client.get("/en/search/", {"q": "budget participatif"}).content.decode()
    assert "Case · Paris, France" in html


def test_site_search_falls_back_to_any_word_and_suggests(corpus, client):
    html = client.get("/en/search/", {"q": "opne data"}).content.decode()
    assert "No page contains every word" in html
    assert 'Did you mean <a href="?q=open%20data">open data</a>?' in html
    assert 'class="result"' in html


def test_site_search_lists_only_the_active_languages_pages(corpus, client):
    from wagtail.models import Locale

    french = Locale.objects.get_or_create(language_code="fr")[0]
    case = CaseStudyPage.objects.get(slug="estonia-x-road")
    copy = case.copy_for_translation(french, copy_parents=True)
    copy.save_revision().publish()
    html = client.get("/en/search/", {"q": "X-Road"}).content.decode()
    assert html.count('class="result"') == 1


# Compendium states ----------------------------------------------------------------------------


def test_a_misspelt_query_gets_one_message_with_a_link(corpus, client):
    html = client.get(compendium_url(), {"q": "evoting"}).content.decode()
    assert "No case matches “evoting”." in html
    assert 'Did you mean <a href="?q=e-voting">e-voting</a>?' in html
    assert "0 cases" not in html
    assert "contain any" not in html and "contain some" not in html


def test_any_word_results_say_so_once(corpus, client):
    html = client.get(compendium_url(), {"q": "opne data"}).content.decode()
    assert "these cases contain some of them" in html
    assert 'Did you mean <a href="?q=open+data">open data</a>?' in html
    assert "No case matches" not in html


def test_without_words_only_newest_first_is_offered(corpus, client):
    html = client.get(compendium_url()).content.decode()
    assert '<strong aria-current="true">Newest first</strong>' in html
    assert "Relevance" not in html
    with_words = client.get(compendium_url(), {"q": "data"}).content.decode()
    assert '<strong aria-current="true">Relevance</strong>' in with_words


def test_filters_come_before_the_results_in_a_details_block(corpus, client):
    html = client.get(compendium_url(), {"level": "local"}).content.decode()
    assert html.index('<details class="filters-panel" open>') < html.index('class="results"')


def test_a_case_in_another_language_carries_its_lang(corpus, client):
    html = client.get(compendium_url(), {"q": "budget participatif Paris"}).content.decode()
    assert '<li class="result" lang="fr">' in html


def test_snippets_start_and_end_on_word_boundaries():
    text = ("Residents can request information and report problems " * 6) + "open data."
    snippet = highlight_snippets("open data", [text])[0]
    assert snippet.startswith("…")
    first_word = snippet[1:].split(" ")[0]
    assert first_word in text.split(" ")
    assert "<mark>open</mark> <mark>data</mark>" in snippet
