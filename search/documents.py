"""The Elasticsearch document for one published case, and the index that holds it.

Text is indexed once with the `standard` analyzer and again, as sub-fields, with the built-in
analyzer of each major case language: a case is searchable by stemmed words whatever language
it is written in, without trusting `language` to pick a single analyzer."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.utils import timezone
from elasticsearch.dsl import (
    Completion,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    MetaField,
    Text,
    analyzer,
    token_filter,
)

from search.extract import case_fields
from search.facets import FACETS

# Sub-field name (the case language code) -> Elasticsearch built-in analyzer. Chinese has no
# built-in language analyzer; `cjk` (bigrams) is the built-in that handles Han script.
LANGUAGE_ANALYZERS = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "ar": "arabic",
    "ru": "russian",
    "zh": "cjk",
    "pt": "portuguese",
}
MULTILINGUAL_FIELDS = ("title", "summary", "body")
SPELLING_FIELD = "spelling"

# Word shingles, as the phrase suggester's documentation recommends, so "Did you mean"
# corrections are scored by the word pairs and triples that really occur in cases.
spelling_analyzer = analyzer(
    "spelling_shingles",
    tokenizer="standard",
    filter=[
        "lowercase",
        token_filter("spelling_shingle", "shingle", min_shingle_size=2, max_shingle_size=3),
    ],
)

MAX_SUGGEST_INPUTS = 8


def multilingual_text(**kwargs) -> Text:
    fields = {code: Text(analyzer=name) for code, name in LANGUAGE_ANALYZERS.items()}
    return Text(analyzer="standard", fields=fields, **kwargs)


class CaseDocument(Document):
    page_id = Integer()
    title = multilingual_text(copy_to=SPELLING_FIELD)
    summary = multilingual_text(copy_to=SPELLING_FIELD)
    body = multilingual_text(copy_to=SPELLING_FIELD)
    city = Text()
    place = Text()  # city, country name and region, so "Dakar Senegal" or "Africa" match
    contact_organisation = Text()
    themes = Text(multi=True, fields={"keyword": Keyword()})
    indicator_names = Text(multi=True)
    spelling = Text(analyzer=spelling_analyzer)
    title_suggest = Completion()

    # Facets: one field per search.facets.Facet.document_field.
    indicators = Integer(multi=True)
    dimensions = Integer(multi=True)
    country = Keyword()
    region = Keyword()
    year_started = Integer()
    government_level = Keyword()
    sdgs = Integer(multi=True)
    language = Keyword()

    status = Keyword()
    first_published_at = Date()
    url = Keyword(index=False, doc_values=False)

    class Meta:
        dynamic = MetaField("strict")  # a typo in from_page fails loudly instead of mapping

    @classmethod
    def from_page(cls, page) -> CaseDocument:
        """Build from a CaseStudyPage (read many through search.extract.indexable_cases)."""
        extracted = case_fields(page)
        fields = asdict(extracted)
        del fields["country_name"]  # only the code is a facet; `place` carries the name
        fields["country"] = extracted.country or None
        fields["region"] = extracted.region or None
        document = cls(
            **fields,
            place=extracted.place,
            title_suggest=suggest_inputs(extracted.title),
            url=page.url,
        )
        document.meta.id = page.pk
        return document


def suggest_inputs(title: str) -> list[dict]:
    """The full title, plus the title from each later word on (weighted lower), so typing
    "identity" also completes "Digital identity for Dakar"."""
    words = title.split()
    tails = [" ".join(words[start:]) for start in range(1, len(words)) if len(words[start]) > 2]
    inputs = [{"input": [title], "weight": 2}]
    if tails:
        inputs.append({"input": tails[: MAX_SUGGEST_INPUTS - 1], "weight": 1})
    return inputs


def facet_field_types() -> dict[str, str]:
    """Mapping type of each facet's field, so tests can check FACETS and the document agree."""
    properties = case_index("facet-check").to_dict()["mappings"]["properties"]
    return {facet.name: properties[facet.document_field]["type"] for facet in FACETS}


def alias_name() -> str:
    """The public name readers and incremental writes use; it points at one concrete index."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-cases"


def new_index_name() -> str:
    return f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S%f}"


def case_index(name: str) -> Index:
    index = Index(name)
    # One shard: the corpus is small, and one shard keeps scores and spelling statistics
    # exact. Replicas follow the cluster size (none on a single development node).
    index.settings(number_of_shards=1, auto_expand_replicas="0-1")
    index.document(CaseDocument)
    return index
