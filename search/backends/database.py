"""Compendium search on the database: Wagtail's search (modelsearch: SQLite FTS5 or
PostgreSQL full text) finds the matching cases; the ORM filters them by facet and counts every
facet with GROUP BY queries in the database."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Count, Q
from wagtail.search.backends import get_search_backend

from search.backends.base import SearchBackend
from search.facet_values import facet_values
from search.facets import FACETS, FACETS_BY_NAME
from search.highlight import highlight_snippets
from search.labels import facet_labels
from search.types import FacetValue, Hit, SearchRequest, SearchResponse  # noqa: F401


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
        matching = base
        if request.query:
            filtered_base = self._filtered(base, request.filters)
            ranked = self._text_matches(filtered_base, request.query, operator)
            pages = list(ranked[start:stop]) if request.sort == "relevance" else None
            if (pages == [] and request.page == 1) or (pages is None and not ranked[:1]):
                operator = "or"  # no case has every word: fall back to any word, ranked
                ranked = self._text_matches(filtered_base, request.query, operator)
                pages = list(ranked[start:stop]) if request.sort == "relevance" else None
            # The matching ids stay a subquery: the database, not Python, intersects them
            # with the facet filters and counts.
            text_ids = self._text_matches(base, request.query, operator).get_queryset()
            matching = base.filter(pk__in=text_ids.order_by().values("pk"))
        else:
            pages = None
        if pages is None:
            pages = list(
                self._filtered(matching, request.filters).order_by("-first_published_at", "-pk")[
                    start:stop
                ]
            )
        facets = self._facet_counts(matching, request)
        return SearchResponse(
            request=request,
            hits=[self._hit(page, request.query) for page in pages],
            total=self._total(facets, request),
            facets=facets,
            backend=self.name,
            any_word=operator == "or",
        )

    @staticmethod
    def _total(facets, request: SearchRequest) -> int:
        """Every case has exactly one government level, so the level facet (counted with all
        other filters) partitions the results: its counts add up to the total, no extra query."""
        selected = set(request.filters.get("level", ()))
        return sum(
            value.count for value in facets["level"] if not selected or value.value in selected
        )

    def _facet_counts(self, matching, request: SearchRequest) -> dict[str, list[FacetValue]]:
        """Each facet counted over the cases that match the text and every *other* facet's
        filter, so choosing a value never hides its siblings."""
        counts = {}
        for facet in FACETS:
            rows = (
                self._filtered(matching, request.without(facet.name))
                .order_by()
                .values(facet.orm_path)
                .annotate(total=Count("pk", distinct=facet.multi_valued))
                .values_list(facet.orm_path, "total")
            )
            # Cases without a value (no SDG tagged, say) form a None group: not a facet value.
            counts[facet.name] = {str(value): total for value, total in rows if value is not None}
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
