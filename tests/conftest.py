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
