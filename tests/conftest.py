from io import StringIO

import pytest
from django.core.management import call_command

TRANSACTIONAL = {"transactional_db", "live_server"}


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated data afterwards (serialized rollback).

    A plain transactional flush re-runs post_migrate, which re-creates content types under
    new ids; the next test that restores the serialized data then collides with them. Mixing
    the two kinds broke the browser tests on PostgreSQL, so no test may be of the plain kind.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = TRANSACTIONAL & set(getattr(item, "fixturenames", ())) or (
            marker is not None and marker.kwargs.get("transaction")
        )
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture
def taxonomy(db):
    """The shipped reference taxonomy, loaded the way `make run` loads it."""
    call_command("load_frameworks", stdout=StringIO())


@pytest.fixture
def home_page(db):
    from cms.demo import ensure_home_page

    home, _ = ensure_home_page()
    return home


@pytest.fixture
def shipped_cases(taxonomy, home_page):
    """The 43 shipped compendium cases, imported as `make run` does."""
    call_command("import_cases", stdout=StringIO(), stderr=StringIO(), verbosity=0)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits and cached lookups must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
