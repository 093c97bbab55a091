"""The XSS corpus (tests/security/xss_payloads.txt, 69 strings) through every field a person
or a file can fill: search parameters and their highlights, the case proposal form, the
registration form, case imports. Whatever is stored and shown, nothing executable comes out.
The scanner itself is tested first, so a scanner that sees nothing cannot pass the suite."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.html import escape

from best_practices.models import CaseStudyPage
from tests.cms.factories import LearnerFactory
from tests.security.html_safety import PAYLOADS, assert_nothing_executable, executable_parts

pytestmark = pytest.mark.django_db

SEARCH_PARAMETERS = ("q", "indicator", "dimension", "country", "region", "year", "level")


def test_the_corpus_has_at_least_fifty_payloads():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        "<iframe src=x></iframe>",
        '<div style="width: expression(alert(1))">x</div>',
        '<meta http-equiv="refresh" content="0;url=x">',
        "<svg onload=alert(1)>",
        '<form action="javascript:alert(1)"></form>',
    ],
)
def test_the_scanner_flags_executable_markup(fragment):
    """Every other test here relies on the scanner: it must see what a browser would run."""
    assert executable_parts(f"<p>{fragment}</p>")


def test_the_scanner_passes_every_payload_once_escaped():
    for payload in PAYLOADS:
        assert not executable_parts(f'<p title="{escape(payload)}">{escape(payload)}</p>')


def test_search_parameters_and_highlights_never_echo_markup(client, shipped_cases):
    for payload in PAYLOADS:
        for parameter in SEARCH_PARAMETERS:
            response = client.get("/en/compendium/", {parameter: payload})
            assert response.status_code in (200, 400), (parameter, payload)
            assert_nothing_executable(response.content.decode(), f"compendium {parameter}")
        response = client.get("/en/search/", {"q": payload})
        assert response.status_code in (200, 400)
        assert_nothing_executable(response.content.decode(), "site search")
        response = client.get("/en/search/suggest/", {"q": payload})
        assert response.status_code in (200, 400)
        assert response["Content-Type"].startswith("application/json")


def _case_rows(payload_slice):
    out = StringIO()
    rows = [
        {
            "slug": f"xss-case-{number}",
            "title": f"Open budget {payload}",
            "summary": f"Summary {payload}",
            "country": "SN",
            "city": f"Dakar {payload}",
            "level": "local",
            "year_started": 2020,
            "indicators": "losi_2024:pe-219",
            "themes": f"budget; {payload[:60]}",
            "contact_organisation": f"City {payload}",
            "context": f"Context {payload}",
            "what_was_done": f"Done {payload}",
            "results": f"Results {payload}",
            "lessons_learned": f"Lessons {payload}",
        }
        for number, payload in enumerate(payload_slice)
    ]
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_imported_cases_with_payloads_render_safely(client, taxonomy, home_page, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(_case_rows(PAYLOADS), encoding="utf-8")
    call_command("import_cases", str(path), stdout=StringIO(), stderr=StringIO(), verbosity=0)
    cases = list(CaseStudyPage.objects.filter(slug__startswith="xss-case-"))
    assert len(cases) == len(PAYLOADS)
    for case in cases:
        for field in ("title", "summary", "city", "contact_organisation"):
            assert "<" not in getattr(case, field), (field, getattr(case, field))
        html = client.get(case.url).content.decode()
        assert_nothing_executable(html, case.slug)
    listing = client.get("/en/compendium/", {"q": "budget alert"}).content.decode()
    assert_nothing_executable(listing, "compendium hits with highlights")
    site = client.get("/en/search/", {"q": "open budget"}).content.decode()
    assert_nothing_executable(site, "site search hits")


def test_proposals_with_payloads_are_stored_and_shown_safely(client, taxonomy, home_page):
    from best_practices.services import ensure_compendium
    from toolkit.models import Indicator

    ensure_compendium(home_page)
    indicator = Indicator.objects.get(framework__key="losi_2024", key="pe-219")
    learner = LearnerFactory()
    client.force_login(learner)
    for payload in PAYLOADS[:25]:
        response = client.post(
            "/en/cases/propose/",
            {
                "title": f"Budget {payload}",
                "summary": f"Summary {payload}",
                "country": "SN",
                "city": f"Dakar {payload}",
                "government_level": "local",
                "year_started": 2020,
                "language": "en",
                "indicators": [indicator.pk],
                "context": f"Context {payload}",
                "what_was_done": f"Done {payload}",
                "results": f"Results {payload}",
                "lessons_learned": f"Lessons {payload}",
                "contact_organisation": f"City {payload}",
            },
        )
        assert response.status_code in (200, 302)
        assert_nothing_executable(response.content.decode(), "proposal form")
    proposals = CaseStudyPage.objects.filter(proposed_by=learner)
    assert proposals.exists()
    for case in proposals:
        assert "<" not in case.title
        case.save_revision().publish()
        assert_nothing_executable(client.get(case.url).content.decode(), case.title)
    assert_nothing_executable(client.get("/en/cases/mine/").content.decode(), "my proposals")


def test_account_fields_with_payloads_render_safely(client, home_page):
    for payload in PAYLOADS[:20]:
        user = LearnerFactory(first_name=payload, last_name=payload, organisation=payload)
        client.force_login(user)
        assert_nothing_executable(client.get("/en/").content.decode(), "signed-in header")
        client.logout()
        response = client.post(
            "/en/accounts/register/",
            {
                "email": "someone@example.org",
                "first_name": payload,
                "last_name": payload,
                "organisation": payload,
                "password1": "x",
                "password2": "y",
            },
        )
        assert response.status_code in (200, 302, 429)
        assert_nothing_executable(response.content.decode(), "registration form")
