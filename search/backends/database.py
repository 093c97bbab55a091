"""Search on the database's own full-text engine (PostgreSQL text search or SQLite FTS5)
over the narrow index table search.models.CaseSearchDocument, which database_index.py writes
from the registered indexer's documents.

A search is three statements on SQLite (every facet count and the total; the ranked page of
ids; the pages) and four on PostgreSQL, where one more first sets the transaction's planner
options and parses the words with every language's configuration. Answers are cached by the
service layer (search/services.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from search import registry
from search.backends import database_index
from search.backends.base import ALL_WORDS, SearchBackend, page_ids
from search.backends.database_index import TABLE
from search.backends.database_sql import Clause, Dialect, dialect, facet_count_sql
from search.facet_values import facet_values
from search.highlight import highlight_snippets
from search.registry import NEWEST
from search.text import TERM, correct, max_distance, term_key
from search.types import Hit, SearchRequest, SearchResponse


class DatabaseSearchBackend(SearchBackend):
    name = "database"

    # Reads -----------------------------------------------------------------------------

    def search(self, request: SearchRequest, indexer=None, match: str = ALL_WORDS):
        indexer = indexer or registry.default()
        sql = dialect()
        with transaction.atomic():
            text = sql.prepare(request.words, match)
            counts, total = self._counts(indexer, sql, request, text)
            ids = self._page_ids(indexer, sql, request, text) if total > request.offset else []
        pages = indexer.model.objects.in_bulk(ids) if ids else {}
        return SearchResponse(
            request=request,
            hits=[self._hit(indexer, pages[pk], request.query) for pk in ids if pk in pages],
            total=total,
            facets=facet_values(indexer, request, counts),
            backend=self.name,
        )

    def _filter(self, sql: Dialect, facet, values) -> Clause:
        column = facet.document_field
        if facet.multi_valued:
            return sql.list_overlaps(column, [int(value) for value in values])
        typed = [int(value) for value in values] if facet.numeric else list(values)
        return Clause(f"d.{column} IN ({', '.join(['%s'] * len(typed))})", typed)

    def _flags(self, indexer, sql: Dialect, request: SearchRequest) -> dict[str, Clause]:
        facets = indexer.facets_by_name
        return {
            name: self._filter(sql, facets[name], values)
            for name, values in request.filters.items()
            if name in facets and values
        }

    def _counts(self, indexer, sql: Dialect, request: SearchRequest, text: str | None):
        """Counts for every facet and the total, from one statement (facet_count_sql)."""
        counts: dict[str, dict[str, int]] = {facet.name: {} for facet in indexer.facets}
        if text == "":
            return counts, 0
        statement, params = facet_count_sql(indexer, sql, text, self._flags(indexer, sql, request))
        total = 0
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            for name, value, count in cursor.fetchall():
                if name == "_total":
                    total = int(count)
                elif value is not None and value != "":
                    counts[name][value] = int(count)
        return counts, total

    def _page_ids(self, indexer, sql: Dialect, request: SearchRequest, text) -> list[int]:
        start, stop = request.offset, request.offset + request.per_page
        clauses = list(self._flags(indexer, sql, request).values())
        filters = Clause(
            " AND ".join(clause.sql for clause in clauses),
            [param for clause in clauses for param in clause.params],
        )
        if text is not None and request.sort != NEWEST:
            return sql.ranked_ids(text, filters, start, stop)
        conditions = [filters] if filters.sql else []
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

    def _hit(self, indexer, page, query: str) -> Hit:
        highlights = highlight_snippets(query, indexer.highlight_texts(page)) if query else []
        return Hit.from_display(page.pk, indexer.display(page), highlights=highlights)

    def spelling(self, query: str, indexer=None) -> str:
        """Each word of the query that the index does not hold is replaced by the closest
        term of its vocabulary (search.models.SearchTerm): one statement reads the candidates
        (same first letter or same second letter, length within the allowed distance)."""
        from django.db.models import Q

        from search.models import SearchTerm

        words = TERM.findall(query.lower())
        if not words:
            return ""
        wanted = Q()
        for word in words:
            key = term_key(word)
            limit = max_distance(key)
            wanted |= Q(
                first__in={key[0], key[1:2] or key[0]},
                size__gte=len(key) - limit,
                size__lte=len(key) + limit,
            )
        candidates = list(
            SearchTerm.objects.filter(wanted).values_list("term", "key", "document_count")
        )
        corrected = [correct(word, candidates) for word in words]
        return " ".join(corrected) if corrected != words else ""

    def suggest(self, prefix: str, indexer=None, limit: int = 8) -> list[str]:
        """Titles for search-as-you-type, from Wagtail's autocomplete index; the prefix is
        reduced to its words (never query syntax)."""
        from wagtail.search.backends import get_search_backend

        from search.types import words_of

        indexer = indexer or registry.default()
        words = words_of(prefix)
        if not words or len("".join(words)) < 2:
            return []
        # Wagtail's index filters on its declared filter fields only (not alias_of): alias
        # pages are dropped here, and a title shows once.
        pages = indexer.model.objects.live().public()
        titles: list[str] = []
        for page in get_search_backend().autocomplete(" ".join(words), pages)[: limit * 2]:
            if page.alias_of_id is None and page.title not in titles:
                titles.append(page.title)
        return titles[:limit]

    # Writes ----------------------------------------------------------------------------

    def index(self, pages: Iterable, indexer=None) -> int:
        return database_index.index(indexer or registry.default(), page_ids(pages))

    def remove(self, pages: Iterable, indexer=None) -> None:
        database_index.remove(page_ids(pages))

    def rebuild(self, indexer=None, progress: Callable[[int], None] | None = None) -> int:
        return database_index.rebuild(indexer or registry.default(), progress)
