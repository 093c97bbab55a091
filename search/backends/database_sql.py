"""The SQL of the database search backend: what differs between PostgreSQL (text search
with GIN indexes) and SQLite (FTS5) lives in the two dialects; the facet count statement is
shared. Identifiers come from constants and the indexer's facets; every value is a bound
parameter, and the text a reader types reaches either engine only as words
(search.types.words_of), never as query syntax."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.db import connection

from search.backends.base import ALL_WORDS
from search.backends.database_index import COMBINATION_TABLE, FTS_TABLE, TABLE, single_valued
from search.text import all_configs, query_parses

# Relevance on PostgreSQL: documents whose head (title, summary, place, themes) matches come
# first, ranked on that inline `head` vector; the best RESCORE_WINDOW of them are re-ranked on
# the full vector. Ranking every match on the full (out-of-line) vector would read every
# matching body: a third of a second for a word in most cases of a 100,000-case corpus.
RESCORE_WINDOW = 100
# SQLite FTS5 bm25 column weights: a (title), b (summary, place, themes), c (body), d (rest).
SQLITE_WEIGHTS = (10.0, 4.0, 1.0, 2.0)


@dataclass
class Clause:
    sql: str
    params: list = field(default_factory=list)


class Dialect(ABC):
    """The SQL that differs between PostgreSQL and SQLite; everything else is shared."""

    vendor = ""

    @abstractmethod
    def prepare(self, words: list[str], match: str) -> str | None:
        """Set this transaction up for a search and turn the words into this engine's text
        query: None without words, "" when nothing can match. At most one statement."""

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
        """Page ids in relevance order: one statement."""


class PostgresDialect(Dialect):
    vendor = "postgresql"

    def prepare(self, words: list[str], match: str) -> str | None:
        """One statement sets the transaction's planner options and parses the words.

        JIT compilation costs more than these short queries (it would start on the estimated
        cost of counting a large corpus and add a tenth of a second). With text, the planner
        cannot tell that a sequential scan would read every out-of-line vector; the GIN
        index answers in a fraction of the time. The words are parsed with every language's
        configuration at once (stems of any document language match), distinct parses only,
        and passed back as a constant, so the planner sees the real words."""
        settings = "set_config('jit', 'off', true)"
        if not words:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {settings}")
            return None
        text = " ".join(words) if match == ALL_WORDS else " or ".join(words)
        function = "plainto_tsquery" if match == ALL_WORDS else "websearch_to_tsquery"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {settings}, set_config('enable_seqscan', 'off', true), "
                f"(SELECT string_agg('( ' || parsed || ' )', ' | ' ORDER BY parsed) FROM "
                f"(SELECT DISTINCT CAST({function}(CAST(config AS regconfig), %s) AS text) "
                "AS parsed FROM unnest(CAST(%s AS text[])) AS config) AS parses "
                "WHERE parsed <> '')",
                [text, "{" + ",".join(all_configs()) + "}"],
            )
            parsed = cursor.fetchone()[-1]
        return parsed or ""

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
        """One statement: head matches ranked on the inline head vector (the best
        RESCORE_WINDOW re-ranked on the full vector), then, only when they run out before
        this page ends, documents that match in the full vector only. The body-only branch
        is guarded by a one-time condition on the head count, so PostgreSQL skips it when
        the head matches fill the page."""
        where = f" AND {filters.sql}" if filters.sql else ""
        query = "CAST(%s AS tsquery)"
        statement = (
            f"WITH head AS MATERIALIZED (SELECT d.page_id, ts_rank(d.head, {query}) AS rank "
            f"FROM {TABLE} d WHERE d.head @@ {query}{where} "
            "ORDER BY rank DESC, d.page_id LIMIT %s), "
            "numbered AS (SELECT page_id, row_number() OVER (ORDER BY rank DESC, page_id) AS n "
            "FROM head) "
            "SELECT page_id FROM ("
            f"SELECT n.page_id, CASE WHEN n.n <= %s THEN 0 ELSE 1 END AS tier, "
            f"CASE WHEN n.n <= %s THEN ts_rank(d.vector, {query}) ELSE 0 END AS score, "
            "CASE WHEN n.n <= %s THEN 0 ELSE n.n END AS position "
            f"FROM numbered n JOIN {TABLE} d ON d.page_id = n.page_id "
            "UNION ALL SELECT * FROM ("
            f"SELECT d.page_id, 2, ts_rank(d.vector, {query}), 0 FROM {TABLE} d "
            f"WHERE (SELECT COUNT(*) FROM head) < %s AND d.vector @@ {query} "
            f"AND NOT d.head @@ {query}{where} "
            "ORDER BY 3 DESC, d.page_id LIMIT %s) AS body"
            ") AS ranked ORDER BY tier, score DESC, position, page_id LIMIT %s OFFSET %s"
        )
        window = RESCORE_WINDOW
        params = [
            text,
            text,
            *filters.params,
            max(stop, window),
            window,
            window,
            text,
            window,
            text,
            stop,
            text,
            text,
            *filters.params,
            stop,
            stop - start,
            start,
        ]
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return [row[0] for row in cursor.fetchall()]


class SqliteDialect(Dialect):
    vendor = "sqlite"

    def prepare(self, words: list[str], match: str) -> str | None:
        """An FTS5 query of quoted stems, one parse per language ORed, as PostgreSQL reads
        them; no statement. Words are letters and digits only, so quoting is enough to keep
        anything a reader types from being FTS5 syntax."""
        if not words:
            return None
        parses = query_parses(words)
        if match != ALL_WORDS:
            stems = sorted({stem for parse in parses for stem in parse})
            return " OR ".join(f'"{stem}"' for stem in stems)
        groups = [" AND ".join(f'"{stem}"' for stem in parse) for parse in parses]
        return " OR ".join(f"({group})" for group in groups)

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


def facet_count_sql(indexer, sql: Dialect, text: str | None, flags: dict[str, Clause]):
    """Every facet counted over the documents that match the text and every *other* facet's
    filter, so choosing a value never hides its siblings; plus the total. One statement:
    `matched` holds the text matches that fail at most one filter, with a 0/1 flag per filter
    (f0, f1, ...); `main` is the rows that pass them all; `combos` groups `main` by facet
    combination (one integer: search.models.FacetCombination), so the single-valued facets
    are summed from a few thousand combinations, not from every row."""
    facets = indexer.facets
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
    columns += [f"d.{facet.document_field}" for facet in facets if facet.multi_valued]
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
    ctes.append(f"combos AS MATERIALIZED ({_by_combination(indexer, main)})")
    branches = ["SELECT '_total', NULL, COALESCE(SUM(n), 0) FROM combos"]
    unfiltered_lists = []
    for facet in facets:
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
                f"FROM ({_by_combination(indexer, chosen)}) AS chosen GROUP BY {column}"
            )
    if unfiltered_lists:
        branches.extend(sql.list_counts(unfiltered_lists, main))
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(branches)}", params


def _by_combination(indexer, source: str) -> str:
    """Rows of `source` counted per facet combination, with the combination's values."""
    singles = ", ".join(f"c.{facet.document_field}" for facet in single_valued(indexer))
    return (
        f"SELECT {singles}, counted.n FROM (SELECT combination_id, COUNT(*) AS n "
        f"FROM {source} AS rows GROUP BY combination_id) AS counted "
        f"JOIN {COMBINATION_TABLE} c ON c.id = counted.combination_id"
    )


def dialect() -> Dialect:
    return PostgresDialect() if connection.vendor == "postgresql" else SqliteDialect()
