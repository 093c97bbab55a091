"""The database backend's own compendium index: one narrow row per published, public case.

Facet values are columns (multi-valued ones are integer lists), so counting every facet is
one pass over the matching rows with no joins. The text index beside it is per database,
created by migration 0002: weighted `tsvector` columns with GIN indexes on PostgreSQL, an
FTS5 table on SQLite (migration 0003: the text is stemmed per document language before it
reaches FTS5). Writes go through search/backends/database_index.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from search.fields import IntegerListField


class FacetCombination(models.Model):
    """One distinct set of a case's single-valued facet values (country, region, year, level,
    language). Documents point at theirs, so counting those five facets groups the matching
    rows by one integer and reads the values from a few thousand combinations, not from
    every row."""

    key = models.CharField(max_length=200, unique=True)
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=80)
    year_started = models.PositiveSmallIntegerField(null=True)
    government_level = models.CharField(max_length=16)
    language = models.CharField(max_length=8)

    class Meta:
        verbose_name = _("facet combination")
        verbose_name_plural = _("facet combinations")

    def __str__(self):
        return self.key

    @staticmethod
    def key_for(country, region, year_started, government_level, language) -> str:
        year = "" if year_started is None else str(year_started)
        return "|".join([country, region, year, government_level, language])


class CaseSearchDocument(models.Model):
    """The row of one indexed page. Its shape is fixed by the facets of the compendium's
    document type (the `cases` indexer registered by best_practices), the values come from
    that indexer: search names no page model (search/backends/database_index.py checks that
    the registered facets fit these columns)."""

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    language = models.CharField(max_length=8)
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=80)
    year_started = models.PositiveSmallIntegerField(null=True)
    government_level = models.CharField(max_length=16)
    published_at = models.DateTimeField()
    indicators = IntegerListField()
    dimensions = IntegerListField()
    sdgs = IntegerListField()
    combination = models.ForeignKey(
        FacetCombination, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("case search document")
        verbose_name_plural = _("case search documents")
        indexes = [
            models.Index(fields=["-published_at", "-page"], name="search_case_newest"),
            models.Index(fields=["region"], name="search_case_region"),
            models.Index(fields=["country"], name="search_case_country"),
            models.Index(fields=["government_level"], name="search_case_level"),
            models.Index(fields=["year_started"], name="search_case_year"),
            models.Index(fields=["language"], name="search_case_language"),
        ]

    def __str__(self):
        return f"Search document for case {self.page_id}"


class SearchTerm(models.Model):
    """The index's vocabulary, for spelling suggestions ("did you mean"): each distinct word
    (hyphenated words kept whole, "e-voting") with the number of documents holding it.
    Candidates for a misspelt word are read by first letter and length, then ranked by edit
    distance in Python (search/text.py)."""

    term = models.CharField(max_length=40, primary_key=True)
    key = models.CharField(max_length=40)  # the term without hyphens: "evoting"
    first = models.CharField(max_length=1)
    size = models.PositiveSmallIntegerField()  # length of the key
    document_count = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        indexes = [models.Index(fields=["first", "size"], name="search_term_first_size")]

    def __str__(self):
        return self.term
