"""Search knows documents only through indexers (the Richie pattern): each app that wants its
pages searchable defines one `Indexer` per document type and registers it from its
AppConfig.ready(). `search` itself imports no domain app, not even by model-name string: the
indexer says which page model it indexes, which pages are indexable, what text and facet
values a document holds, how facet values are labelled and how a hit is shown.

Both backends (database and Elasticsearch), the signal handlers, the background tasks and
the pages that show results read everything document-specific from here."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Facet:
    """One facet, defined once by the indexer; backends and pages read it."""

    name: str  # URL parameter and key in responses, e.g. "country"
    label: Any  # a (lazy) translatable string
    document_field: str  # column of the database index and field of the Elasticsearch document
    multi_valued: bool = False  # a document can hold several values (lists of integers)
    numeric: bool = False  # values are non-negative integers
    order_by_count: bool = True  # False: values keep their natural order (years, SDGs)
    model_path: str = ""  # the same values reached from the page model by the ORM (tests count)
    pattern: str = ""  # a value must match it in full (e.g. "[A-Z]{2}"), else it is dropped


@dataclass(frozen=True)
class TextField:
    """A searchable text of a document. `weight` ranks it: "A" (title) > "B" (summary,
    place, themes) > "C" (body) > "D" (the rest). Fields weighted A and B form the short
    `head` that relevance ranks first on PostgreSQL; `boost` is the Elasticsearch boost;
    `multilingual` fields are analysed again with each language's analyzer there."""

    name: str
    weight: str
    boost: int = 1
    multilingual: bool = False


# Sorts every backend implements; an indexer offers some of them with its own labels.
RELEVANCE = "relevance"
NEWEST = "newest"
SORT_LABELS = {RELEVANCE: _("Relevance"), NEWEST: _("Newest first")}


@dataclass(frozen=True)
class SearchDocument:
    """What every index stores about one page, read once from it."""

    page_id: int
    language: str  # the language the text is written in (picks the stemmer)
    published_at: datetime | None
    text: Mapping[str, str | list[str]]  # TextField.name -> text (or list of texts)
    facets: Mapping[str, Any]  # Facet.document_field -> value, or list of ints when multi
    display: Mapping[str, Any]  # what a hit shows; stored as is by Elasticsearch

    def text_of(self, name: str) -> str:
        value = self.text.get(name, "")
        return "\n".join(value) if isinstance(value, list) else value


class Indexer(ABC):
    """Base class for one document type. Subclasses set the attributes and implement
    `document`, `display` and `facet_labels`."""

    name: str = ""
    facets: tuple[Facet, ...] = ()
    text_fields: tuple[TextField, ...] = ()
    sorts: tuple[str, ...] = (RELEVANCE, NEWEST)
    prefetch: tuple[str, ...] = ()  # related objects `document` reads
    # The keys of `display(page)`: what a hit shows (Elasticsearch keeps them in _source).
    display_fields: tuple[str, ...] = ("title", "url", "summary", "language")

    @property
    @abstractmethod
    def model(self):
        """The page model (a Wagtail Page subclass) this indexer indexes."""

    # Which pages ------------------------------------------------------------------------

    def queryset(self):
        """Pages a reader may find: live, public, and not Wagtail alias pages (an alias
        repeats its original's content in another place or locale; the original is the
        one document)."""
        return self.model.objects.live().public().filter(alias_of__isnull=True)

    def indexable(self):
        """`queryset()` with what `document` reads prefetched, in primary key order."""
        return self.queryset().prefetch_related(*self.prefetch).order_by("pk")

    # What a document holds --------------------------------------------------------------

    @abstractmethod
    def document(self, page) -> SearchDocument:
        """The page's text by weight and its facet values."""

    @abstractmethod
    def display(self, page) -> dict[str, Any]:
        """The fields a hit shows: at least title, url, summary, language."""

    def highlight_texts(self, page) -> list[str]:
        """Texts that snippets are cut from, for backends without server-side highlights."""
        return []

    def facet_labels(
        self, values_by_facet: Mapping[str, Iterable[str]]
    ) -> dict[str, dict[str, str]]:
        """Human labels of the given values, by facet name; a value without a label shows
        as itself."""
        return {}

    # Derived ------------------------------------------------------------------------------

    @property
    def facets_by_name(self) -> dict[str, Facet]:
        return {facet.name: facet for facet in self.facets}

    def sort_choices(self) -> dict[str, Any]:
        return {name: SORT_LABELS[name] for name in self.sorts}

    def facet(self, name: str) -> Facet:
        return self.facets_by_name[name]


_INDEXERS: dict[str, Indexer] = {}


def register(indexer: Indexer) -> Indexer:
    """Register an indexer (from its app's AppConfig.ready()); registering the same name
    again replaces it, so a reloaded app does not fail. search.signals finds it by its page
    model when that model is published, unpublished or deleted."""
    if not indexer.name:
        raise ValueError("An indexer needs a name.")
    _INDEXERS[indexer.name] = indexer
    return indexer


def unregister(name: str) -> None:
    _INDEXERS.pop(name, None)


def get(name: str) -> Indexer:
    try:
        return _INDEXERS[name]
    except KeyError as exc:
        raise LookupError(
            f"No search indexer named {name!r}; registered: {sorted(_INDEXERS)}"
        ) from exc


def all_indexers() -> list[Indexer]:
    return list(_INDEXERS.values())


def for_model(model) -> list[Indexer]:
    """Indexers whose page model is `model` or one of its parents."""
    return [indexer for indexer in _INDEXERS.values() if issubclass(model, indexer.model)]


def default() -> Indexer:
    """The document type the compendium search serves when none is named: the first
    registered (today the only one)."""
    if not _INDEXERS:
        raise LookupError("No search indexer is registered.")
    return next(iter(_INDEXERS.values()))


def batches(queryset, size: int) -> Iterator[list]:
    """Keyset batches: memory stays flat and no page is skipped or repeated."""
    last = 0
    while batch := list(queryset.filter(pk__gt=last)[:size]):
        yield batch
        last = batch[-1].pk
