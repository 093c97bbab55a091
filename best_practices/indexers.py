"""The compendium's search indexer: what the search app stores about a case, its facets (defined
once here; both search backends and the compendium page read them), how facet values are
labelled and how a hit is shown. Registered in BestPracticesConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from best_practices.languages import CASE_LANGUAGES
from search.registry import Facet, Indexer, SearchDocument, TextField
from toolkit.models import (
    Criterion,
    Framework,
    GovernmentLevel,
    Indicator,
    SustainableDevelopmentGoal,
)

TAXONOMY_CACHE_KEY = "search:taxonomy-labels"
TAXONOMY_CACHE_SECONDS = 24 * 60 * 60
HEAD_THEMES = 10  # themes that count as "head" text (bounded: PostgreSQL keeps it inline)

FACETS: tuple[Facet, ...] = (
    Facet(
        "indicator",
        _("Indicator"),
        "indicators",
        multi_valued=True,
        numeric=True,
        model_path="indicators__id",
    ),
    Facet(
        "dimension",
        _("Dimension"),
        "dimensions",
        multi_valued=True,
        numeric=True,
        model_path="indicators__criterion_id",
    ),
    Facet("country", _("Country"), "country", model_path="country", pattern="[A-Z]{2}"),
    Facet("region", _("Region"), "region", model_path="region"),
    Facet(
        "year",
        _("Year started"),
        "year_started",
        numeric=True,
        order_by_count=False,
        model_path="year_started",
    ),
    Facet(
        "level",
        _("Government level"),
        "government_level",
        model_path="government_level",
        pattern="[a-z_]{1,16}",
    ),
    Facet(
        "sdg",
        _("Sustainable Development Goal"),
        "sdgs",
        multi_valued=True,
        numeric=True,
        order_by_count=False,
        model_path="sdgs__number",
    ),
    Facet("language", _("Language"), "language", model_path="language", pattern="[a-z-]{2,8}"),
)

TEXT_FIELDS: tuple[TextField, ...] = (
    TextField("title", "A", boost=4, multilingual=True),
    TextField("summary", "B", boost=2, multilingual=True),
    TextField("place", "B", boost=2),  # city, country name and region: "Dakar Senegal"
    TextField("themes", "B", boost=2),
    TextField("body", "C", boost=1, multilingual=True),
    TextField("indicator_names", "D", boost=2),
    TextField("contact_organisation", "D", boost=1),
)


def body_text(page) -> str:
    """The StreamField's searchable text (rich text without tags, figures, link titles)."""
    parts = []
    for child in page.body:
        parts.extend(str(text) for text in child.block.get_searchable_content(child.value))
    return "\n".join(part for part in parts if part)


def _load_taxonomy_labels() -> dict[str, dict[str, tuple]]:

    return {
        "indicator": {
            str(pk): (code, name)
            for pk, code, name in Indicator.objects.values_list("pk", "code", "name")
        },
        "dimension": {
            str(pk): (short, name)
            for pk, short, name in Criterion.objects.values_list(
                "pk", "framework__short_name", "name"
            )
        },
        "sdg": {
            str(number): (name,)
            for number, name in SustainableDevelopmentGoal.objects.values_list("number", "name")
        },
    }


def taxonomy_labels() -> dict[str, dict[str, tuple]]:
    """Indicator, dimension and SDG names, read once and cached: every search labels its
    facets, the taxonomy changes only when load_frameworks runs (the signals below clear
    the cache)."""
    return cache.get_or_set(TAXONOMY_CACHE_KEY, _load_taxonomy_labels, TAXONOMY_CACHE_SECONDS)


def forget_taxonomy_labels(**kwargs) -> None:
    transaction.on_commit(lambda: cache.delete(TAXONOMY_CACHE_KEY))


class CaseIndexer(Indexer):
    name = "cases"
    facets = FACETS
    text_fields = TEXT_FIELDS
    prefetch = ("indicators", "sdgs", "tagged_items__tag")
    display_fields = (
        "title",
        "url",
        "summary",
        "language",
        "country",
        "country_name",
        "city",
        "year_started",
        "government_level",
    )

    @property
    def model(self):
        # Looked up by name within this app: the page models import the compendium's
        # selectors, which read this indexer.
        return apps.get_model("best_practices", "CaseStudyPage")

    def document(self, page) -> SearchDocument:
        """Read many pages through `indexable()` (it prefetches what this reads)."""
        indicators = list(page.indicators.all())
        country = str(page.country) if page.country else ""
        country_name = str(page.country.name) if page.country else ""
        region = page.region or ""
        return SearchDocument(
            page_id=page.pk,
            language=page.language,
            published_at=page.first_published_at,
            text={
                "title": page.title,
                "summary": page.summary,
                "place": " ".join(part for part in (page.city, country_name, region) if part),
                "themes": [item.tag.name for item in page.tagged_items.all()],
                "body": body_text(page),
                "indicator_names": [indicator.name for indicator in indicators],
                "contact_organisation": page.contact_organisation,
            },
            facets={
                "indicators": sorted({indicator.pk for indicator in indicators}),
                "dimensions": sorted({indicator.criterion_id for indicator in indicators}),
                "country": country,
                "region": region,
                "year_started": page.year_started,
                "government_level": page.government_level,
                "sdgs": sorted({sdg.number for sdg in page.sdgs.all()}),
                "language": page.language,
            },
            display=self.display(page),
        )

    def display(self, page) -> dict:
        """What a hit shows (Elasticsearch keeps it in _source)."""
        return {
            "title": page.title,
            "url": page.url,
            "summary": page.summary,
            "language": page.language,
            "country": str(page.country) if page.country else "",
            "country_name": str(page.country.name) if page.country else "",
            "city": page.city,
            "year_started": page.year_started,
            "government_level": page.government_level,
        }

    def highlight_texts(self, page) -> list[str]:
        return [page.summary, body_text(page)]

    def facet_labels(self, values_by_facet: Mapping[str, Iterable[str]]) -> dict:
        def wanted(name):
            return set(values_by_facet.get(name, ()))

        taxonomy = taxonomy_labels()
        indicators, criteria, goals = (
            taxonomy["indicator"],
            taxonomy["dimension"],
            taxonomy["sdg"],
        )
        levels = dict(GovernmentLevel.choices)
        languages = dict(CASE_LANGUAGES)
        return {
            "indicator": {
                value: f"{indicators[value][0]} {indicators[value][1]}".strip()
                for value in wanted("indicator")
                if value in indicators
            },
            "dimension": {
                value: f"{criteria[value][0]} · {criteria[value][1]}"
                for value in wanted("dimension")
                if value in criteria
            },
            "sdg": {
                value: gettext("SDG %(number)s: %(name)s")
                % {"number": value, "name": goals[value][0]}
                for value in wanted("sdg")
                if value in goals
            },
            "country": {
                code: str(countries.name(code) or code) if code.isascii() else code
                for code in wanted("country")
            },
            "level": {value: str(levels.get(value, value)) for value in wanted("level")},
            "language": {value: str(languages.get(value, value)) for value in wanted("language")},
        }


def connect_label_signals() -> None:
    """Taxonomy edits (load_frameworks) make the cached facet labels stale."""
    for model in (Framework, Criterion, Indicator, SustainableDevelopmentGoal):
        for signal in (post_save, post_delete):
            signal.connect(
                forget_taxonomy_labels,
                sender=model,
                dispatch_uid=f"case-labels-{signal is post_save}-{model.__name__}",
            )


CASES = CaseIndexer()
