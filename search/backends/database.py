"""Compendium search on the database: Wagtail's search (modelsearch: SQLite FTS5 or
PostgreSQL full text) finds the matching cases; the ORM filters them by facet and counts every
facet with GROUP BY queries in the database."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import BigIntegerField, CharField, F, Q
from django.db.models.functions import Cast
from wagtail.search.backends import get_search_backend

from search.backends.base import SearchBackend
from search.facet_values import facet_values
from search.facets import FACETS, FACETS_BY_NAME
from search.highlight import highlight_snippets
from search.labels import facet_labels
from search.types import FacetValue, Hit, SearchRequest, SearchResponse


def _case_model():
    from best_practices.models import CaseStudyPage

    return CaseStudyPage


class DatabaseSearchBackend(SearchBackend):
    name = "database"

    def __init__(self, wagtail_backend=None):
        self.wagtail_backend = wagtail_backend or get_search_backend()

    # Reads ---------------------------------------------------------------------------

    def _facet_condition(self, facet, values) -> Q:
        model = _case_model()
        lookup = {f"{facet.orm_path}__in": list(values)}
        if facet.multi_valued:
            # A subquery, so joining the relation never duplicates result rows.
            return Q(pk__in=model.objects.filter(**lookup).values("pk"))
        return Q(**lookup)

    def _filtered(self, queryset, filters: dict):
        for name, values in filters.items():
            queryset = queryset.filter(self._facet_condition(FACETS_BY_NAME[name], values))
        return queryset

    def _text_matches(self, base, query: str, operator: str):
        return self.wagtail_backend.search(query, base, operator=operator)

    def search(self, request: SearchRequest) -> SearchResponse:
        model = _case_model()
        base = model.objects.live().public()
        start, stop = request.offset, request.offset + request.per_page
        operator = "and"
        if request.query:
            pages, matching = self._text_page(base, request, operator, start, stop)
            if request.page == 1 and not pages:
                operator = "or"  # no case has every word: fall back to any word, ranked
                pages, matching = self._text_page(base, request, operator, start, stop)
        else:
            matching = base
            pages = self._newest_page(matching, request, start, stop)
        facets = self._facet_counts(matching, request)
        return SearchResponse(
            request=request,
            hits=[self._hit(page, request.query) for page in pages],
            total=self._total(facets, request),
            facets=facets,
            backend=self.name,
            any_word=operator == "or",
        )

    def _text_page(self, base, request: SearchRequest, operator: str, start: int, stop: int):
        """The page of hits for the text, by relevance or by date, and the matching cases.
        The matching ids stay a subquery: the database, not Python, intersects them with the
        facet filters and counts."""
        matching = base.filter(pk__in=self._text_match_ids(base, request.query, operator))
        if request.sort == "relevance":
            filtered = self._filtered(base, request.filters)
            return self._ranked_page(filtered, request, operator, start, stop), matching
        return self._newest_page(matching, request, start, stop), matching

    def _newest_page(self, matching, request: SearchRequest, start: int, stop: int) -> list:
        ordered = self._filtered(matching, request.filters).order_by("-first_published_at", "-pk")
        return list(ordered[start:stop])

    @staticmethod
    def _total(facets, request: SearchRequest) -> int:
        """Every case has exactly one government level, so the level facet (counted with all
        other filters) partitions the results: its counts add up to the total, no extra query."""
        selected = set(request.filters.get("level", ()))
        return sum(
            value.count for value in facets["level"] if not selected or value.value in selected
        )

    # Text matching -------------------------------------------------------------------------

    def _on_postgres(self) -> bool:
        return connection.vendor == "postgresql" and hasattr(self.wagtail_backend, "config")

    def _tsquery(self, query: str, operator: str):
        from django.contrib.postgres.search import SearchQuery

        config = self.wagtail_backend.config
        if operator == "and":
            return SearchQuery(query, search_type="plain", config=config)
        words = re.findall(r"\w+", query)
        return SearchQuery(" or ".join(words) or query, search_type="websearch", config=config)

    def _index_entries(self, tsquery):
        """Wagtail's PostgreSQL index rows that match, tested against its separate title and
        body vectors so the GIN index on each is used (the stock query concatenates them)."""
        from modelsearch.utils import get_descendants_content_types_pks
        from wagtail.search.models import IndexEntry

        return IndexEntry.objects.filter(
            content_type_id__in=get_descendants_content_types_pks(_case_model())
        ).filter(Q(title=tsquery) | Q(body=tsquery))

    def _text_match_ids(self, base, query: str, operator: str):
        if self._on_postgres():
            return (
                self._index_entries(self._tsquery(query, operator))
                .annotate(page_id=Cast("object_id", BigIntegerField()))
                .values("page_id")
            )
        return self._text_matches(base, query, operator).get_queryset().order_by().values("pk")

    def _ranked_page(self, filtered, request: SearchRequest, operator: str, start: int, stop: int):
        if not self._on_postgres():
            return self._sqlite_ranked_page(filtered, request.query, operator, start, stop)
        from django.contrib.postgres.search import SearchRank

        tsquery = self._tsquery(request.query, operator)
        ranked_ids = [
            int(object_id)
            for object_id in self._index_entries(tsquery)
            .filter(object_id__in=filtered.annotate(key=Cast("pk", CharField())).values("key"))
            .annotate(
                rank=SearchRank(F("title"), tsquery) * F("title_norm") * 2
                + SearchRank(F("body"), tsquery)
            )
            .order_by("-rank", "object_id")
            .values_list("object_id", flat=True)[start:stop]
        ]
        pages = _case_model().objects.in_bulk(ranked_ids)
        return [pages[pk] for pk in ranked_ids if pk in pages]

    def _sqlite_ranked_page(self, filtered, query: str, operator: str, start: int, stop: int):
        """Rank on the FTS5 table itself and keep the top slice: the stock SQLite query scores
        every matching row with a correlated subquery, seconds on a large corpus."""
        from modelsearch.backends.database.sqlite.query import normalize
        from modelsearch.backends.database.sqlite.sqlite import MatchExpression
        from modelsearch.query import MatchAll, Not
        from modelsearch.utils import get_descendants_content_types_pks
        from wagtail.search.models import SQLiteFTSIndexEntry

        compiler = self._text_matches(filtered, query, operator).query_compiler
        normalized = normalize(compiler.query)
        if isinstance(normalized, MatchAll | Not):
            return list(self._text_matches(filtered, query, operator)[start:stop])
        config = compiler.get_config(self.wagtail_backend)
        search_query = compiler.build_search_query(normalized, config=config)
        match = MatchExpression(compiler.FTS_TABLE_FIELDS, search_query)
        rank = compiler._build_rank_expression(compiler.get_search_vectors(), config)
        ranked_ids = [
            int(object_id)
            for object_id in SQLiteFTSIndexEntry.objects.filter(match)
            .filter(
                index_entry__content_type__in=get_descendants_content_types_pks(_case_model()),
                index_entry__object_id__in=filtered.annotate(key=Cast("pk", CharField())).values(
                    "key"
                ),
            )
            .annotate(score=rank)
            .order_by("score", "index_entry__object_id")  # bm25: lower is better
            .values_list("index_entry__object_id", flat=True)[start:stop]
        ]
        pages = _case_model().objects.in_bulk(ranked_ids)
        return [pages[pk] for pk in ranked_ids if pk in pages]

    # Facets ------------------------------------------------------------------------------------

    def _facet_counts(self, matching, request: SearchRequest) -> dict[str, list[FacetValue]]:
        """Every facet counted over the cases that match the text and every *other* facet's
        filter, so choosing a value never hides its siblings. One SQL statement: each distinct
        filter set is a common table expression, grouped once per facet (UNION ALL)."""
        model = _case_model()
        groups = [(tuple(f for f in FACETS if f.name not in request.filters), request.filters)]
        groups += [((FACETS_BY_NAME[name],), request.without(name)) for name in request.filters]
        ctes, branches, params = [], [], []
        for number, (facets, filters) in enumerate(groups):
            if not facets:
                continue
            name = f"matched_{number}"
            sql, cte_params = (
                self._filtered(matching, filters)
                .order_by()
                .values_list(*CTE_COLUMNS)
                .query.sql_with_params()
            )
            ctes.append(f"{name} ({', '.join(CTE_NAMES)}) AS ({sql})")
            params.extend(cte_params)
            branches.extend(facet_branch(facet, name, model) for facet in facets)
        counts: dict[str, dict[str, int]] = {facet.name: {} for facet in FACETS}
        if branches:
            statement = "WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(branches)
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                for facet_name, value, total in cursor.fetchall():
                    if value is not None:
                        counts[facet_name][str(value)] = total
        labels = facet_labels({name: list(values) for name, values in counts.items()}, request)
        return facet_values(request, counts, labels)

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
        prefix = prefix.strip()
        if len(prefix) < 2:
            return []
        results = self.wagtail_backend.autocomplete(prefix, _case_model().objects.live().public())
        return [page.title for page in results[:limit]]

    # Writes: Wagtail's own signal handlers keep its index in step with every save --------

    def index_cases(self, cases: Iterable) -> None:
        from wagtail.search.index import insert_or_update_object

        for case in cases:
            insert_or_update_object(case)

    def remove_cases(self, page_ids: Iterable[int]) -> None:
        from wagtail.search.index import remove_object

        for case in _case_model().objects.filter(pk__in=list(page_ids)):
            remove_object(case)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Wagtail's atomic rebuild writes a new index and swaps it in (no empty window)."""
        from django.core.management import call_command

        call_command("update_index", verbosity=0)
        total = _case_model().objects.live().count()
        if progress is not None:
            progress(total)
        return total


def body_text(page) -> str:
    """The case body as plain text, for snippets."""
    parts = []
    for child in page.body:
        parts.extend(str(text) for text in child.block.get_searchable_content(child.value))
    return " ".join(parts)


# The facet list (search/facets.py) translated to SQL over a common table expression of the
# matching cases. Columns of the expression, then one GROUP BY per facet.
CTE_COLUMNS = ("pk", "country", "region", "year_started", "government_level", "language")
CTE_NAMES = ("id", "country", "region", "year_started", "government_level", "language")
SINGLE_VALUED_COLUMNS = {
    "country": "country",
    "region": "region",
    "year": "year_started",
    "level": "government_level",
    "language": "language",
}


def facet_branch(facet, cte: str, model) -> str:
    """SELECT facet name, value as text, number of cases: one branch of the UNION ALL.
    Table and column names come from the models, never from input."""
    if facet.name in SINGLE_VALUED_COLUMNS:
        column = SINGLE_VALUED_COLUMNS[facet.name]
        return (
            f"SELECT '{facet.name}', CAST({cte}.{column} AS TEXT), COUNT(*) "  # noqa: S608 (names from models)
            f"FROM {cte} GROUP BY {cte}.{column}"
        )
    indicators = model.indicators.through._meta.db_table
    if facet.name == "indicator":
        return (
            f"SELECT 'indicator', CAST(link.indicator_id AS TEXT), COUNT(*) FROM {cte} "  # noqa: S608 (names from models)
            f"JOIN {indicators} link ON link.casestudypage_id = {cte}.id "
            "GROUP BY link.indicator_id"
        )
    if facet.name == "dimension":
        from toolkit.models import Indicator

        return (
            f"SELECT 'dimension', CAST(indicator.criterion_id AS TEXT), COUNT(DISTINCT {cte}.id) "  # noqa: S608 (names from models)
            f"FROM {cte} JOIN {indicators} link ON link.casestudypage_id = {cte}.id "
            f"JOIN {Indicator._meta.db_table} indicator ON indicator.id = link.indicator_id "
            "GROUP BY indicator.criterion_id"
        )
    if facet.name == "sdg":
        from toolkit.models import SustainableDevelopmentGoal

        return (
            f"SELECT 'sdg', CAST(goal.number AS TEXT), COUNT(*) FROM {cte} "  # noqa: S608 (names from models)
            f"JOIN {model.sdgs.through._meta.db_table} link ON link.casestudypage_id = {cte}.id "
            f"JOIN {SustainableDevelopmentGoal._meta.db_table} goal "
            "ON goal.id = link.sustainabledevelopmentgoal_id GROUP BY goal.number"
        )
    raise ValueError(f"No SQL for facet {facet.name!r}")
