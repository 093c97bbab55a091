"""Compendium search on Elasticsearch. Request bodies are built by pure functions (tested as
contracts without a server); the backend only sends them and maps the answers.

Faceting is disjunctive: facet filters go in `post_filter`, so hits honour every filter while
each facet's aggregation applies only the *other* facets' filters. Values of one facet are
ORed, facets are ANDed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import Q, Search

from search.backends.base import SearchBackend
from search.documents import (
    LANGUAGE_ANALYZERS,
    MULTILINGUAL_FIELDS,
    SPELLING_FIELD,
    CaseDocument,
    alias_name,
    case_index,
    new_index_name,
)
from search.extract import batches, indexable_cases
from search.facet_values import FACET_VALUES_SHOWN, facet_values
from search.facets import FACETS, FACETS_BY_NAME, Facet
from search.labels import facet_labels
from search.types import MAX_QUERY_LENGTH, Hit, SearchRequest, SearchResponse

logger = logging.getLogger(__name__)

# Text fields and their boosts; the multilingual ones are also searched in every language
# sub-field (title.en, title.fr, ...).
TEXT_FIELDS = {
    "title": 4,
    "summary": 2,
    "body": 1,
    "themes": 2,
    "indicator_names": 2,
    "place": 2,
    "contact_organisation": 1,
}
HIT_SOURCE_FIELDS = [
    "page_id",
    "title",
    "url",
    "summary",
    "country",
    "city",
    "year_started",
    "government_level",
    "language",
]
HIGHLIGHT_FIELDS = {
    "summary": {"number_of_fragments": 0},  # short: the whole summary, marked
    "body": {"fragment_size": 160, "number_of_fragments": 2},
}
SPELLING_SUGGESTION = "spelling"
TITLE_SUGGESTION = "titles"
REBUILD_BATCH_SIZE = 200


# Request bodies ------------------------------------------------------------------------


def search_fields() -> list[str]:
    fields = []
    for name, boost in TEXT_FIELDS.items():
        names = [name]
        if name in MULTILINGUAL_FIELDS:
            names += [f"{name}.{code}" for code in LANGUAGE_ANALYZERS]
        fields += [f"{field}^{boost}" if boost != 1 else field for field in names]
    return fields


def text_query(query: str) -> Q:
    """cross_fields treats a case's fields as one text (a word may be in the title, another
    in the body); fields are grouped by analyzer, so each language scores on its own stems.
    Short queries need every word, longer ones three quarters of them."""
    return Q(
        "multi_match",
        query=query,
        type="cross_fields",
        fields=search_fields(),
        minimum_should_match="2<75%",
    )


def facet_filter(facet: Facet, values: Iterable[str]) -> Q:
    terms = [int(value) for value in values] if facet.numeric else list(values)
    return Q("terms", **{facet.document_field: terms})


def filters_query(filters: Mapping[str, Iterable[str]]) -> Q:
    """AND across facets, OR within one (a `terms` query); match_all when nothing applies."""
    clauses = [
        facet_filter(FACETS_BY_NAME[name], values)
        for name, values in filters.items()
        if name in FACETS_BY_NAME and values
    ]
    return Q("bool", filter=clauses) if clauses else Q("match_all")


def _terms_order(facet: Facet):
    if facet.order_by_count:
        return [{"_count": "desc"}, {"_key": "asc"}]
    return {"_key": "asc"}


def build_search_body(request: SearchRequest) -> dict:
    search = Search().query(
        "bool", must=[text_query(request.query) if request.query else Q("match_all")]
    )
    if request.filters:
        search = search.post_filter(filters_query(request.filters))
    for facet in FACETS:
        bucket = search.aggs.bucket(
            facet.name, "filter", filter=filters_query(request.without(facet.name))
        )
        bucket.bucket(
            "values",
            "terms",
            field=facet.document_field,
            size=FACET_VALUES_SHOWN,
            order=_terms_order(facet),
        )
        selected = request.filters.get(facet.name)
        if selected:
            # Exact counts for chosen values even when they fall outside the top values.
            include = [int(value) for value in selected] if facet.numeric else list(selected)
            bucket.bucket(
                "selected",
                "terms",
                field=facet.document_field,
                include=include,
                size=len(include),
            )
    newest = [{"first_published_at": {"order": "desc"}}, {"page_id": {"order": "desc"}}]
    search = search.sort(*(newest if request.sort == "newest" else ["_score", *newest]))
    search = search[request.offset : request.offset + request.per_page]
    search = search.source(HIT_SOURCE_FIELDS).extra(track_total_hits=True)
    if request.query:
        search = search.highlight_options(
            encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"]
        )
        for field, options in HIGHLIGHT_FIELDS.items():
            # Elasticsearch 8.15+ merges the language sub-fields' matches into the
            # highlight, so stemmed matches ("cities" for "city") are marked too.
            matched = [f"{field}.{code}" for code in LANGUAGE_ANALYZERS]
            search = search.highlight(field, matched_fields=matched, **options)
        search = search.suggest(
            SPELLING_SUGGESTION,
            request.query,
            phrase={
                "field": SPELLING_FIELD,
                "size": 1,
                "gram_size": 3,
                "direct_generator": [{"field": SPELLING_FIELD, "suggest_mode": "always"}],
            },
        )
    return search.to_dict()


def build_index_body() -> dict:
    """Settings and mappings of a concrete case index (the name does not change the body)."""
    return case_index(alias_name()).to_dict()


def build_suggest_body(prefix: str, limit: int = 8) -> dict:
    """A suggest-only request: Elasticsearch then skips the query phase entirely."""
    return {
        "_source": ["title"],
        "suggest": {
            TITLE_SUGGESTION: {
                "prefix": prefix,
                "completion": {"field": "title_suggest", "size": limit, "skip_duplicates": True},
            }
        },
    }


# Responses -----------------------------------------------------------------------------


def _facet_counts(aggregations: Mapping, request: SearchRequest) -> dict[str, dict[str, int]]:
    counts = {}
    for facet in FACETS:
        aggregation = aggregations.get(facet.name, {})
        values = {
            str(bucket["key"]): bucket["doc_count"]
            for bucket in aggregation.get("values", {}).get("buckets", [])
        }
        for bucket in aggregation.get("selected", {}).get("buckets", []):
            values[str(bucket["key"])] = bucket["doc_count"]
        for value in request.filters.get(facet.name, ()):
            values.setdefault(value, 0)  # a chosen value stays visible at zero
        counts[facet.name] = values
    return counts


def _safe_fragment(fragment: str) -> str:
    """The html encoder escaped the text; trust a fragment only if nothing but <mark> tags
    remains, otherwise show it as plain text."""
    bare = fragment.replace("<mark>", "").replace("</mark>", "")
    if "<" in bare or ">" in bare:
        return escape(bare)
    return mark_safe(fragment)  # noqa: S308


def map_hit(raw: Mapping) -> Hit:
    source = raw.get("_source", {})
    highlight = raw.get("highlight", {})
    return Hit(
        page_id=int(source.get("page_id") or raw["_id"]),
        title=source.get("title", ""),
        url=source.get("url", ""),
        summary=source.get("summary", ""),
        country=source.get("country", ""),
        city=source.get("city", ""),
        year_started=source.get("year_started"),
        government_level=source.get("government_level", ""),
        language=source.get("language", ""),
        highlights=[
            _safe_fragment(fragment)
            for field in HIGHLIGHT_FIELDS
            for fragment in highlight.get(field, [])
        ],
        score=raw.get("_score"),
    )


def _spelling_suggestion(body: Mapping, query: str) -> str:
    for entry in body.get("suggest", {}).get(SPELLING_SUGGESTION, []):
        for option in entry.get("options", []):
            if option["text"].casefold() != query.casefold():
                return option["text"]
    return ""


def map_search_response(request: SearchRequest, body: Mapping, backend: str = "") -> SearchResponse:
    """A SearchResponse from an Elasticsearch search response body."""
    hits = body.get("hits", {})
    total = hits.get("total", 0)
    counts = _facet_counts(body.get("aggregations", {}), request)
    labels = facet_labels({name: list(values) for name, values in counts.items()})
    return SearchResponse(
        request=request,
        hits=[map_hit(raw) for raw in hits.get("hits", [])],
        total=total["value"] if isinstance(total, Mapping) else int(total),
        facets=facet_values(request, counts, labels),
        suggestion=_spelling_suggestion(body, request.query) if request.query else "",
        backend=backend,
    )


def map_suggest_response(body: Mapping) -> list[str]:
    titles = []
    for entry in body.get("suggest", {}).get(TITLE_SUGGESTION, []):
        for option in entry.get("options", []):
            title = option.get("_source", {}).get("title") or option["text"]
            if title not in titles:
                titles.append(title)
    return titles


# Backend -------------------------------------------------------------------------------


def _case_model():
    from best_practices.models import CaseStudyPage

    return CaseStudyPage


def _body(response) -> Mapping:
    return getattr(response, "body", response)


class ElasticsearchSearchBackend(SearchBackend):
    name = "elasticsearch"
    batch_size = REBUILD_BATCH_SIZE

    def __init__(self, client: Elasticsearch | None = None, bulk: Callable | None = None):
        """`client` and `bulk` (elasticsearch.helpers.bulk's signature) can be injected by
        tests; the client is otherwise made on first use, so importing needs no server."""
        self._client = client
        self._bulk = bulk or helpers.bulk
        self._index_ready = False

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            if not settings.ELASTICSEARCH_URL:
                raise ImproperlyConfigured("ELASTICSEARCH_URL is not set.")
            self._client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=30)
        return self._client

    # Reads ---------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        try:
            response = self.client.search(index=alias_name(), body=build_search_body(request))
        except NotFoundError:
            logger.warning("Search index %s is missing: run a rebuild.", alias_name())
            return map_search_response(request, {}, backend=self.name)
        return map_search_response(request, _body(response), backend=self.name)

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        prefix = " ".join(prefix.split())[:MAX_QUERY_LENGTH]
        if len(prefix) < 2:
            return []
        try:
            response = self.client.search(
                index=alias_name(), body=build_suggest_body(prefix, limit)
            )
        except NotFoundError:
            return []
        return map_suggest_response(_body(response))[:limit]

    # Writes --------------------------------------------------------------------------

    def ensure_index(self) -> str:
        """Create a first index behind the alias unless the alias exists: incremental writes
        before any rebuild must not auto-create an index with a guessed mapping."""
        alias = alias_name()
        if self._index_ready or self.client.indices.exists_alias(name=alias):
            self._index_ready = True
            return alias
        body = build_index_body()
        self.client.indices.create(
            index=new_index_name(),
            settings=body["settings"],
            mappings=body["mappings"],
            aliases={alias: {}},
        )
        self._index_ready = True
        return alias

    def _index_actions(self, index: str, pages: Iterable) -> Iterator[dict]:
        for page in pages:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": page.pk,
                "_source": CaseDocument.from_page(page).to_dict(),
            }

    def index_cases(self, cases: Iterable) -> None:
        """Index what is published now (reloaded from the database); cases that are no longer
        live or public are removed instead, so callers can pass any changed case."""
        ids = {case.pk for case in cases}
        if not ids:
            return
        pages = list(indexable_cases().filter(pk__in=ids))
        if pages:
            self._bulk(self.client, self._index_actions(self.ensure_index(), pages))
        self.remove_cases(ids - {page.pk for page in pages})

    def remove_cases(self, page_ids: Iterable[int]) -> None:
        actions = [
            {"_op_type": "delete", "_index": alias_name(), "_id": pk} for pk in sorted(page_ids)
        ]
        if actions:
            # 404: the case (or the whole index) was never there; nothing to remove.
            self._bulk(self.client, actions, ignore_status=(404,))

    def _alias_takeover(self, alias: str) -> tuple[list[dict], list[str]]:
        """Alias actions that detach whatever holds the public name now, and the indices to
        delete after the swap."""
        indices = self.client.indices
        if indices.exists_alias(name=alias):
            old = sorted(_body(indices.get_alias(name=alias)))
            return [{"remove": {"index": name, "alias": alias}} for name in old], old
        if indices.exists(index=alias):
            # A concrete index took the alias's name (a write before any index existed):
            # `remove_index` deletes it in the same atomic update.
            return [{"remove_index": {"index": alias}}], []
        return [], []

    def _delete_index(self, name: str) -> None:
        self.client.options(ignore_status=404).indices.delete(index=name)

    def _catch_up(self, index: str, since, indexed: set[int]) -> None:
        """Publishing or unpublishing while a rebuild ran wrote to the old index: replay those
        changes on the new one."""
        rows = list(_case_model().objects.live().public().values_list("pk", "last_published_at"))
        recent = {pk for pk, published_at in rows if published_at and published_at >= since}
        if recent:
            pages = indexable_cases().filter(pk__in=recent)
            self._bulk(self.client, self._index_actions(index, pages))
        if gone := indexed - {pk for pk, _ in rows}:
            self.remove_cases(gone)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Fill a new index, then move the alias to it in one `_aliases` update: readers see
        the old index until the new one is complete. progress(n) gets each batch's size."""
        alias = alias_name()
        new = new_index_name()
        body = build_index_body()
        started = timezone.now()
        self.client.indices.create(index=new, settings=body["settings"], mappings=body["mappings"])
        indexed: set[int] = set()
        try:
            for batch in batches(indexable_cases(), self.batch_size):
                self._bulk(self.client, self._index_actions(new, batch))
                indexed.update(page.pk for page in batch)
                if progress is not None:
                    progress(len(batch))
            self.client.indices.refresh(index=new)
            detach, old = self._alias_takeover(alias)
            self.client.indices.update_aliases(
                actions=[*detach, {"add": {"index": new, "alias": alias}}]
            )
        except BaseException:
            try:
                self._delete_index(new)
            except Exception:
                logger.exception("Could not delete the unfinished index %s.", new)
            raise
        self._index_ready = True
        self._catch_up(new, started, indexed)
        for name in old:
            self._delete_index(name)
        return len(indexed)
