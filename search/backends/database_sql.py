"""The SQL of the database search backend: what differs between PostgreSQL (text search
with GIN indexes) and SQLite (FTS5) lives in the two dialects; the facet count statement is
shared. Identifiers come from constants and the facet list; every value is a bound
parameter."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.db import connection

from search.backends import database_index
from search.backends.database_index import COMBINATION_TABLE, FTS_TABLE, TABLE
from search.facets import FACETS

SINGLE_VALUED = tuple(facet for facet in FACETS if not facet.multi_valued)
# Relevance on PostgreSQL: cases whose title, summary, place or themes match come first,
# ranked on that inline `head` vector; the best RESCORE_WINDOW of them are then re-ranked on
# the full vector. Ranking every match on the full (out-of-line) vector would read every
# matching body: a third of a second for a word in most cases of a 100,000-case corpus.
RESCORE_WINDOW = 100
# SQLite FTS5 bm25 column weights: title, summary, extra (place, themes, indicators), body.
SQLITE_WEIGHTS = (10.0, 4.0, 2.0, 1.0)


def words_of(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())


@dataclass
class Clause:
    sql: str
    params: list = field(default_factory=list)


class Dialect(ABC):
    """The SQL that differs between PostgreSQL and SQLite; everything else is shared."""

    vendor = ""

    def tune(self, has_text: bool) -> None:  # noqa: B027 (optional: most dialects need none)
        """Settings for this search's transaction."""

    @abstractmethod
    def prepare_text(self, query: str, operator: str) -> str:
        """The words as this engine's query ("" when nothing can match)."""

    @abstractmethod
    def text_condition(self, text: str) -> Clause:
        """WHERE condition on `d` for rows matching the prepared text."""

    @abstractmethod
    def list_overlaps(self, column: str, values: list[int]) -> Clause:
        """WHERE condition on `d`: the list column holds any of the values."""

    @abstractmethod
    def list_counts(self, lists: list[tuple[str, str]], source: str) -> list[str]:
        """SELECT branches counting each element of the (facet name, list column) pairs over
        `source`, as (facet name, value as text, count) rows."""

    @abstractmethod
    def ranked_ids(self, text: str, filters: Clause, start: int, stop: int) -> list[int]:
        """Page ids in relevance order."""


class PostgresDialect(Dialect):
    vendor = "postgresql"

    def tune(self, has_text: bool) -> None:
        """JIT compilation costs more than these short queries (it would start on the
        estimated cost of counting a large corpus and add a tenth of a second). With text,
        the planner cannot tell that a sequential scan would read every out-of-line vector;
        the GIN index answers in a fraction of the time."""
        statements = ["SET LOCAL jit = off"]
        if has_text:
            statements.append("SET LOCAL enable_seqscan = off")
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def prepare_text(self, query: str, operator: str) -> str:
        """The query as tsquery text, parsed with every language's configuration at once
        (stems of any case language match) and passed back as a constant, so the planner
        sees the real words and estimates their frequency."""
        words = words_of(query)
        if not words:
            return ""
        text = " ".join(words) if operator == "and" else " or ".join(words)
        function = "plainto_tsquery" if operator == "and" else "websearch_to_tsquery"
        configs = sorted({*database_index.POSTGRES_CONFIGS.values(), database_index.DEFAULT_CONFIG})
        with connection.cursor() as cursor:
            # Distinct parses only: most configurations read most words alike, and each
            # repeated alternative would be one more GIN lookup.
            cursor.execute(
                f"SELECT DISTINCT CAST({function}(CAST(config AS regconfig), %s) AS text) "
                "FROM unnest(CAST(%s AS text[])) AS config",
                [text, "{" + ",".join(configs) + "}"],
            )
            parsed = sorted(row[0] for row in cursor.fetchall() if row[0])
        return " | ".join(f"( {query} )" for query in parsed)

    def text_condition(self, text: str) -> Clause:
        return Clause("d.vector @@ CAST(%s AS tsquery)", [text])

    def list_overlaps(self, column: str, values: list[int]) -> Clause:
        # An array literal in text: a Python list would be sent as smallint[] and cast to
        # integer[] on every row (ten times the cost of the overlap test itself).
        literal = "{" + ",".join(str(int(value)) for value in values) + "}"
        return Clause(f"d.{column} && CAST(%s AS integer[])", [literal])

    def list_counts(self, lists: list[tuple[str, str]], source: str) -> list[str]:
        """One pass for all lists: unnest them side by side (shorter lists pad with NULL)
        and count each with GROUPING SETS; padding falls in a NULL group, dropped."""
        names = [f"v{number}" for number in range(len(lists))]
        unnested = ", ".join(
            f"unnest(s.{column}) AS {name}" for name, (_, column) in zip(names, lists, strict=True)
        )
        label = " ".join(
            f"WHEN GROUPING({name}) = 0 THEN '{facet}'"
            for name, (facet, _) in zip(names, lists, strict=True)
        )
        value = " ".join(f"WHEN GROUPING({name}) = 0 THEN {name}" for name in names)
        sets = ", ".join(f"({name})" for name in names)
        return [
            f"SELECT CASE {label} END, CAST(CASE {value} END AS TEXT), COUNT(*) "
            f"FROM (SELECT {unnested} FROM {source} AS s) AS elements "
            f"GROUP BY GROUPING SETS ({sets})"
        ]

    def ranked_ids(self, text: str, filters: Clause, start: int, stop: int) -> list[int]:
        where = f" AND {filters.sql}" if filters.sql else ""
        with connection.cursor() as cursor:
            limit = max(stop, RESCORE_WINDOW)
            cursor.execute(
                f"SELECT d.page_id FROM {TABLE} d "
                f"WHERE d.head @@ CAST(%s AS tsquery){where} "
                "ORDER BY ts_rank(d.head, CAST(%s AS tsquery)) DESC, d.page_id LIMIT %s",
                [text, *filters.params, text, limit],
            )
            head_ids = [row[0] for row in cursor.fetchall()]
            window = head_ids[:RESCORE_WINDOW]
            if window:
                cursor.execute(
                    f"SELECT d.page_id FROM {TABLE} d WHERE d.page_id = ANY(%s) "
                    "ORDER BY ts_rank(d.vector, CAST(%s AS tsquery)) DESC, d.page_id",
                    [window, text],
                )
                head_ids[: len(window)] = [row[0] for row in cursor.fetchall()]
            ids = head_ids[start:stop]
            if len(head_ids) >= stop:
                return ids
            # Every head match was fetched (limit >= stop) and they run out on this page: the
            # rest of it comes from cases that match in the body only.
            head_total = len(head_ids)
            cursor.execute(
                f"SELECT d.page_id FROM {TABLE} d WHERE d.vector @@ CAST(%s AS tsquery) "
                f"AND NOT d.head @@ CAST(%s AS tsquery){where} "
                "ORDER BY ts_rank(d.vector, CAST(%s AS tsquery)) DESC, d.page_id "
                "LIMIT %s OFFSET %s",
                [
                    text,
                    text,
                    *filters.params,
                    text,
                    stop - max(start, head_total),
                    max(0, start - head_total),
                ],
            )
            return ids + [row[0] for row in cursor.fetchall()]


class SqliteDialect(Dialect):
    vendor = "sqlite"

    def prepare_text(self, query: str, operator: str) -> str:
        """An FTS5 query of quoted words: nothing a reader types is FTS5 syntax."""
        words = [f'"{word}"' for word in words_of(query)]
        return (" " if operator == "and" else " OR ").join(words)

    def text_condition(self, text: str) -> Clause:
        return Clause(
            f"d.page_id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", [text]
        )

    def list_overlaps(self, column: str, values: list[int]) -> Clause:
        marks = ", ".join(["%s"] * len(values))
        return Clause(
            f"EXISTS (SELECT 1 FROM json_each(d.{column}) AS item WHERE item.value IN ({marks}))",
            list(values),
        )

    def list_counts(self, lists: list[tuple[str, str]], source: str) -> list[str]:
        return [
            f"SELECT '{facet}', CAST(item.value AS TEXT), COUNT(*) "
            f"FROM {source} AS s, json_each(s.{column}) AS item GROUP BY item.value"
            for facet, column in lists
        ]

    def ranked_ids(self, text: str, filters: Clause, start: int, stop: int) -> list[int]:
        where = f" AND {filters.sql}" if filters.sql else ""
        weights = ", ".join(str(weight) for weight in SQLITE_WEIGHTS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT f.rowid FROM {FTS_TABLE} f JOIN {TABLE} d ON d.page_id = f.rowid "
                f"WHERE {FTS_TABLE} MATCH %s{where} "
                f"ORDER BY bm25({FTS_TABLE}, {weights}), f.rowid LIMIT %s OFFSET %s",
                [text, *filters.params, stop - start, start],
            )
            return [row[0] for row in cursor.fetchall()]


def facet_count_sql(sql: Dialect, text: str | None, flags: dict[str, Clause]):
    """Every facet counted over the cases that match the text and every *other* facet's
    filter, so choosing a value never hides its siblings; plus the total. One statement:
    `matched` holds the text matches that fail at most one filter, with a 0/1 flag per filter
    (f0, f1, ...); `main` is the rows that pass them all; `combos` groups `main` by facet
    combination (one integer: search.models.FacetCombination), so the single-valued facets
    are summed from a few thousand combinations, not from every row."""
    names = list(flags)
    flag_sql = [f"CASE WHEN {flag.sql} THEN 1 ELSE 0 END" for flag in flags.values()]
    flag_params = [param for flag in flags.values() for param in flag.params]
    conditions, params = [], list(flag_params)  # the flag columns come first in the SELECT
    if text is not None:
        clause = sql.text_condition(text)
        conditions.append(clause.sql)
        params.extend(clause.params)
    if text is None and len(flags) > 1:
        # "Fails at most one filter", spelled as OR of AND so each filter's index is used.
        # (With text, the GIN index alone finds the rows: offered the filters' indexes too,
        # the planner would test the text on every row they give, reading each vector.)
        clauses = list(flags.values())
        alternatives = []
        for left_out in range(len(clauses)):
            kept = [clause for number, clause in enumerate(clauses) if number != left_out]
            alternatives.append("(" + " AND ".join(clause.sql for clause in kept) + ")")
            params.extend(param for clause in kept for param in clause.params)
        conditions.append("(" + " OR ".join(alternatives) + ")")
    columns = ["d.combination_id"]
    columns += [f"d.{facet.document_field}" for facet in FACETS if facet.multi_valued]
    columns += [f"{flag} AS f{number}" for number, flag in enumerate(flag_sql)]
    ctes = [
        f"matched AS MATERIALIZED (SELECT {', '.join(columns)} FROM {TABLE} d "
        f"WHERE {' AND '.join(conditions) or '1 = 1'})"
    ]
    main = "matched"
    if flags:  # without filters every matched row counts: no second copy
        every_flag = " AND ".join(f"f{number} = 1" for number in range(len(flags)))
        ctes.append(f"main AS MATERIALIZED (SELECT * FROM matched WHERE {every_flag})")
        main = "main"
    ctes.append(f"combos AS MATERIALIZED ({_by_combination(main)})")
    branches = ["SELECT '_total', NULL, COALESCE(SUM(n), 0) FROM combos"]
    unfiltered_lists = []
    for facet in FACETS:
        column = facet.document_field
        if facet.name not in flags:
            if facet.multi_valued:
                unfiltered_lists.append((facet.name, column))
            else:
                branches.append(
                    f"SELECT '{facet.name}', CAST({column} AS TEXT), SUM(n) FROM combos "
                    f"GROUP BY {column}"
                )
            continue
        number = names.index(facet.name)
        others = [f"f{n} = 1" for n in range(len(flags)) if n != number]
        chosen = f"(SELECT * FROM matched WHERE {' AND '.join(others) or '1 = 1'})"
        if facet.multi_valued:
            branches.extend(sql.list_counts([(facet.name, column)], chosen))
        else:
            branches.append(
                f"SELECT '{facet.name}', CAST({column} AS TEXT), SUM(n) "
                f"FROM ({_by_combination(chosen)}) AS chosen GROUP BY {column}"
            )
    if unfiltered_lists:
        branches.extend(sql.list_counts(unfiltered_lists, main))
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(branches)}", params


def _by_combination(source: str) -> str:
    """Rows of `source` counted per facet combination, with the combination's values."""
    singles = ", ".join(f"c.{facet.document_field}" for facet in SINGLE_VALUED)
    return (
        f"SELECT {singles}, counted.n FROM (SELECT combination_id, COUNT(*) AS n "
        f"FROM {source} AS rows GROUP BY combination_id) AS counted "
        f"JOIN {COMBINATION_TABLE} c ON c.id = counted.combination_id"
    )


def dialect() -> Dialect:
    return PostgresDialect() if connection.vendor == "postgresql" else SqliteDialect()
