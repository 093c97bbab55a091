"""Search knows documents only through registered indexers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from best_practices.indexers import CASES
from best_practices.models import CaseStudyPage
from search import registry
from search.services import search

SEARCH_APP = Path(__file__).resolve().parents[2] / "search"
UPPER_APPS = ("toolkit", "best_practices", "courses", "quizzes", "assessments")
# Migration 0001 recorded the index's original foreign key to the case model; 0003 points it
# at wagtailcore.Page. History is kept as it was applied.
NAMED_MODEL = re.compile(rf"\b({'|'.join(UPPER_APPS)})\.[A-Za-z]")
HISTORY = {SEARCH_APP / "migrations" / "0001_initial.py"}


def test_search_imports_no_upper_app_and_names_none_of_their_models():
    problems = []
    for path in SEARCH_APP.rglob("*.py"):
        if path in HISTORY:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and NAMED_MODEL.search(node.value)  # e.g. "best_practices.CaseStudyPage"
            ):
                problems.append((path.name, node.value[:60]))
            problems += [(path.name, name) for name in names if name.split(".")[0] in UPPER_APPS]
    assert problems == []


def test_the_compendium_registers_its_indexer():
    assert registry.get("cases") is CASES
    assert CASES in registry.for_model(CaseStudyPage)
    assert [facet.name for facet in CASES.facets] == [
        "indicator",
        "dimension",
        "country",
        "region",
        "year",
        "level",
        "sdg",
        "language",
    ]


def test_an_unknown_document_type_is_refused():
    with pytest.raises(LookupError):
        registry.get("no-such-type")


@pytest.mark.django_db
def test_alias_pages_are_not_indexed(corpus, django_capture_on_commit_callbacks):
    from search.tasks import index_documents

    case = CaseStudyPage.objects.get(slug="estonia-x-road")
    with django_capture_on_commit_callbacks(execute=True):
        alias = case.create_alias(update_slug="estonia-x-road-again")
    assert alias.alias_of_id == case.pk and alias.live
    assert not CASES.queryset().filter(pk=alias.pk).exists()
    index_documents.enqueue("cases", [alias.pk])  # even when asked to, it stays out
    assert [hit.page_id for hit in search("X-Road").hits] == [case.pk]
