"""Property: whatever a reader (or a robot) puts in a search URL, the answer is a page
(200) or a refusal (400), never a server error. Every compendium parameter, the site-wide
search and the suggestion endpoint are fed arbitrary text and integers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from best_practices.indexers import CASES

pytestmark = pytest.mark.django_db

PARAMETERS = ["q", "sort", "page", "view", *(facet.name for facet in CASES.facets)]
HOSTILE = [
    '"',
    "'",
    "*",
    "(",
    ")",
    "AND",
    "OR NOT",
    "NEAR(",
    ":",
    "-",
    "^",
    "\x00",
    "²",
    "٣",
    "𝟙",
    "\ud800",
    "9" * 40,
    "-1",
    "0",
]
values = st.one_of(
    st.text(max_size=300),
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.lists(st.sampled_from([*HOSTILE, "a", " ", "é"]), max_size=400).map("".join),
)
query_strings = st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=6)
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    # The corpus fixture is set up once for the module; every example only reads it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def get(client, path, pairs):
    from urllib.parse import quote

    query = "&".join(
        f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'), safe='')}"
        for name, value in pairs
    )
    return client.get(f"{path}?{query}")


@EXAMPLES
@given(pairs=query_strings)
def test_the_compendium_never_fails(corpus, client, pairs):
    from best_practices.models import CompendiumPage

    path = CompendiumPage.objects.get().url
    assert get(client, path, pairs).status_code in (200, 400)


@EXAMPLES
@given(pairs=query_strings)
def test_site_search_and_suggestions_never_fail(corpus, client, pairs):
    for path in ("/en/search/", "/en/search/suggest/"):
        assert get(client, path, pairs).status_code in (200, 400)
