"""The Elasticsearch backend without a server: request bodies against hand-written contracts
(tests/search/contracts/*.json), response mapping against a recorded-shape response, and the
order of index-management calls recorded by a stand-in for the low-level client."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import NotFoundError

from best_practices.indexers import CASES, FACETS
from search.backends.elasticsearch import (
    ElasticsearchSearchBackend,
    build_index_body,
    build_search_body,
    build_suggest_body,
    map_hit,
    map_search_response,
    map_suggest_response,
)
from search.documents import alias_name as indexer_alias_name
from search.documents import document_source, facet_field_types, suggest_inputs
from search.types import SearchRequest
from tests.best_practices.factories import make_case, make_compendium
from toolkit.models import Criterion, Indicator

CONTRACTS = Path(__file__).parent / "contracts"


@pytest.fixture(autouse=True)
def no_server(settings):
    """Publishing must not reach a server from search.signals, even if one is configured."""
    settings.SEARCH_BACKEND = "database"


def alias_name():
    return indexer_alias_name(CASES)


def contract(name: str) -> dict:
    return json.loads((CONTRACTS / f"{name}.json").read_text(encoding="utf-8"))


def as_sent(body: dict) -> dict:
    """What goes over the wire: JSON, so tuples and lists compare alike."""
    return json.loads(json.dumps(body))


# Request bodies ------------------------------------------------------------------------


def test_index_body_matches_contract():
    assert as_sent(build_index_body()) == contract("index")


@pytest.mark.parametrize(
    ("name", "request_"),
    [
        ("search_free_text", SearchRequest(query="digital identity")),
        (
            "search_text_and_facets",
            SearchRequest(
                query="open data",
                filters={"region": ("Western Africa", "Eastern Africa"), "sdg": ("9", "16")},
            ),
        ),
        (
            "search_facets_only",
            SearchRequest(filters={"country": ("SN",), "year": ("2021", "2022")}),
        ),
        ("search_newest_page_2", SearchRequest(sort="newest", page=2)),
    ],
)
def test_search_body_matches_contract(name, request_):
    assert as_sent(build_search_body(request_)) == contract(name)


def test_suggest_body_matches_contract():
    assert as_sent(build_suggest_body("digital id", 5)) == contract("suggest")


def test_every_facet_has_a_field_of_the_right_type():
    types = facet_field_types(CASES)
    for facet in FACETS:
        assert types[facet.name] == ("integer" if facet.numeric else "keyword"), facet.name


def test_each_facet_aggregation_applies_only_the_other_facets_filters():
    request = SearchRequest(filters={"region": ("Western Africa",), "level": ("local",)})
    body = build_search_body(request)
    for facet in FACETS:
        applied = json.dumps(body["aggs"][facet.name]["filter"])
        assert ('"region"' in applied) is (facet.name != "region")
        assert ('"government_level"' in applied) is (facet.name != "level")


# Documents -----------------------------------------------------------------------------


@pytest.fixture
def compendium(taxonomy, home_page):
    return make_compendium(home_page)


@pytest.fixture
def indicators(taxonomy):
    return list(Indicator.objects.filter(framework__key="losi_2024").order_by("pk")[:2])


@pytest.mark.django_db
def test_document_is_built_from_a_published_case(compendium, indicators):
    from toolkit.models import SustainableDevelopmentGoal

    sdgs = SustainableDevelopmentGoal.objects.filter(number__in=[9, 16])
    case = make_case(
        compendium,
        indicators,
        sdgs=sdgs,
        themes=["open data"],
        title="Digital identity for Dakar",
        summary="Residents get one login.",
        contact_organisation="City of Dakar",
    )
    source = document_source(CASES, case)

    assert source["page_id"] == case.pk
    assert source["indicators"] == sorted(indicator.pk for indicator in indicators)
    assert source["dimensions"] == sorted({indicator.criterion_id for indicator in indicators})
    assert source["indicator_names"] == [indicator.name for indicator in indicators]
    assert source["sdgs"] == [9, 16]
    assert source["themes"] == ["open data"]
    assert source["country"] == "SN"
    assert source["region"] == "Western Africa"
    assert source["place"] == "Dakar Senegal Western Africa"
    assert source["government_level"] == "local"
    assert source["language"] == "en"
    assert source["year_started"] == 2021
    assert source["url"] == case.url
    assert source["published_at"] == case.first_published_at
    assert source["country_name"] == "Senegal"  # hits show it, as database hits do
    assert source["city"] == "Dakar"
    assert "Why the city acted." in source["body"]
    assert "<p>" not in source["body"]
    assert source["title_suggest"][0] == {"input": ["Digital identity for Dakar"], "weight": 2}
    # Every key is mapped: the index is strict and would reject anything else.
    assert set(source) <= set(build_index_body()["mappings"]["properties"])


def test_suggest_inputs_start_at_each_later_word():
    assert suggest_inputs("Digital identity for Dakar") == [
        {"input": ["Digital identity for Dakar"], "weight": 2},
        {"input": ["identity for Dakar", "for Dakar", "Dakar"], "weight": 1},
    ]
    assert suggest_inputs("Portal") == [{"input": ["Portal"], "weight": 2}]


# Responses -----------------------------------------------------------------------------


@pytest.fixture
def recorded(taxonomy):
    """A search response body in the shape Elasticsearch 8 returns, for the request below,
    with ids from the real taxonomy."""
    first, second = Indicator.objects.filter(framework__key="losi_2024").order_by("pk")[:2]
    criterion = first.criterion
    return {
        "took": 7,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": 12, "relation": "eq"},
            "max_score": 7.31,
            "hits": [
                {
                    "_index": "egov-cases-20250101000000000000",
                    "_id": "41",
                    "_score": 7.31,
                    "_source": {
                        "page_id": 41,
                        "title": "Digital identity for Dakar",
                        "url": "/compendium/digital-identity-for-dakar/",
                        "summary": "Residents get one login for city services.",
                        "country": "SN",
                        "city": "Dakar",
                        "year_started": 2021,
                        "government_level": "local",
                        "language": "en",
                    },
                    "highlight": {
                        "summary": ["Residents get one <mark>login</mark> for city services."],
                        "body": [
                            "The &lt;b&gt;portal&lt;&#x2F;b&gt; uses one <mark>login</mark>.",
                            "Each <mark>login</mark> is checked.",
                        ],
                    },
                    "sort": [7.31, 1735689600000, 41],
                },
                {
                    "_index": "egov-cases-20250101000000000000",
                    "_id": "42",
                    "_score": 5.02,
                    "_source": {
                        "page_id": 42,
                        "title": "Un guichet unique",
                        "url": "/compendium/un-guichet-unique/",
                        "summary": "Un seul accès.",
                        "country": "FR",
                        "city": "",
                        "year_started": 2019,
                        "government_level": "national",
                        "language": "fr",
                    },
                    "sort": [5.02, 1735603200000, 42],
                },
            ],
        },
        "aggregations": {
            "indicator": {
                "doc_count": 12,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [
                        {"key": first.pk, "doc_count": 5},
                        {"key": second.pk, "doc_count": 2},
                    ],
                },
            },
            "dimension": {
                "doc_count": 12,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [{"key": criterion.pk, "doc_count": 7}],
                },
            },
            "country": {
                "doc_count": 12,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [
                        {"key": "FR", "doc_count": 3},
                        {"key": "SN", "doc_count": 9},
                    ],
                },
            },
            "region": {
                "doc_count": 30,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [
                        {"key": "Western Africa", "doc_count": 9},
                        {"key": "Western Europe", "doc_count": 3},
                    ],
                },
                "selected": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [{"key": "Western Africa", "doc_count": 9}],
                },
            },
            "year": {
                "doc_count": 12,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [
                        {"key": 2019, "doc_count": 3},
                        {"key": 2021, "doc_count": 9},
                    ],
                },
            },
            "level": {
                "doc_count": 12,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [
                        {"key": "local", "doc_count": 9},
                        {"key": "national", "doc_count": 3},
                    ],
                },
            },
            "sdg": {
                "doc_count": 12,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [
                        {"key": 9, "doc_count": 4},
                        {"key": 11, "doc_count": 6},
                    ],
                },
                "selected": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [{"key": 9, "doc_count": 4}],
                },
            },
            "language": {
                "doc_count": 12,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [
                        {"key": "en", "doc_count": 9},
                        {"key": "fr", "doc_count": 3},
                    ],
                },
            },
        },
        "suggest": {
            "spelling": [
                {
                    "text": "logn",
                    "offset": 0,
                    "length": 4,
                    "options": [{"text": "login", "score": 0.0063}],
                }
            ]
        },
    }


RECORDED_REQUEST = SearchRequest(
    query="logn", filters={"region": ("Western Africa",), "sdg": ("9", "17")}
)


@pytest.mark.django_db
def test_response_maps_to_hits_with_safe_highlights(recorded):
    response = map_search_response(RECORDED_REQUEST, recorded, backend="elasticsearch")

    assert response.total == 12
    assert response.backend == "elasticsearch"
    assert response.suggestion == "login"
    first, second = response.hits
    assert (first.page_id, first.title, first.country, first.city) == (
        41,
        "Digital identity for Dakar",
        "SN",
        "Dakar",
    )
    assert first.url == "/compendium/digital-identity-for-dakar/"
    assert first.year_started == 2021
    assert first.score == 7.31
    assert first.highlights == [
        "Residents get one <mark>login</mark> for city services.",
        "The &lt;b&gt;portal&lt;&#x2F;b&gt; uses one <mark>login</mark>.",
        "Each <mark>login</mark> is checked.",
    ]
    assert second.highlights == []
    assert second.language == "fr"


@pytest.mark.django_db
def test_response_maps_facet_counts_with_labels(recorded):
    response = map_search_response(RECORDED_REQUEST, recorded)
    first, second = Indicator.objects.filter(framework__key="losi_2024").order_by("pk")[:2]
    criterion = Criterion.objects.select_related("framework").get(pk=first.criterion_id)

    def rows(name):
        return [(v.value, v.label, v.count, v.selected) for v in response.facet(name)]

    assert rows("indicator") == [
        (str(first.pk), f"{first.code} {first.name}".strip(), 5, False),
        (str(second.pk), f"{second.code} {second.name}".strip(), 2, False),
    ]
    assert rows("dimension") == [
        (str(criterion.pk), f"{criterion.framework.short_name} · {criterion.name}", 7, False)
    ]
    # Ordered by count, then label.
    assert rows("country") == [("SN", "Senegal", 9, False), ("FR", "France", 3, False)]
    assert rows("region") == [
        ("Western Africa", "Western Africa", 9, True),
        ("Western Europe", "Western Europe", 3, False),
    ]
    assert rows("year") == [("2019", "2019", 3, False), ("2021", "2021", 9, False)]
    assert rows("level") == [
        ("local", "Local (cities)", 9, False),
        ("national", "National (countries)", 3, False),
    ]
    # Natural order; SDG 17 was chosen and matches nothing here, yet stays visible.
    assert [(v.value, v.count, v.selected) for v in response.facet("sdg")] == [
        ("9", 4, True),
        ("11", 6, False),
        ("17", 0, True),
    ]
    assert response.facet("sdg")[0].label.startswith("SDG 9: ")
    assert rows("language") == [("en", "English", 9, False), ("fr", "French", 3, False)]


@pytest.mark.django_db
def test_labels_take_one_query_per_taxonomy_facet(recorded, django_assert_num_queries):
    with django_assert_num_queries(3):  # indicators, criteria, SDGs
        map_search_response(RECORDED_REQUEST, recorded)


@pytest.mark.django_db
def test_a_spelling_suggestion_equal_to_the_query_is_dropped(recorded):
    recorded["suggest"]["spelling"][0]["options"] = [{"text": "Logn", "score": 0.1}]
    assert map_search_response(RECORDED_REQUEST, recorded).suggestion == ""


def test_completion_options_map_to_unique_titles():
    body = {
        "suggest": {
            "titles": [
                {
                    "text": "ident",
                    "offset": 0,
                    "length": 5,
                    "options": [
                        {
                            "text": "identity for Dakar",
                            "_index": "egov-cases-1",
                            "_id": "41",
                            "_score": 1.0,
                            "_source": {"title": "Digital identity for Dakar"},
                        },
                        {
                            "text": "Identity cards online",
                            "_index": "egov-cases-1",
                            "_id": "43",
                            "_score": 2.0,
                            "_source": {"title": "Identity cards online"},
                        },
                    ],
                }
            ]
        }
    }
    assert map_suggest_response(body) == ["Digital identity for Dakar", "Identity cards online"]


# Calls to Elasticsearch ----------------------------------------------------------------


class RecordingClient:
    """Stands in for the low-level client: records each API call and returns canned answers.
    It implements no search semantics."""

    def __init__(self, answers=None, calls=None, options=None):
        self.answers = answers or {}
        self.calls = [] if calls is None else calls
        self._options = options or {}
        self.indices = _Namespace(self, "indices")

    def options(self, **options):
        return RecordingClient(self.answers, self.calls, options)

    def record(self, name, kwargs):
        call = (name, kwargs, self._options) if self._options else (name, kwargs)
        self.calls.append(call)
        answer = self.answers.get(name)
        if isinstance(answer, Exception):
            raise answer
        return answer(**kwargs) if callable(answer) else answer

    def search(self, **kwargs):
        return self.record("search", kwargs)


class _Namespace:
    def __init__(self, client, prefix):
        self._client, self._prefix = client, prefix

    def __getattr__(self, name):
        return lambda **kwargs: self._client.record(f"{self._prefix}.{name}", kwargs)


def recording_bulk(client, actions, **kwargs):
    """Stands in for elasticsearch.helpers.bulk (which drives the transport directly)."""
    actions = list(actions)
    client.calls.append(("bulk", actions, kwargs))
    return len(actions), []


def not_found():
    meta = ApiResponseMeta(404, "1.1", HttpHeaders(), 0.01, NodeConfig("http", "localhost", 9200))
    return NotFoundError("index_not_found_exception", meta, {"status": 404})


OLD_INDEX = "egov-cases-20240101000000000000"


@pytest.fixture
def three_cases(compendium, indicators):
    return [
        make_case(compendium, indicators, title=f"Case {n}", slug=f"case-{n}") for n in range(3)
    ]


@pytest.mark.django_db
def test_rebuild_fills_a_new_index_then_swaps_the_alias_in_one_call(three_cases):
    client = RecordingClient(
        {
            "indices.exists_alias": True,
            "indices.get_alias": {OLD_INDEX: {"aliases": {"egov-cases": {}}}},
        }
    )
    backend = ElasticsearchSearchBackend(client=client, bulk=recording_bulk)
    backend.batch_size = 2
    batches = []

    assert backend.rebuild(progress=batches.append) == 3

    assert batches == [2, 1]
    names = [call[0] for call in client.calls]
    assert names == [
        "indices.create",
        "bulk",
        "bulk",
        "indices.refresh",
        "indices.exists_alias",
        "indices.get_alias",
        "indices.update_aliases",
        "indices.delete",
    ]
    create, bulk_1, bulk_2, refresh, _, _, swap, delete = client.calls
    new = create[1]["index"]
    assert re.fullmatch(r"egov-cases-\d{20}", new)
    assert {"settings": create[1]["settings"], "mappings": create[1]["mappings"]} == (
        build_index_body()
    )
    indexed = bulk_1[1] + bulk_2[1]
    assert [action["_id"] for action in indexed] == [case.pk for case in three_cases]
    assert {action["_index"] for action in indexed} == {new}
    assert {action["_op_type"] for action in indexed} == {"index"}
    assert refresh[1] == {"index": new}
    assert swap[1] == {
        "actions": [
            {"remove": {"index": OLD_INDEX, "alias": "egov-cases"}},
            {"add": {"index": new, "alias": "egov-cases"}},
        ]
    }
    assert delete == ("indices.delete", {"index": OLD_INDEX}, {"ignore_status": 404})


@pytest.mark.django_db
def test_rebuild_replaces_an_index_squatting_the_alias_name(three_cases):
    client = RecordingClient({"indices.exists_alias": False, "indices.exists": True})
    backend = ElasticsearchSearchBackend(client=client, bulk=recording_bulk)
    backend.rebuild()
    new = client.calls[0][1]["index"]
    swaps = [call for call in client.calls if call[0] == "indices.update_aliases"]
    assert swaps == [
        (
            "indices.update_aliases",
            {
                "actions": [
                    {"remove_index": {"index": "egov-cases"}},
                    {"add": {"index": new, "alias": "egov-cases"}},
                ]
            },
        )
    ]
    assert client.calls[-1][0] == "indices.update_aliases"  # nothing else to delete


@pytest.mark.django_db
def test_a_failed_rebuild_drops_the_new_index_and_leaves_the_alias(three_cases):
    def failing_bulk(client, actions, **kwargs):
        raise RuntimeError("bulk failed")

    client = RecordingClient()
    backend = ElasticsearchSearchBackend(client=client, bulk=failing_bulk)
    with pytest.raises(RuntimeError):
        backend.rebuild()
    new = client.calls[0][1]["index"]
    assert client.calls[1:] == [("indices.delete", {"index": new}, {"ignore_status": 404})]


@pytest.mark.django_db
def test_index_cases_creates_the_first_index_then_indexes_published_cases(compendium, indicators):
    live = make_case(compendium, indicators, title="Live", slug="live")
    draft = make_case(compendium, indicators, title="Draft", slug="draft", live=False)
    client = RecordingClient({"indices.exists_alias": False})
    backend = ElasticsearchSearchBackend(client=client, bulk=recording_bulk)

    backend.index([live, draft])

    exists, create, index, delete = client.calls
    assert exists == ("indices.exists_alias", {"name": "egov-cases"})
    assert create[1]["aliases"] == {"egov-cases": {}}
    assert re.fullmatch(r"egov-cases-\d{20}", create[1]["index"])
    assert index[2] == {"refresh": "wait_for"}  # the next search sees the change
    assert [(a["_op_type"], a["_index"], a["_id"]) for a in index[1]] == [
        ("index", "egov-cases", live.pk)
    ]
    assert index[1][0]["_source"]["title"] == "Live"
    # The draft is not published: it is removed, and a missing document is no error.
    assert delete == (
        "bulk",
        [{"_op_type": "delete", "_index": "egov-cases", "_id": draft.pk}],
        {"ignore_status": (404,), "refresh": "wait_for"},
    )


def test_remove_cases_deletes_by_id_ignoring_missing_ones():
    client = RecordingClient()
    ElasticsearchSearchBackend(client=client, bulk=recording_bulk).remove([7, 3])
    assert client.calls == [
        (
            "bulk",
            [
                {"_op_type": "delete", "_index": "egov-cases", "_id": 3},
                {"_op_type": "delete", "_index": "egov-cases", "_id": 7},
            ],
            {"ignore_status": (404,), "refresh": "wait_for"},
        )
    ]


@pytest.mark.django_db
def test_search_sends_the_built_body_to_the_alias(recorded):
    client = RecordingClient({"search": recorded})
    response = ElasticsearchSearchBackend(client=client).search(RECORDED_REQUEST)
    assert client.calls == [
        ("search", {"index": "egov-cases", "body": build_search_body(RECORDED_REQUEST)})
    ]
    assert response.total == 12
    assert response.backend == "elasticsearch"


@pytest.mark.django_db
def test_search_without_an_index_answers_empty(taxonomy):
    client = RecordingClient({"search": not_found()})
    response = ElasticsearchSearchBackend(client=client).search(SearchRequest(query="x"))
    assert (response.total, response.hits) == (0, [])


def test_suggest_sends_the_completion_request():
    client = RecordingClient({"search": {"suggest": {"titles": [{"options": []}]}}})
    backend = ElasticsearchSearchBackend(client=client)
    assert backend.suggest("  digital   id ", limit=5) == []
    assert backend.suggest("d") == []  # too short to ask
    assert client.calls == [
        ("search", {"index": "egov-cases", "body": build_suggest_body("digital id", 5)})
    ]


def test_index_name_follows_the_prefix_setting(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "staging"
    assert alias_name() == "staging-cases"


@pytest.mark.django_db
def test_rebuild_queries_do_not_grow_with_the_number_of_cases(compendium, indicators):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_rebuild():
        backend = ElasticsearchSearchBackend(client=RecordingClient(), bulk=recording_bulk)
        with CaptureQueriesContext(connection) as captured:
            backend.rebuild()
        return len(captured)

    make_case(compendium, indicators, title="One", slug="one", themes=["a"])
    queries_for_rebuild()  # warms the site root paths cache that page.url reads
    few = queries_for_rebuild()
    for n in range(4):
        make_case(compendium, indicators, title=f"More {n}", slug=f"more-{n}", themes=["b"])
    assert queries_for_rebuild() == few


@pytest.mark.django_db
def test_rebuild_replays_publishing_that_happened_while_it_ran(compendium, indicators, three_cases):
    client = RecordingClient({"indices.exists_alias": True, "indices.get_alias": {OLD_INDEX: {}}})
    backend = ElasticsearchSearchBackend(client=client, bulk=recording_bulk)
    backend.batch_size = 2
    late = []

    def edit_during_rebuild(count):
        if not late:
            three_cases[0].unpublish()
            late.append(make_case(compendium, indicators, title="Late", slug="late"))

    backend.rebuild(progress=edit_during_rebuild)

    names = [call[0] for call in client.calls]
    swap = names.index("indices.update_aliases")
    assert names[swap + 1 :] == ["bulk", "bulk", "indices.delete"]
    replay, removal = client.calls[swap + 1], client.calls[swap + 2]
    new = client.calls[0][1]["index"]
    assert [(a["_index"], a["_id"]) for a in replay[1]] == [(new, late[0].pk)]
    assert removal[1] == [{"_op_type": "delete", "_index": "egov-cases", "_id": three_cases[0].pk}]


def test_a_fragment_that_is_not_html_encoded_is_escaped():
    hit = {"_id": "1", "_source": {}, "highlight": {"body": ["<script>x</script> <mark>y</mark>"]}}
    assert map_hit(hit).highlights == ["&lt;script&gt;x&lt;/script&gt; y"]
