"""Compendium search on the database's own full-text engine (PostgreSQL text search or
SQLite FTS5) over the narrow index table search.models.CaseSearchDocument, which
database_index.py writes. Every facet count and the total come from one statement
(database_sql.facet_count_sql), the page of hits from the ranking query, the pages from one
more; answers are cached per index generation (search/result_cache.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from search import result_cache
from search.backends import database_index
from search.backends.base import SearchBackend
from search.backends.database_index import TABLE
from search.backends.database_sql import (
    Clause,
    Dialect,
    dialect,
    facet_count_sql,
    words_of,
)
from search.extract import body_text
from search.facet_values import facet_values
from search.facets import FACETS, FACETS_BY_NAME, Facet
from search.highlight import highlight_snippets
from search.labels import facet_labels
from search.types import Hit, SearchRequest, SearchResponse


def _case_model():
    from best_practices.models import CaseStudyPage

    return CaseStudyPage


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
        return sql.prepare_text(request.query, operator) if words_of(request.query) else None

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
