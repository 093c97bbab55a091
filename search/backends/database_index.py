"""Writes to the database backend's index (search.models.CaseSearchDocument and its text
index, see migration 0002). Rows are replaced inside a transaction, so a reader sees either
the old row or the new one, and a rebuild is invisible until it commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from search import result_cache
from search.extract import CaseFields, batches, case_fields, indexable_cases
from search.fields import IntegerListField

TABLE = "search_casesearchdocument"
FTS_TABLE = f"{TABLE}_fts"
COMBINATION_TABLE = "search_facetcombination"
BATCH_SIZE = 500
INTEGER_LISTS = IntegerListField()  # converts the list columns for the connection's database
HEAD_THEMES = 10  # the `head` vector is stored inline (migration 0002): its size is bounded

# PostgreSQL text search configuration per case language (each stems its own language);
# languages without one use "simple" (lower-cased words, no stemming, no stop words).
POSTGRES_CONFIGS = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "ar": "arabic",
    "ru": "russian",
    "pt": "portuguese",
    "id": "indonesian",
    "de": "german",
    "it": "italian",
    "tr": "turkish",
}
DEFAULT_CONFIG = "simple"

COLUMNS = (
    "page_id",
    "language",
    "country",
    "region",
    "year_started",
    "government_level",
    "published_at",
    "indicators",
    "dimensions",
    "sdgs",
    "combination_id",
)

# One row: the facet columns, then `head` (title A; summary, place and themes B) and
# `vector` (head, plus body C and indicator names and contact organisation D).
POSTGRES_INSERT = (
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}, head, vector) "
    f"SELECT {', '.join(['%s'] * len(COLUMNS))}, head.value, head.value "
    "|| setweight(to_tsvector(config.name, %s), 'C') "
    "|| setweight(to_tsvector(config.name, %s), 'D') "
    "FROM (SELECT CAST(%s AS regconfig) AS name) config, LATERAL (SELECT "
    "setweight(to_tsvector(config.name, %s), 'A') "
    "|| setweight(to_tsvector(config.name, %s), 'B') AS value) head"
)
SQLITE_INSERT = (
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
)
SQLITE_TEXT_INSERT = (
    f"INSERT INTO {FTS_TABLE} (rowid, title, summary, extra, body) VALUES (%s, %s, %s, %s, %s)"
)


def postgres_config(language: str) -> str:
    return POSTGRES_CONFIGS.get(language, DEFAULT_CONFIG)


def _combination_ids(documents: list[CaseFields]) -> dict[int, int]:
    """Page id -> id of its facet combination, creating the new combinations (concurrent
    writers may create the same one: the unique key makes the second insert a no-op)."""
    from search.models import FacetCombination

    keys = {
        fields.page_id: FacetCombination.key_for(
            fields.country,
            fields.region,
            fields.year_started,
            fields.government_level,
            fields.language,
        )
        for fields in documents
    }
    wanted = {key: fields for fields, key in zip(documents, keys.values(), strict=True)}
    ids = dict(FacetCombination.objects.filter(key__in=wanted).values_list("key", "pk"))
    missing = [key for key in wanted if key not in ids]
    if missing:
        FacetCombination.objects.bulk_create(
            [
                FacetCombination(
                    key=key,
                    country=wanted[key].country,
                    region=wanted[key].region,
                    year_started=wanted[key].year_started,
                    government_level=wanted[key].government_level,
                    language=wanted[key].language,
                )
                for key in missing
            ],
            ignore_conflicts=True,
        )
        ids.update(FacetCombination.objects.filter(key__in=missing).values_list("key", "pk"))
    return {page_id: ids[key] for page_id, key in keys.items()}


def _facet_values(fields: CaseFields, combination_id: int) -> list:
    return [
        fields.page_id,
        fields.language,
        fields.country,
        fields.region,
        fields.year_started,
        fields.government_level,
        fields.first_published_at,
        *(
            INTEGER_LISTS.get_db_prep_value(values, connection)
            for values in (fields.indicators, fields.dimensions, fields.sdgs)
        ),
        combination_id,
    ]


def _head_extra(fields: CaseFields) -> str:
    return "\n".join([fields.summary, fields.place, *fields.themes[:HEAD_THEMES]])


def _tail(fields: CaseFields) -> str:
    return "\n".join([*fields.indicator_names, fields.contact_organisation])


def _write(cursor, documents: list[CaseFields]) -> None:
    combinations = _combination_ids(documents)
    if connection.vendor == "postgresql":
        cursor.executemany(
            POSTGRES_INSERT,
            [
                [
                    *_facet_values(fields, combinations[fields.page_id]),
                    fields.body,
                    _tail(fields),
                    postgres_config(fields.language),
                    fields.title,
                    _head_extra(fields),
                ]
                for fields in documents
            ],
        )
        return
    cursor.executemany(
        SQLITE_INSERT, [_facet_values(fields, combinations[fields.page_id]) for fields in documents]
    )
    cursor.executemany(
        SQLITE_TEXT_INSERT,
        [
            (
                fields.page_id,
                fields.title,
                fields.summary,
                "\n".join([fields.place, *fields.themes, _tail(fields)]),
                fields.body,
            )
            for fields in documents
        ],
    )


def _delete(cursor, page_ids: list[int] | None) -> None:
    """Remove documents (all of them when page_ids is None); SQLite's trigger drops their
    text rows."""
    if page_ids is None:
        cursor.execute(f"DELETE FROM {TABLE}")
        return
    for start in range(0, len(page_ids), BATCH_SIZE):
        chunk = page_ids[start : start + BATCH_SIZE]
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE page_id IN ({', '.join(['%s'] * len(chunk))})",
            chunk,
        )


def index_cases(cases: Iterable) -> None:
    """(Re)index the given cases as they are published now; those no longer live or public
    are removed instead, so callers can pass any changed case."""
    ids = sorted({case.pk for case in cases})
    if not ids:
        return
    pages = list(indexable_cases().filter(pk__in=ids))
    with transaction.atomic(), connection.cursor() as cursor:
        _delete(cursor, ids)
        _write(cursor, [case_fields(page) for page in pages])
        result_cache.index_changed()


def remove_cases(page_ids: Iterable[int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        _delete(cursor, sorted(set(page_ids)))
        result_cache.index_changed()


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Replace the whole index in one transaction: readers keep the old rows until it
    commits, so there is never an empty window."""
    total = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _delete(cursor, None)
        for batch in batches(indexable_cases(), BATCH_SIZE):
            _write(cursor, [case_fields(page) for page in batch])
            total += len(batch)
            if progress is not None:
                progress(len(batch))
        result_cache.index_changed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
    return total
