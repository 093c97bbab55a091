"""Writes to the database backend's index (search.models.CaseSearchDocument, its text index
from migrations 0002/0003, and the spelling vocabulary search.models.SearchTerm). Column
values come from the registered indexer's documents: facet values by their
`document_field`, text by weight. Rows are replaced inside a transaction, so a reader sees
either the old row or the new one, and a rebuild is invisible until it commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from search import result_cache
from search.fields import IntegerListField
from search.registry import SearchDocument, batches
from search.text import config_for, stemmed, term_key, terms_of

TABLE = "search_casesearchdocument"
FTS_TABLE = f"{TABLE}_fts"
COMBINATION_TABLE = "search_facetcombination"
BATCH_SIZE = 500
INTEGER_LISTS = IntegerListField()  # converts the list columns for the connection's database
HEAD_LIST_ITEMS = 10  # the `head` vector is stored inline (migration 0002): its size is bounded
WEIGHTS = ("A", "B", "C", "D")


def single_valued(indexer):
    return [facet for facet in indexer.facets if not facet.multi_valued]


def multi_valued(indexer):
    return [facet for facet in indexer.facets if facet.multi_valued]


def check(indexer) -> None:
    """The table has a column per facet field (its shape is fixed by migrations, kept narrow
    for counting): refuse an indexer whose facets it cannot hold."""
    from search.models import CaseSearchDocument, FacetCombination

    columns = {field.column for field in CaseSearchDocument._meta.concrete_fields}
    combined = {field.column for field in FacetCombination._meta.concrete_fields}
    for facet in indexer.facets:
        holder = columns if facet.multi_valued else combined & columns
        if facet.document_field not in holder:
            raise ImproperlyConfigured(
                f"The database search index has no column for facet {facet.name!r} "
                f"({facet.document_field}); add one with a migration."
            )


def columns(indexer) -> list[str]:
    return [
        "page_id",
        "published_at",
        *(facet.document_field for facet in single_valued(indexer)),
        *(facet.document_field for facet in multi_valued(indexer)),
        "combination_id",
    ]


def combination_key(indexer, document: SearchDocument) -> str:
    values = [document.facets.get(facet.document_field) for facet in single_valued(indexer)]
    return "|".join("" if value is None else str(value) for value in values)


def _combination_ids(indexer, documents: list[SearchDocument]) -> dict[int, int]:
    """Page id -> id of its facet combination, creating the new combinations (concurrent
    writers may create the same one: the unique key makes the second insert a no-op)."""
    from search.models import FacetCombination

    keys = {document.page_id: combination_key(indexer, document) for document in documents}
    wanted = {keys[document.page_id]: document for document in documents}
    ids = dict(FacetCombination.objects.filter(key__in=wanted).values_list("key", "pk"))
    missing = [key for key in wanted if key not in ids]
    if missing:
        FacetCombination.objects.bulk_create(
            [
                FacetCombination(
                    key=key,
                    **{
                        facet.document_field: wanted[key].facets.get(facet.document_field)
                        for facet in single_valued(indexer)
                    },
                )
                for key in missing
            ],
            ignore_conflicts=True,
        )
        ids.update(FacetCombination.objects.filter(key__in=missing).values_list("key", "pk"))
    return {page_id: ids[key] for page_id, key in keys.items()}


def _row(indexer, document: SearchDocument, combination_id: int) -> list:
    return [
        document.page_id,
        document.published_at,
        *(document.facets.get(facet.document_field) for facet in single_valued(indexer)),
        *(
            INTEGER_LISTS.get_db_prep_value(
                document.facets.get(facet.document_field) or [], connection
            )
            for facet in multi_valued(indexer)
        ),
        combination_id,
    ]


def text_by_weight(indexer, document: SearchDocument, head_only: bool = False) -> dict[str, str]:
    """The document's text joined per weight (A-D); in the PostgreSQL `head`, list fields
    keep their first HEAD_LIST_ITEMS items."""
    parts: dict[str, list[str]] = {weight: [] for weight in WEIGHTS}
    for field in indexer.text_fields:
        value = document.text.get(field.name, "")
        if isinstance(value, list):
            value = "\n".join(value[:HEAD_LIST_ITEMS] if head_only else value)
        if value:
            parts[field.weight].append(value)
    return {weight: "\n".join(texts) for weight, texts in parts.items()}


def _postgres_insert(indexer) -> str:
    names = columns(indexer)
    # head: A and B (bounded, inline); vector: head, plus the full B lists, C and D.
    return (
        f"INSERT INTO {TABLE} ({', '.join(names)}, head, vector) "
        f"SELECT {', '.join(['%s'] * len(names))}, head.value, "
        "setweight(to_tsvector(config.name, %s), 'A') "
        "|| setweight(to_tsvector(config.name, %s), 'B') "
        "|| setweight(to_tsvector(config.name, %s), 'C') "
        "|| setweight(to_tsvector(config.name, %s), 'D') "
        "FROM (SELECT CAST(%s AS regconfig) AS name) config, LATERAL (SELECT "
        "setweight(to_tsvector(config.name, %s), 'A') "
        "|| setweight(to_tsvector(config.name, %s), 'B') AS value) head"
    )


def _sqlite_insert(indexer) -> str:
    names = columns(indexer)
    return f"INSERT INTO {TABLE} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"


SQLITE_TEXT_INSERT = f"INSERT INTO {FTS_TABLE} (rowid, a, b, c, d) VALUES (%s, %s, %s, %s, %s)"


def _write(cursor, indexer, documents: list[SearchDocument]) -> None:
    if not documents:
        return
    combinations = _combination_ids(indexer, documents)
    rows = [_row(indexer, document, combinations[document.page_id]) for document in documents]
    if connection.vendor == "postgresql":
        values = []
        for row, document in zip(rows, documents, strict=True):
            full = text_by_weight(indexer, document)
            head = text_by_weight(indexer, document, head_only=True)
            values.append(
                [
                    *row,
                    *(full[weight] for weight in WEIGHTS),
                    config_for(document.language),
                    head["A"],
                    head["B"],
                ]
            )
        cursor.executemany(_postgres_insert(indexer), values)
        return
    cursor.executemany(_sqlite_insert(indexer), rows)
    text_rows = []
    for document in documents:
        full = text_by_weight(indexer, document)
        text_rows.append(
            [document.page_id, *(stemmed(full[weight], document.language) for weight in WEIGHTS)]
        )
    cursor.executemany(SQLITE_TEXT_INSERT, text_rows)


def _delete(cursor, page_ids: list[int] | None) -> None:
    """Remove documents (all of them when page_ids is None); SQLite's trigger drops their
    text rows."""
    if page_ids is None:
        cursor.execute(f"DELETE FROM {TABLE}")
        return
    for start in range(0, len(page_ids), BATCH_SIZE):
        chunk = page_ids[start : start + BATCH_SIZE]
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE page_id IN ({', '.join(['%s'] * len(chunk))})", chunk
        )


# Vocabulary for spelling suggestions ---------------------------------------------------------


def document_terms(document: SearchDocument) -> set[str]:
    return set().union(*(terms_of(document.text_of(name)) for name in document.text))


def _add_terms(counts: Counter, replace: bool) -> None:
    """Store the vocabulary: a rebuild replaces it with exact document counts; an
    incremental write adds new terms only (counts are a tie-breaker between equally close
    corrections, exact again after the next rebuild)."""
    from search.models import SearchTerm

    if replace:
        SearchTerm.objects.all().delete()
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(
                term=term,
                key=term_key(term),
                first=term[0],
                size=len(term_key(term)),
                document_count=count,
            )
            for term, count in counts.items()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


# Entry points -----------------------------------------------------------------------------


def index(indexer, page_ids: Iterable[int]) -> int:
    """(Re)index the given pages as they are published now; those no longer indexable are
    removed instead, so callers can pass any changed page."""
    check(indexer)
    ids = sorted(set(page_ids))
    if not ids:
        return 0
    documents = [indexer.document(page) for page in indexer.indexable().filter(pk__in=ids)]
    with transaction.atomic(), connection.cursor() as cursor:
        _delete(cursor, ids)
        _write(cursor, indexer, documents)
        _add_terms(Counter(term for d in documents for term in document_terms(d)), False)
        result_cache.index_changed()
    return len(documents)


def remove(page_ids: Iterable[int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        _delete(cursor, sorted(set(page_ids)))
        result_cache.index_changed()


def rebuild(indexer, progress: Callable[[int], None] | None = None) -> int:
    """Replace the whole index in one transaction: readers keep the old rows until it
    commits, so there is never an empty window."""
    check(indexer)
    total = 0
    terms: Counter = Counter()
    with transaction.atomic(), connection.cursor() as cursor:
        _delete(cursor, None)
        for batch in batches(indexer.indexable(), BATCH_SIZE):
            documents = [indexer.document(page) for page in batch]
            _write(cursor, indexer, documents)
            for document in documents:
                terms.update(document_terms(document))
            total += len(batch)
            if progress is not None:
                progress(len(batch))
        _add_terms(terms, True)
        result_cache.index_changed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
    return total
