"""The Elasticsearch document of a registered document type, and the index that holds it,
both built from the indexer (search/registry.py): its text fields, facets and the fields a
hit shows.

Multilingual text is indexed once with the `standard` analyzer and again, as sub-fields,
with the built-in analyzer of each major language: a document is searchable by stemmed
words whatever language it is written in, without trusting `language` to pick one."""

from __future__ import annotations

from functools import cache

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

# Sub-field name (the language code) -> Elasticsearch built-in analyzer. Chinese has no
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
SPELLING_FIELD = "spelling"
SUGGEST_FIELD = "title_suggest"
MAX_SUGGEST_INPUTS = 8

# Word shingles, as the phrase suggester's documentation recommends, so "Did you mean"
# corrections are scored by the word pairs and triples that really occur in documents.
spelling_analyzer = analyzer(
    "spelling_shingles",
    tokenizer="standard",
    filter=[
        "lowercase",
        token_filter("spelling_shingle", "shingle", min_shingle_size=2, max_shingle_size=3),
    ],
)


def multilingual_text(**kwargs) -> Text:
    fields = {code: Text(analyzer=name) for code, name in LANGUAGE_ANALYZERS.items()}
    return Text(analyzer="standard", fields=fields, **kwargs)


def multilingual_fields(indexer) -> tuple[str, ...]:
    return tuple(field.name for field in indexer.text_fields if field.multilingual)


@cache
def _document_class(indexer) -> type[Document]:
    """An elasticsearch.dsl Document class for the indexer: strict, so a field the indexer
    did not declare fails loudly instead of being mapped by guess."""
    fields: dict = {"page_id": Integer(), "published_at": Date()}
    for field in indexer.text_fields:
        fields[field.name] = (
            multilingual_text(copy_to=SPELLING_FIELD) if field.multilingual else Text()
        )
    fields[SPELLING_FIELD] = Text(analyzer=spelling_analyzer)
    fields[SUGGEST_FIELD] = Completion()
    # Facets: one field per Facet.document_field.
    for facet in indexer.facets:
        fields[facet.document_field] = (
            Integer(multi=facet.multi_valued) if facet.numeric else Keyword()
        )
    # What a hit shows and nothing searches: kept in _source only.
    for name in display_fields(indexer):
        fields.setdefault(name, Keyword(index=False, doc_values=False))

    class Meta:
        dynamic = MetaField("strict")

    return type(f"{indexer.name.title()}Document", (Document,), {**fields, "Meta": Meta})


def display_fields(indexer) -> tuple[str, ...]:
    return tuple(indexer.display_fields)


def document_source(indexer, page) -> dict:
    """The _source of one page: page id, date, text, facet values, display fields and the
    completion inputs."""
    document = indexer.document(page)
    source = {"page_id": document.page_id, "published_at": document.published_at}
    source.update(document.text)
    for facet in indexer.facets:
        value = document.facets.get(facet.document_field)
        source[facet.document_field] = None if value == "" else value
    for key, value in document.display.items():
        source.setdefault(key, value)
    source[SUGGEST_FIELD] = suggest_inputs(document.text_of("title"))
    return source


def suggest_inputs(title: str) -> list[dict]:
    """The full title, plus the title from each later word on (weighted lower), so typing
    "identity" also completes "Digital identity for Dakar"."""
    words = title.split()
    tails = [" ".join(words[start:]) for start in range(1, len(words)) if len(words[start]) > 2]
    inputs = [{"input": [title], "weight": 2}]
    if tails:
        inputs.append({"input": tails[: MAX_SUGGEST_INPUTS - 1], "weight": 1})
    return inputs


def facet_field_types(indexer) -> dict[str, str]:
    """Mapping type of each facet's field, so tests can check the facets and the document
    agree."""
    properties = document_index(indexer, "facet-check").to_dict()["mappings"]["properties"]
    return {facet.name: properties[facet.document_field]["type"] for facet in indexer.facets}


def alias_name(indexer) -> str:
    """The public name readers and incremental writes use; it points at one concrete index."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{indexer.name}"


def new_index_name(indexer) -> str:
    return f"{alias_name(indexer)}-{timezone.now():%Y%m%d%H%M%S%f}"


def document_index(indexer, name: str) -> Index:
    index = Index(name)
    # One shard: the corpus is small, and one shard keeps scores and spelling statistics
    # exact. Replicas follow the cluster size (none on a single development node).
    index.settings(number_of_shards=1, auto_expand_replicas="0-1")
    index.document(_document_class(indexer))
    return index
