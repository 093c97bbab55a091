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

from search import registry, result_cache
from search.backends.base import ALL_WORDS, SearchBackend, page_ids
from search.documents import (
    LANGUAGE_ANALYZERS,
    SPELLING_FIELD,
    SUGGEST_FIELD,
    alias_name,
    display_fields,
    document_index,
    document_source,
    multilingual_fields,
    new_index_name,
)
from search.facet_values import FACET_VALUES_SHOWN, facet_values
from search.registry import NEWEST, Facet, batches
from search.types import Hit, SearchRequest, SearchResponse, words_of

logger = logging.getLogger(__name__)

HIGHLIGHT_FIELDS = {
    "summary": {"number_of_fragments": 0},  # short: the whole summary, marked
    "body": {"fragment_size": 160, "number_of_fragments": 2},
}
SPELLING_SUGGESTION = "spelling"
TITLE_SUGGESTION = "titles"
REBUILD_BATCH_SIZE = 200


# Request bodies ------------------------------------------------------------------------


def search_fields(indexer) -> list[str]:
    fields = []
    multilingual = multilingual_fields(indexer)
    for field in indexer.text_fields:
        names = [field.name]
        if field.name in multilingual:
            names += [f"{field.name}.{code}" for code in LANGUAGE_ANALYZERS]
        fields += [f"{name}^{field.boost}" if field.boost != 1 else name for name in names]
    return fields


def text_query(indexer, request: SearchRequest, match: str = ALL_WORDS) -> Q:
    """cross_fields treats a document's fields as one text (a word may be in the title,
    another in the body); fields are grouped by analyzer, so each language scores on its own
    stems. Every word is required, as on the database backend; the service layer asks again
    with any word when nothing has them all. Only the words are sent (never query syntax)."""
    return Q(
        "multi_match",
        query=" ".join(request.words),
        type="cross_fields",
        fields=search_fields(indexer),
        operator="and" if match == ALL_WORDS else "or",
    )


def facet_filter(facet: Facet, values: Iterable[str]) -> Q:
    terms = [int(value) for value in values] if facet.numeric else list(values)
    return Q("terms", **{facet.document_field: terms})


def filters_query(indexer, filters: Mapping[str, Iterable[str]]) -> Q:
    """AND across facets, OR within one (a `terms` query); match_all when nothing applies."""
    facets = indexer.facets_by_name
    clauses = [
        facet_filter(facets[name], values)
        for name, values in filters.items()
        if name in facets and values
    ]
    return Q("bool", filter=clauses) if clauses else Q("match_all")


def _terms_order(facet: Facet):
    if facet.order_by_count:
        return [{"_count": "desc"}, {"_key": "asc"}]
    return {"_key": "asc"}


def build_search_body(request: SearchRequest, indexer=None, match: str = ALL_WORDS) -> dict:
    indexer = indexer or registry.default()
    has_words = bool(request.words)
    search = Search().query(
        "bool", must=[text_query(indexer, request, match) if has_words else Q("match_all")]
    )
    if request.filters:
        search = search.post_filter(filters_query(indexer, request.filters))
    for facet in indexer.facets:
        bucket = search.aggs.bucket(
            facet.name, "filter", filter=filters_query(indexer, request.without(facet.name))
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
    newest = [{"published_at": {"order": "desc"}}, {"page_id": {"order": "desc"}}]
    relevance = has_words and request.sort != NEWEST
    search = search.sort(*(["_score", *newest] if relevance else newest))
    search = search[request.offset : request.offset + request.per_page]
    search = search.source(["page_id", *display_fields(indexer)]).extra(track_total_hits=True)
    if has_words:
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
            " ".join(request.words),
            phrase={
                "field": SPELLING_FIELD,
                "size": 1,
                "gram_size": 3,
                "direct_generator": [{"field": SPELLING_FIELD, "suggest_mode": "always"}],
            },
        )
    return search.to_dict()


def build_index_body(indexer=None) -> dict:
    """Settings and mappings of a concrete index (the name does not change the body)."""
    indexer = indexer or registry.default()
    return document_index(indexer, alias_name(indexer)).to_dict()


def build_suggest_body(prefix: str, limit: int = 8) -> dict:
    """A suggest-only request: Elasticsearch then skips the query phase entirely."""
    return {
        "_source": ["title"],
        "suggest": {
            TITLE_SUGGESTION: {
                "prefix": prefix,
                "completion": {"field": SUGGEST_FIELD, "size": limit, "skip_duplicates": True},
            }
        },
    }


# Responses -----------------------------------------------------------------------------


def _facet_counts(indexer, aggregations: Mapping, request: SearchRequest):
    counts = {}
    for facet in indexer.facets:
        aggregation = aggregations.get(facet.name, {})
        values = {
            str(bucket["key"]): bucket["doc_count"]
            for bucket in aggregation.get("values", {}).get("buckets", [])
        }
        for bucket in aggregation.get("selected", {}).get("buckets", []):
            values[str(bucket["key"])] = bucket["doc_count"]
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
    source = dict(raw.get("_source", {}))
    highlight = raw.get("highlight", {})
    page_id = int(source.pop("page_id", None) or raw["_id"])
    return Hit.from_display(
        page_id,
        source,
        highlights=[
            _safe_fragment(fragment)
            for field in HIGHLIGHT_FIELDS
            for fragment in highlight.get(field, [])
        ],
        score=raw.get("_score"),
    )


def _spelling_suggestion(body: Mapping, request: SearchRequest) -> str:
    asked = " ".join(request.words)
    for entry in body.get("suggest", {}).get(SPELLING_SUGGESTION, []):
        for option in entry.get("options", []):
            if option["text"].casefold() != asked.casefold():
                return option["text"]
    return ""


def map_search_response(
    request: SearchRequest, body: Mapping, backend: str = "", indexer=None
) -> SearchResponse:
    """A SearchResponse from an Elasticsearch search response body."""
    indexer = indexer or registry.default()
    hits = body.get("hits", {})
    total = hits.get("total", 0)
    counts = _facet_counts(indexer, body.get("aggregations", {}), request)
    return SearchResponse(
        request=request,
        hits=[map_hit(raw) for raw in hits.get("hits", [])],
        total=total["value"] if isinstance(total, Mapping) else int(total),
        facets=facet_values(indexer, request, counts),
        suggestion=_spelling_suggestion(body, request) if request.words else "",
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
        self._index_ready: set[str] = set()

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            if not settings.ELASTICSEARCH_URL:
                raise ImproperlyConfigured("ELASTICSEARCH_URL is not set.")
            self._client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=30)
        return self._client

    # Reads ---------------------------------------------------------------------------

    def search(self, request: SearchRequest, indexer=None, match: str = ALL_WORDS):
        indexer = indexer or registry.default()
        try:
            response = self.client.search(
                index=alias_name(indexer), body=build_search_body(request, indexer, match)
            )
        except NotFoundError:
            logger.warning("Search index %s is missing: run a rebuild.", alias_name(indexer))
            return map_search_response(request, {}, backend=self.name, indexer=indexer)
        return map_search_response(request, _body(response), backend=self.name, indexer=indexer)

    def suggest(self, prefix: str, indexer=None, limit: int = 8) -> list[str]:
        indexer = indexer or registry.default()
        prefix = " ".join(words_of(prefix))
        if len(prefix) < 2:
            return []
        try:
            response = self.client.search(
                index=alias_name(indexer), body=build_suggest_body(prefix, limit)
            )
        except NotFoundError:
            return []
        return map_suggest_response(_body(response))[:limit]

    # Writes --------------------------------------------------------------------------

    def ensure_index(self, indexer) -> str:
        """Create a first index behind the alias unless the alias exists: incremental writes
        before any rebuild must not auto-create an index with a guessed mapping."""
        alias = alias_name(indexer)
        if alias in self._index_ready or self.client.indices.exists_alias(name=alias):
            self._index_ready.add(alias)
            return alias
        body = build_index_body(indexer)
        self.client.indices.create(
            index=new_index_name(indexer),
            settings=body["settings"],
            mappings=body["mappings"],
            aliases={alias: {}},
        )
        self._index_ready.add(alias)
        return alias

    def _index_actions(self, indexer, index: str, pages: Iterable) -> Iterator[dict]:
        for page in pages:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": page.pk,
                "_source": document_source(indexer, page),
            }

    def index(self, pages: Iterable, indexer=None) -> int:
        """Index what is published now (reloaded from the database); pages that are no
        longer indexable are removed instead, so callers can pass any changed page."""
        indexer = indexer or registry.default()
        ids = set(page_ids(pages))
        if not ids:
            return 0
        found = list(indexer.indexable().filter(pk__in=ids))
        if found:
            alias = self.ensure_index(indexer)
            # wait_for: the answer cache generation moves on below, so the next search must
            # already see the change (these writes run in a background task).
            self._bulk(self.client, self._index_actions(indexer, alias, found), refresh="wait_for")
        self.remove(ids - {page.pk for page in found}, indexer)
        result_cache.index_changed(transactional=False)
        return len(found)

    def remove(self, pages: Iterable, indexer=None) -> None:
        indexer = indexer or registry.default()
        alias = alias_name(indexer)
        actions = [{"_op_type": "delete", "_index": alias, "_id": pk} for pk in page_ids(pages)]
        if actions:
            # 404: the document (or the whole index) was never there; nothing to remove.
            self._bulk(self.client, actions, ignore_status=(404,), refresh="wait_for")
            result_cache.index_changed(transactional=False)

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

    def _catch_up(self, indexer, index: str, since, indexed: set[int]) -> None:
        """Publishing or unpublishing while a rebuild ran wrote to the old index: replay those
        changes on the new one."""
        rows = list(indexer.queryset().values_list("pk", "last_published_at"))
        recent = {pk for pk, published_at in rows if published_at and published_at >= since}
        if recent:
            pages = indexer.indexable().filter(pk__in=recent)
            self._bulk(self.client, self._index_actions(indexer, index, pages))
        if gone := indexed - {pk for pk, _ in rows}:
            self.remove(gone, indexer)

    def rebuild(self, indexer=None, progress: Callable[[int], None] | None = None) -> int:
        """Fill a new index, then move the alias to it in one `_aliases` update: readers see
        the old index until the new one is complete. progress(n) gets each batch's size."""
        indexer = indexer or registry.default()
        alias = alias_name(indexer)
        new = new_index_name(indexer)
        body = build_index_body(indexer)
        started = timezone.now()
        self.client.indices.create(index=new, settings=body["settings"], mappings=body["mappings"])
        indexed: set[int] = set()
        try:
            for batch in batches(indexer.indexable(), self.batch_size):
                self._bulk(self.client, self._index_actions(indexer, new, batch))
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
        self._index_ready.add(alias)
        self._catch_up(indexer, new, started, indexed)
        for name in old:
            self._delete_index(name)
        result_cache.index_changed(transactional=False)
        return len(indexed)
