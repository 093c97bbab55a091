"""Index writes are background tasks: publishing only enqueues them, on commit."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks.signals import task_enqueued

from search.services import search
from tests.best_practices.factories import make_case, make_compendium
from toolkit.models import Indicator


@pytest.fixture
def compendium(taxonomy, home_page):
    return make_compendium(home_page)


@pytest.fixture
def indicators(taxonomy):
    return list(Indicator.objects.filter(framework__key="losi_2024").order_by("pk")[:1])


@pytest.fixture
def enqueued():
    names = []

    def record(sender, task_result, **kwargs):
        # Wagtail's own index updates are tasks too: only the search app's are recorded.
        if task_result.task.module_path.startswith("search.tasks."):
            names.append((task_result.task.name, tuple(task_result.args)))

    task_enqueued.connect(record, dispatch_uid="test-search-enqueued")
    yield names
    task_enqueued.disconnect(dispatch_uid="test-search-enqueued")


@pytest.mark.django_db
def test_publishing_indexes_through_a_task_once_the_transaction_commits(
    compendium, indicators, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        case = make_case(compendium, indicators, title="Zanzibar water kiosks")
    # Inside the request's transaction nothing is indexed: the task waits for the commit.
    assert enqueued == []
    assert search("Zanzibar").total == 0
    for callback in pending:
        callback()
    assert enqueued == [("index_documents", ("cases", [case.pk]))]
    assert [hit.page_id for hit in search("Zanzibar").hits] == [case.pk]


@pytest.mark.django_db
def test_unpublishing_enqueues_a_removal(compendium, indicators, enqueued, committed):
    with committed():
        case = make_case(compendium, indicators, title="Zanzibar water kiosks")
    with committed():
        case.unpublish()
    assert enqueued[-1] == ("remove_documents", ("cases", [case.pk]))
    assert search("Zanzibar").total == 0


@pytest.mark.django_db
def test_a_view_restriction_reindexes_the_pages_below_it(
    compendium, indicators, enqueued, committed
):
    from wagtail.models import PageViewRestriction

    with committed():
        first = make_case(compendium, indicators, title="Zanzibar one", slug="one")
        second = make_case(compendium, indicators, title="Zanzibar two", slug="two")
    enqueued.clear()
    with committed():
        PageViewRestriction.objects.create(
            page=compendium, restriction_type=PageViewRestriction.LOGIN
        )
    assert enqueued == [("index_documents", ("cases", sorted([first.pk, second.pk])))]
    assert search("Zanzibar").total == 0


@pytest.mark.django_db
def test_rebuild_can_be_enqueued(compendium, indicators, enqueued, committed):
    with committed():
        make_case(compendium, indicators, title="Zanzibar water kiosks")
    enqueued.clear()
    out = StringIO()
    call_command("rebuild_search_index", "--enqueue", stdout=out)
    assert enqueued == [("rebuild_index", ("cases", None))]
    assert "queued" in out.getvalue()
    assert search("Zanzibar").total == 1


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def fresh_content_types():
    """A transactional test starts after a flush that re-created the content types under new
    ids: forget the cached ones before any page is made."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the database queue's worker is exercised on PostgreSQL (CI runs both)",
)
# serialized_rollback: start from the migrated data (locales, roles), whatever ran before.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_queue_indexes_only_when_the_worker_runs(
    fresh_content_types, taxonomy, home_page, settings
):
    """Production's queue: publishing stores a task row; `db_worker` runs it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_QUEUE  # setting_changed resets django_tasks' backends
    compendium = make_compendium(home_page)
    indicators = list(Indicator.objects.filter(framework__key="losi_2024")[:1])
    case = make_case(compendium, indicators, title="Zanzibar water kiosks")
    rows = DBTaskResult.objects.filter(task_path="search.tasks.index_documents")
    assert rows.count() == 1 and rows.get().status == "READY"
    assert search("Zanzibar").total == 0

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())

    assert rows.get().status == "SUCCESSFUL"
    assert [hit.page_id for hit in search("Zanzibar").hits] == [case.pk]
