from io import StringIO

import pytest
from django.core.management import call_command


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
