"""Compendium search on the database's own full-text engine: PostgreSQL text search or SQLite
FTS5, over the narrow index table search.models.CaseSearchDocument (written by
database_index.py).

One request costs three statements: the facet counts and the total (one statement, one pass
over the matching rows), the page of hit ids, and the pages for those ids."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

from search import result_cache
from search.backends import database_index
from search.backends.base import SearchBackend
from search.backends.database_index import FTS_TABLE, TABLE
from search.extract import body_text
from search.facet_values import facet_values
from search.facets import FACETS, FACETS_BY_NAME, Facet
from search.highlight import highlight_snippets
from search.labels import facet_labels
from search.types import Hit, SearchRequest, SearchResponse

SINGLE_VALUED = tuple(facet for facet in FACETS if not facet.multi_valued)
# Relevance on PostgreSQL: cases whose title, summary, place or themes match come first,
# ranked on that inline `head` vector; the best RESCORE_WINDOW of them are then re-ranked on
# the full vector. Ranking every match on the full (out-of-line) vector would read every
# matching body: a third of a second for a word in most cases of a 100,000-case corpus.
RESCORE_WINDOW = 100
# SQLite FTS5 bm25 column weights: title, summary, extra (place, themes, indicators), body.
SQLITE_WEIGHTS = (10.0, 4.0, 2.0, 1.0)


def _case_model():
    from best_practices.models import CaseStudyPage

    return CaseStudyPage


def _words(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())


@dataclass
class Clause:
    sql: str
    params: list = field(default_factory=list)


class Dialect:
    """The SQL that differs between PostgreSQL and SQLite; everything else is shared."""

    vendor = ""

    def tune(self, has_text: bool) -> None:
        """Settings for this search's transaction."""

    def text_condition(self, text) -> Clause:
        raise NotImplementedError

    def list_overlaps(self, column: str, values: list[int]) -> Clause:
        raise NotImplementedError

    def list_counts(self, lists: list[tuple[str, str]], source: str) -> list[str]:
        """SELECT branches counting each element of the (facet name, list column) pairs over
        `source`, as (facet name, value as text, count) rows."""
        raise NotImplementedError

    def prepare_text(self, query: str, operator: str):
        raise NotImplementedError

    def ranked_ids(self, text, filters: Clause, start: int, stop: int) -> list[int]:
        raise NotImplementedError


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
        words = _words(query)
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
            # The head matches run out on this page: the rest match in the body only.
            head_total = len(head_ids)
            if head_total == limit:  # more head matches than fetched: count them
                cursor.execute(
                    f"SELECT COUNT(*) FROM {TABLE} d WHERE d.head @@ CAST(%s AS tsquery){where}",
                    [text, *filters.params],
                )
                head_total = cursor.fetchone()[0]
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
        words = [f'"{word}"' for word in _words(query)]
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
    (f0, f1, ...); `main` is the rows that pass them all; `combos` groups `main` by every
    single-valued facet at once, so those facets are summed from a few thousand rows."""
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
    columns = [f"d.{facet.document_field}" for facet in FACETS]
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
    singles = ", ".join(facet.document_field for facet in SINGLE_VALUED)
    ctes.append(
        f"combos AS MATERIALIZED (SELECT {singles}, COUNT(*) AS n FROM {main} GROUP BY {singles})"
    )
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
                f"SELECT '{facet.name}', CAST({column} AS TEXT), COUNT(*) "
                f"FROM {chosen} AS chosen GROUP BY {column}"
            )
    if unfiltered_lists:
        branches.extend(sql.list_counts(unfiltered_lists, main))
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(branches)}", params


def dialect() -> Dialect:
    return PostgresDialect() if connection.vendor == "postgresql" else SqliteDialect()


class DatabaseSearchBackend(SearchBackend):
    name = "database"

    # Reads -----------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        sql = dialect()
        answer = result_cache.cached(sql.vendor, request, lambda: self._answer(sql, request))
        counts, total, any_word, ids = answer
        labels = facet_labels({name: list(values) for name, values in counts.items()}, request)
        pages = _case_model().objects.in_bulk(ids)
        return SearchResponse(
            request=request,
            hits=[self._hit(pages[pk], request.query) for pk in ids if pk in pages],
            total=total,
            facets=facet_values(request, counts, labels),
            backend=self.name,
            any_word=any_word,
        )

    def _answer(self, sql: Dialect, request: SearchRequest):
        """(facet counts, total, whether any word was enough, hit ids of the page)."""
        operator = "and"
        with transaction.atomic():
            sql.tune(has_text=bool(request.query))
            text = self._text(sql, request, operator)
            counts, total = self._counts(sql, request, text)
            if text is not None and not total and request.page == 1:
                operator = "or"  # no case has every word: fall back to any word, ranked
                text = self._text(sql, request, operator)
                counts, total = self._counts(sql, request, text)
            ids = self._page_ids(sql, request, text)
        return counts, total, operator == "or", ids

    def _text(self, sql: Dialect, request: SearchRequest, operator: str):
        """The prepared text query; None when there is no text to match."""
        return sql.prepare_text(request.query, operator) if _words(request.query) else None

    def _filter(self, sql: Dialect, facet: Facet, values) -> Clause:
        column = facet.document_field
        if facet.multi_valued:
            return sql.list_overlaps(column, [int(value) for value in values])
        typed = [int(value) for value in values] if facet.numeric else list(values)
        return Clause(f"d.{column} IN ({', '.join(['%s'] * len(typed))})", typed)

    def _filters(self, sql: Dialect, filters: dict) -> Clause:
        clauses = [
            self._filter(sql, FACETS_BY_NAME[name], values) for name, values in filters.items()
        ]
        return Clause(
            " AND ".join(clause.sql for clause in clauses),
            [param for clause in clauses for param in clause.params],
        )

    def _counts(self, sql: Dialect, request: SearchRequest, text: str | None):
        """Counts for every facet and the total, from one statement (facet_count_sql)."""
        if text == "":
            return {facet.name: {} for facet in FACETS}, 0
        flags = {
            name: self._filter(sql, FACETS_BY_NAME[name], values)
            for name, values in request.filters.items()
        }
        statement, params = facet_count_sql(sql, text, flags)
        counts: dict[str, dict[str, int]] = {facet.name: {} for facet in FACETS}
        total = 0
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            for name, value, count in cursor.fetchall():
                if name == "_total":
                    total = int(count)
                elif value is not None and value != "":
                    counts[name][value] = int(count)
        return counts, total

    def _page_ids(self, sql: Dialect, request: SearchRequest, text: str | None) -> list[int]:
        start, stop = request.offset, request.offset + request.per_page
        if text == "":
            return []
        filters = self._filters(sql, request.filters)
        if text is not None and request.sort == "relevance":
            return sql.ranked_ids(text, filters, start, stop)
        conditions = [clause for clause in (filters,) if clause.sql]
        if text is not None:
            conditions.insert(0, sql.text_condition(text))
        where = " AND ".join(clause.sql for clause in conditions) or "1 = 1"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.page_id FROM {TABLE} d WHERE {where} "
                "ORDER BY d.published_at DESC, d.page_id DESC LIMIT %s OFFSET %s",
                [*(param for clause in conditions for param in clause.params), stop - start, start],
            )
            return [row[0] for row in cursor.fetchall()]

    def _hit(self, page, query: str) -> Hit:
        return Hit(
            page_id=page.pk,
            title=page.title,
            url=page.url,
            summary=page.summary,
            country=str(page.country),
            country_name=str(page.country.name),
            city=page.city,
            year_started=page.year_started,
            government_level=page.government_level,
            language=page.language,
            highlights=highlight_snippets(query, [page.summary, body_text(page)]) if query else [],
        )

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Titles for search-as-you-type, from Wagtail's autocomplete index of cases."""
        from wagtail.search.backends import get_search_backend

        prefix = prefix.strip()
        if len(prefix) < 2:
            return []
        results = get_search_backend().autocomplete(prefix, _case_model().objects.live().public())
        return [page.title for page in results[:limit]]

    # Writes ----------------------------------------------------------------------------

    def index_cases(self, cases: Iterable) -> None:
        database_index.index_cases(cases)

    def remove_cases(self, page_ids: Iterable[int]) -> None:
        database_index.remove_cases(page_ids)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        return database_index.rebuild(progress)
