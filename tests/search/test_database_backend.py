"""The database backend on the shipped cases: relevance, facet counts, visibility."""

import pytest
from django.db.models import Count

from best_practices.indexers import CASES, FACETS
from best_practices.models import CaseStudyPage
from search.backends.database import DatabaseSearchBackend
from search.facet_values import FACET_VALUES_SHOWN
from search.services import search
from search.types import SearchRequest

FACETS_BY_NAME = CASES.facets_by_name

pytestmark = pytest.mark.django_db

# The expected case must rank first: English and French queries over the shipped corpus.
RELEVANCE = [
    ("X-Road data exchange", "estonia-x-road"),
    ("ASAN one-stop service centres", "baku-asan-service"),
    ("BakıKART transport card", "baku-bakikart"),
    ("Decidim open source participation Barcelona", "barcelona-decidim"),
    ("pre-budget consultation Mauritius", "mauritius-pre-budget-consultation"),
    ("algorithm register", "amsterdam-algorithm-register"),
    ("DigiLocker documents", "india-digilocker"),
    ("budget participatif Paris", "paris-budget-participatif"),
    ("plaintes en ligne Maroc", "morocco-chikaya"),
    ("données ouvertes Montréal", "montreal-donnees-ouvertes"),
    ("service public Bénin démarches", "benin-service-public-portal"),
]


def test_expected_case_ranks_first(shipped_cases):
    failures = []
    for query, slug in RELEVANCE:
        response = search(query)
        first = response.hits[0].url if response.hits else None
        if not first or f"/{slug}/" not in first:
            failures.append((query, slug, [hit.title for hit in response.hits[:3]]))
    assert not failures


def orm_count(facet, value, base):
    return base.filter(**{facet.model_path: value}).distinct().count()


def test_facet_counts_equal_a_direct_orm_count(shipped_cases):
    response = search("", {"level": ["local"]})
    base = CaseStudyPage.objects.live()
    for facet in FACETS:
        # Every facet is counted with the other facets' filters: here, level=local.
        scope = base if facet.name == "level" else base.filter(government_level="local")
        for value in response.facet(facet.name):
            assert value.count == orm_count(facet, value.value, scope), (facet.name, value.value)
    assert response.total == base.filter(government_level="local").count()


def expected_counts(query, filters):
    """Facet counts by the ORM: each facet over the cases matching the text and every other
    facet's filter (values of one facet combine with OR)."""
    matching = {hit.page_id for hit in search(query, per_page=1000).hits}
    base = CaseStudyPage.objects.live().filter(pk__in=matching)
    expected = {}
    for facet in FACETS:
        scope = base
        for name, values in filters.items():
            if name != facet.name:
                other = FACETS_BY_NAME[name]
                scope = scope.filter(
                    pk__in=base.filter(**{f"{other.model_path}__in": values}).values("pk")
                )
        expected[facet.name] = {
            str(value): count
            for value, count in scope.order_by()
            .values_list(facet.model_path)
            .annotate(count=Count("pk", distinct=True))
            .values_list(facet.model_path, "count")
            if value not in (None, "")
        }
    return expected


@pytest.mark.parametrize(
    ("query", "filter_names"),
    [
        ("digital", ()),
        ("", ("sdg", "level")),
        ("services", ("indicator", "region")),
        ("", ("dimension", "language", "year")),
        ("participation", ("country", "sdg", "dimension")),
    ],
)
def test_every_facet_count_equals_the_orm_under_filters(shipped_cases, query, filter_names):
    cases = list(CaseStudyPage.objects.live().prefetch_related("indicators", "sdgs"))
    sample = {
        "sdg": [str(sdg.number) for case in cases[:3] for sdg in case.sdgs.all()][:2],
        "level": ["local"],
        "indicator": [str(ind.pk) for case in cases[:2] for ind in case.indicators.all()][:3],
        "region": [cases[0].region, cases[5].region],
        "dimension": [str(ind.criterion_id) for ind in cases[1].indicators.all()][:1],
        "language": ["en", "fr"],
        "year": [str(cases[0].year_started), str(cases[3].year_started)],
        "country": [str(cases[0].country), str(cases[7].country)],
    }
    filters = {name: sample[name] for name in filter_names}
    response = search(query, filters, per_page=1000)
    expected = expected_counts(query, filters)
    for facet in FACETS:
        got = {value.value: value.count for value in response.facet(facet.name) if value.count}
        if len(expected[facet.name]) <= FACET_VALUES_SHOWN:
            assert got == expected[facet.name], facet.name
        else:  # the most frequent values are shown
            assert got.items() <= expected[facet.name].items(), facet.name
    assert response.total == len(response.hits)


def test_text_and_two_facets(shipped_cases):
    response = search(
        "participatory budgeting", {"region": ["Southern Europe"], "level": ["local"]}
    )
    slugs = {hit.url.rstrip("/").rsplit("/", 1)[1] for hit in response.hits}
    assert "lisbon-participatory-budget" in slugs
    assert all(
        CaseStudyPage.objects.get(pk=hit.page_id).region == "Southern Europe"
        for hit in response.hits
    )
    region_counts = {v.value: v.count for v in response.facet("region")}
    assert region_counts.get("South America", 0) >= 1  # siblings stay countable


def test_several_values_of_one_facet_combine_with_or(shipped_cases):
    one = search("", {"country": ["FR"]}).total
    two = search("", {"country": ["FR", "ES"]}).total
    assert two > one > 0


def test_unpublished_and_draft_cases_never_appear(shipped_cases, committed):
    estonia = CaseStudyPage.objects.get(slug="estonia-x-road")
    with committed():
        estonia.unpublish()
    draft = CaseStudyPage.objects.get(slug="estonia-i-voting")
    draft.title = "Draft title about X-Road"
    draft.save_revision()  # a newer draft: the live version is what search shows
    response = search("X-Road")
    assert estonia.pk not in [hit.page_id for hit in response.hits]
    assert "Draft title about X-Road" not in [hit.title for hit in response.hits]
    country_counts = {v.value: v.count for v in search("").facet("country")}
    assert country_counts["EE"] == CaseStudyPage.objects.live().filter(country="EE").count()


def test_highlights_are_escaped_and_marked(shipped_cases):
    response = search("open data")
    assert response.hits
    snippet = " ".join(response.hits[0].highlights)
    assert "<mark>" in snippet
    assert "<script" not in snippet


def test_no_case_with_every_word_falls_back_to_any_word(shipped_cases):
    response = search("participatory budgeting zanzibarwords")
    assert response.any_word
    assert response.total > 0


def test_newest_sort_and_pagination(shipped_cases):
    first = search("", sort="newest", page=1, per_page=5)
    second = search("", sort="newest", page=2, per_page=5)
    assert first.total == second.total == CaseStudyPage.objects.live().count()
    assert not {h.page_id for h in first.hits} & {h.page_id for h in second.hits}


def test_request_from_untrusted_params_never_errors(rf):
    request = rf.get(
        "/", {"q": "x" * 500, "year": ["20x", "2020"], "page": "-3", "sort": "evil", "bogus": "1"}
    )
    search_request = SearchRequest.from_params(request.GET, CASES)
    assert len(search_request.query) == 200
    assert search_request.filters == {"year": ("2020",)}
    assert search_request.page == 1 and search_request.sort == "relevance"


def test_suggestions_complete_titles(shipped_cases, client):
    response = client.get("/en/search/suggest/", {"q": "Deci"})
    assert any("Decidim" in title or "Decide" in title for title in response.json()["suggestions"])


def test_backend_reports_its_name(shipped_cases):
    assert DatabaseSearchBackend().search(SearchRequest()).backend == "database"


def test_compendium_page_filters_by_get_parameters(shipped_cases, client):
    compendium = CaseStudyPage.objects.first().get_parent()
    html = client.get(
        compendium.url, {"q": "participatory", "region": "Southern Europe"}
    ).content.decode()
    assert "Remove filter Region: Southern Europe" in html
    assert "<mark>" in html
    empty = client.get(compendium.url, {"q": "participatory", "country": "JP"}).content.decode()
    assert "No case matches “participatory”." in empty
    assert "Remove “Japan”" in empty
    countries = client.get(compendium.url, {"view": "countries"}).content.decode()
    assert "Western Africa" in countries or "Africa" in countries


def test_newest_sort_keeps_every_word_required(shipped_cases):
    by_relevance = search("participatory budgeting")
    by_date = search("participatory budgeting", sort="newest")
    assert not by_date.any_word
    assert by_date.total == by_relevance.total
    assert {h.page_id for h in by_date.hits} == {h.page_id for h in by_relevance.hits}


def test_clear_all_filters_keeps_the_words_encoded(shipped_cases, client):
    compendium = CaseStudyPage.objects.first().get_parent()
    html = client.get(compendium.url, {"q": "open data & más", "level": "local"}).content.decode()
    assert 'href="?q=open+data+%26+m%C3%A1s">Clear all filters' in html


def test_cached_answers_never_outlive_an_index_change(shipped_cases, settings, committed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SEARCH_CACHE_SECONDS = 600
    estonia = CaseStudyPage.objects.get(slug="estonia-x-road")
    first = search("X-Road")
    assert estonia.pk in [hit.page_id for hit in first.hits]
    with CaptureQueriesContext(connection) as repeat:
        again = search("X-Road")
    assert [hit.page_id for hit in again.hits] == [hit.page_id for hit in first.hits]
    assert again.total == first.total
    assert not any("WITH matched" in query["sql"] for query in repeat.captured_queries)

    by_country = search("", {"country": ["EE"]})
    with committed():
        estonia.unpublish()  # the index changes: no cached answer may be served
    assert estonia.pk not in [hit.page_id for hit in search("X-Road").hits]
    assert search("", {"country": ["EE"]}).total == by_country.total - 1


def test_answers_are_computed_every_time_when_the_cache_is_off(shipped_cases, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SEARCH_CACHE_SECONDS = 0
    search("X-Road")
    with CaptureQueriesContext(connection) as repeat:
        search("X-Road")
    assert any("WITH matched" in query["sql"] for query in repeat.captured_queries)


def test_cases_under_a_private_page_leave_the_index(shipped_cases, committed):
    from wagtail.models import PageViewRestriction

    estonia = CaseStudyPage.objects.get(slug="estonia-x-road")
    with committed():
        restriction = PageViewRestriction.objects.create(
            page=estonia.get_parent(), restriction_type=PageViewRestriction.LOGIN
        )
    assert estonia.pk not in [hit.page_id for hit in search("X-Road").hits]
    with committed():
        restriction.delete()
    assert estonia.pk in [hit.page_id for hit in search("X-Road").hits]


@pytest.mark.parametrize("query", ["digital services", "portal", "data"])
def test_relevance_pages_cover_every_match_once(shipped_cases, query):
    """Cases matching in title or summary come first, body-only matches after: paging
    through must still show each match exactly once."""
    first = search(query, per_page=4)
    seen = [hit.page_id for hit in first.hits]
    for page in range(2, first.num_pages + 1):
        seen += [hit.page_id for hit in search(query, page=page, per_page=4).hits]
    assert len(seen) == len(set(seen)) == first.total > 4
