"""One conformance suite for every search backend: the same expectations hold for the
database backend (on whatever DATABASE_URL says: CI runs it on SQLite and on PostgreSQL) and
for Elasticsearch (only when ELASTICSEARCH_URL is set). Corpus: the 43 shipped cases."""

from __future__ import annotations

import os
import uuid

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from best_practices.indexers import CASES
from best_practices.models import CaseStudyPage
from search import services
from search.types import words_of

pytestmark = pytest.mark.django_db

BACKENDS = [
    "database",
    pytest.param(
        "elasticsearch",
        marks=[
            pytest.mark.elasticsearch,
            pytest.mark.skipif(
                not os.environ.get("ELASTICSEARCH_URL"), reason="needs ELASTICSEARCH_URL"
            ),
        ],
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request, settings, corpus):
    """The backend under test, its index holding the shipped cases."""
    settings.SEARCH_CACHE_SECONDS = 0
    if request.param == "database":
        yield services.get_backend("database")
        return
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_INDEX_PREFIX = f"conformance-{uuid.uuid4().hex[:12]}"
    backend = services.get_backend("elasticsearch")
    backend.rebuild(CASES)
    yield backend
    indices = backend.client.indices
    prefix = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-"
    for name in list(indices.get(index=f"{prefix}*", expand_wildcards="all").body):
        indices.delete(index=name)


def find(backend, query="", filters=None, **kwargs):
    return services.search(query, filters or {}, backend=backend, indexer=CASES, **kwargs)


def ids(response):
    return {hit.page_id for hit in response.hits}


# The same matches everywhere. (SQLite once found 9 cases for "open data" at local level and
# PostgreSQL 10: SQLite stemmed every language as English, so "datos" in a Spanish case
# never met the Spanish stem of "data". Both now stem each case in its own language.)
MATCHES = [
    ("open data", {"level": ["local"]}, 10),
    ("open data", {}, 13),
    ("participatory budgeting", {}, 8),
    ("e-voting", {}, 7),
    ("budget participatif", {}, 8),
    ("données ouvertes", {}, 2),
    ("X-Road", {}, 1),
    ("", {"level": ["national"]}, None),
]


@pytest.mark.parametrize(("query", "filters", "expected"), MATCHES)
def test_the_same_queries_find_the_same_number_of_cases(backend, query, filters, expected):
    response = find(backend, query, filters, per_page=100)
    if expected is None:  # no words: every case of the filters, counted by the ORM
        expected = CaseStudyPage.objects.live().filter(government_level="national").count()
    assert response.total == expected
    assert len(response.hits) == expected
    assert not response.any_word


def test_facet_counts_are_the_orm_counts_of_the_matches(backend):
    response = find(backend, "open data", {"level": ["local"]}, per_page=100)
    matched = CaseStudyPage.objects.filter(pk__in=ids(response))
    unfiltered = find(backend, "open data", per_page=100)
    for facet in CASES.facets:
        # Each facet is counted with the other facets' filters: level ignores its own.
        scope = matched
        if facet.name == "level":
            scope = CaseStudyPage.objects.filter(pk__in=ids(unfiltered))
        expected = {
            str(value): count
            for value, count in scope.order_by()
            .values_list(facet.model_path)
            .annotate(count=Count("pk", distinct=True))
            .values_list(facet.model_path, "count")
            if value not in (None, "")
        }
        got = {value.value: value.count for value in response.facet(facet.name) if value.count}
        assert got == expected, facet.name


def test_no_case_with_every_word_falls_back_to_any_word(backend):
    response = find(backend, "participatory budgeting zanzibarwords", per_page=100)
    assert response.any_word
    with_both = find(backend, "participatory budgeting", per_page=100)
    with_either = (
        find(backend, "participatory", per_page=100).total
        + find(backend, "budgeting", per_page=100).total
    )
    assert ids(with_both) <= ids(response)
    assert with_both.total < response.total <= with_either


def test_a_single_unknown_word_finds_nothing_and_is_not_a_fallback(backend):
    response = find(backend, "zanzibarwords")
    assert (response.total, response.any_word, response.hits) == (0, False, [])


@pytest.mark.parametrize(("typed", "meant"), [("evoting", "e-voting"), ("opne data", "open data")])
def test_a_misspelt_query_gets_a_suggestion_that_finds_cases(backend, typed, meant):
    response = find(backend, typed)
    assert response.suggestion
    assert words_of(response.suggestion) == words_of(meant) or (
        "".join(words_of(response.suggestion)) == "".join(words_of(meant))
    )
    corrected = find(backend, response.suggestion)
    assert corrected.total == find(backend, meant).total > 0
    assert not corrected.any_word and not corrected.suggestion


def test_a_query_whose_words_all_match_gets_no_suggestion(backend):
    assert find(backend, "open data").suggestion == ""


def test_answers_are_cached_for_every_backend(backend, settings, monkeypatch):
    settings.SEARCH_CACHE_SECONDS = 600
    calls = []
    real = backend.search

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(backend, "search", counting)
    first = find(backend, "open data", {"level": ["local"]})
    again = find(backend, "open data", {"level": ["local"]})
    assert len(calls) == 1
    assert [hit.page_id for hit in again.hits] == [hit.page_id for hit in first.hits]
    assert again.total == first.total


def test_hits_carry_what_the_page_shows(backend):
    hit = find(backend, "X-Road").hits[0]
    case = CaseStudyPage.objects.get(pk=hit.page_id)
    assert (hit.title, hit.url, hit.country, hit.country_name) == (
        case.title,
        case.url,
        "EE",
        "Estonia",
    )
    assert hit.language == case.language
    assert hit.year_started == case.year_started


@pytest.mark.parametrize(
    "query", ['"', '"open', "open AND", "NOT data", "(data", "da*", "a:b", "-", "'", "&|!"]
)
def test_query_syntax_is_never_syntax(backend, query):
    response = find(backend, query)
    words = words_of(query)
    if not words:
        assert response.total == CaseStudyPage.objects.live().count()
    else:
        assert response.total == find(backend, " ".join(words)).total


def test_newest_first_without_words(backend):
    response = find(backend, "", per_page=5)
    assert response.request.sort == "newest"
    newest = CaseStudyPage.objects.live().order_by("-first_published_at", "-pk")[:5]
    assert [hit.page_id for hit in response.hits] == [case.pk for case in newest]


# Statements per search (database backend only): the README's promise.
STATEMENTS = {"sqlite": 3, "postgresql": 4}
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


def statements(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].upper().startswith(TRANSACTION_CONTROL)
    ]


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("participatory budgeting", {}),
        ("", {"level": ["local"], "sdg": ["11"]}),
        ("open data", {"region": ["Southern Europe", "South America"], "level": ["local"]}),
    ],
    ids=["text", "facets only", "text and facets"],
)
def test_a_database_search_takes_a_fixed_number_of_statements(corpus, query, filters):
    backend = services.get_backend("database")
    find(backend, "warm up")  # taxonomy labels and site root paths are cached once
    with CaptureQueriesContext(connection) as captured:
        response = find(backend, query, filters)
    assert response.total > 0 and response.hits
    assert len(statements(captured)) == STATEMENTS[connection.vendor], statements(captured)
