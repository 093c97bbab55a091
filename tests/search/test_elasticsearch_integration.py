"""The Elasticsearch backend against a real server. Skipped unless ELASTICSEARCH_URL is set;
each run uses its own index prefix and deletes its indices afterwards."""

from __future__ import annotations

import os
import uuid

import pytest

from best_practices.indexers import CASES
from search.backends.elasticsearch import ElasticsearchSearchBackend
from search.documents import alias_name as indexer_alias_name
from search.types import SearchRequest
from tests.best_practices.factories import make_case, make_compendium
from toolkit.models import Indicator, SustainableDevelopmentGoal

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(
        not os.environ.get("ELASTICSEARCH_URL"), reason="needs ELASTICSEARCH_URL (a real server)"
    ),
    pytest.mark.django_db,
]


@pytest.fixture
def backend(settings):
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:12]}"
    settings.SEARCH_BACKEND = "elasticsearch"  # search.signals index on publish
    backend = ElasticsearchSearchBackend()
    yield backend
    # Wildcard deletes are refused by default (action.destructive_requires_name): name them.
    indices = backend.client.indices
    names = list(indices.get(index=f"{alias_name()}*", expand_wildcards="all").body)
    for name in names:
        indices.delete(index=name)


def alias_name():
    return indexer_alias_name(CASES)


def refresh(backend):
    backend.client.indices.refresh(index=alias_name())


def search(backend, query="", **filters):
    sort = filters.pop("sort", "relevance")
    filters = {name: tuple(values) for name, values in filters.items()}
    return backend.search(SearchRequest(query=query, filters=filters, sort=sort))


def body(*paragraphs):
    return [{"type": "context", "value": "".join(f"<p>{text}</p>" for text in paragraphs)}]


@pytest.fixture
def cases(taxonomy, home_page, django_capture_on_commit_callbacks):
    # Publishing enqueues indexing on commit: run it as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        return _cases(home_page)


def _cases(home_page):
    compendium = make_compendium(home_page)
    first, second = Indicator.objects.filter(framework__key="losi_2024").order_by("pk")[:2]
    sdg = {goal.number: goal for goal in SustainableDevelopmentGoal.objects.all()}
    dakar = make_case(
        compendium,
        [first],
        sdgs=[sdg[9], sdg[16]],
        title="Digital identity for Dakar",
        slug="dakar",
        summary="One login for R&D <teams> and residents.",
        body=body("Residents use one login for every city service."),
        country="SN",
        city="Dakar",
        year_started=2021,
    )
    lyon = make_case(
        compendium,
        [first, second],
        sdgs=[sdg[16]],
        title="Guichet numérique de Lyon",
        slug="lyon",
        summary="Un guichet unique en ligne.",
        body=body("Les habitants déposent leurs demandes en ligne."),
        country="FR",
        city="Lyon",
        language="fr",
        year_started=2019,
    )
    nairobi = make_case(
        compendium,
        [second],
        sdgs=[sdg[9]],
        title="Open data portal for Kenya",
        slug="kenya",
        summary="Budgets published as open data.",
        body=body("The national portal publishes budgets every month."),
        country="KE",
        city="",
        government_level="national",
        year_started=2020,
    )
    make_case(compendium, [first], title="Unpublished draft", slug="draft", live=False)
    return {"dakar": dakar, "lyon": lyon, "nairobi": nairobi}


def test_rebuild_indexes_live_cases_behind_the_alias(backend, cases):
    progress = []
    assert backend.rebuild(progress=progress.append) == 3
    assert sum(progress) == 3
    response = search(backend)
    assert response.total == 3
    assert {hit.title for hit in response.hits} == {case.title for case in cases.values()}
    first_index = set(backend.client.indices.get_alias(name=alias_name()).body)

    assert backend.rebuild() == 3  # again: the alias moves, the old index goes
    second_index = set(backend.client.indices.get_alias(name=alias_name()).body)
    assert first_index.isdisjoint(second_index)
    assert set(backend.client.indices.get(index=f"{alias_name()}-*").body) == second_index
    assert search(backend).total == 3


def test_facets_are_disjunctive(backend, cases):
    backend.rebuild()
    response = search(backend, region=["Western Africa", "Eastern Africa"], sdg=["9"])
    assert {hit.page_id for hit in response.hits} == {cases["dakar"].pk, cases["nairobi"].pk}
    regions = {value.value: (value.count, value.selected) for value in response.facet("region")}
    # Region counts ignore the region filter itself but apply the SDG filter.
    assert regions == {"Western Africa": (1, True), "Eastern Africa": (1, True)}
    sdgs = {value.value: (value.count, value.selected) for value in response.facet("sdg")}
    assert sdgs == {"9": (2, True), "16": (1, False)}
    countries = {value.value: value.label for value in response.facet("country")}
    assert countries == {"SN": "Senegal", "KE": "Kenya"}

    response = search(backend, level=["national"], language=["fr"])
    assert response.total == 0
    assert [(v.value, v.count, v.selected) for v in response.facet("language")] == [
        ("en", 1, False),
        ("fr", 0, True),
    ]


def test_text_search_highlights_and_escapes(backend, cases):
    backend.rebuild()
    response = search(backend, "login")
    assert [hit.page_id for hit in response.hits] == [cases["dakar"].pk]
    highlights = response.hits[0].highlights
    assert highlights[0] == "One <mark>login</mark> for R&amp;D &lt;teams&gt; and residents."
    assert any("use one <mark>login</mark> for every" in fragment for fragment in highlights[1:])


def test_language_sub_fields_match_inflected_words(backend, cases):
    backend.rebuild()
    # "demande" only occurs as "demandes": the French analyzer stems both alike.
    response = search(backend, "demande")
    assert [hit.page_id for hit in response.hits] == [cases["lyon"].pk]
    # English stemming: "publish" finds "publishes" / "published".
    assert [hit.page_id for hit in search(backend, "publish").hits] == [cases["nairobi"].pk]


def test_place_names_and_sorting(backend, cases):
    backend.rebuild()
    assert [hit.page_id for hit in search(backend, "Senegal").hits] == [cases["dakar"].pk]
    newest = search(backend, sort="newest")
    published = sorted(cases.values(), key=lambda case: case.first_published_at, reverse=True)
    assert [hit.page_id for hit in newest.hits] == [case.pk for case in published]


def test_spelling_and_title_suggestions(backend, cases):
    backend.rebuild()
    assert search(backend, "digitl identity").suggestion == "digital identity"
    assert backend.suggest("digi") == ["Digital identity for Dakar"]
    assert "Digital identity for Dakar" in backend.suggest("ident")
    assert backend.suggest("zzz") == []


def test_publishing_and_unpublishing_update_the_index(backend, cases, committed):
    # No rebuild: publishing indexed each case (search.signals), the first one creating the
    # index and its alias.
    refresh(backend)
    assert {hit.page_id for hit in search(backend).hits} == {c.pk for c in cases.values()}

    lyon = cases["lyon"]
    with committed():
        lyon.unpublish()
    refresh(backend)
    assert lyon.pk not in {hit.page_id for hit in search(backend).hits}


@pytest.fixture
def without_signals(settings):
    settings.SEARCH_BACKEND = "database"  # search.signals stay quiet


def test_first_write_creates_the_index_and_unpublished_cases_go(backend, without_signals, cases):
    dakar, lyon = cases["dakar"], cases["lyon"]
    assert not backend.client.indices.exists_alias(name=alias_name())
    backend.index([dakar, lyon])
    refresh(backend)
    assert {hit.page_id for hit in search(backend).hits} == {dakar.pk, lyon.pk}

    lyon.unpublish()
    backend.index([lyon])  # no longer live: removed
    backend.remove([987654])  # never indexed: no error
    refresh(backend)
    assert [hit.page_id for hit in search(backend).hits] == [dakar.pk]
