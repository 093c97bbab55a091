"""Search tests: the shipped cases indexed the way publishing indexes them (each publish
enqueues a task on commit; the test settings run tasks at once), once per module."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def shipped_cases(corpus):
    """The 43 shipped cases, indexed through the publish signals (see shipped_corpus)."""
    return corpus


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block enqueued on commit, as a real commit would."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture(scope="module")
def shipped_corpus(django_db_setup, django_db_blocker):
    """The shipped taxonomy and cases, imported and indexed once per test module inside a
    transaction that is rolled back after the module; each test runs in a savepoint within
    it. (Importing takes seconds: per test it would make the suites minutes long.) Read-only
    suites use it through `corpus`."""
    from django.db import connection, transaction

    from cms.demo import ensure_home_page

    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            pending_before = len(connection.run_on_commit)
            call_command("load_frameworks", stdout=StringIO())
            ensure_home_page()
            call_command("import_cases", stdout=StringIO(), stderr=StringIO(), verbosity=0)
            # Run what the imports enqueued on commit (the index tasks), as a commit would.
            pending = connection.run_on_commit[pending_before:]
            del connection.run_on_commit[pending_before:]
            for _savepoints, callback, _robust in pending:
                callback()
            yield
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def corpus(shipped_corpus, db):
    """The shipped cases, indexed (shared by the module, see shipped_corpus)."""
    from django.core.cache import cache

    cache.clear()
    return shipped_corpus
