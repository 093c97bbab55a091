"""Render time and query count of the toolkit pages.

    python -m bench.pages [--iterations 200] [--cases 500]

Builds a scratch database with the shipped taxonomy and toolkits, tags --cases synthetic
compendium cases to the measured guide's indicator, then renders the Local toolkit landing
page, a dimension page and a guide page through Django's test client (middleware, view and
templates: the server's work, without network). Prints p50/p95/p99 and query counts, and
writes bench/results/pages-<database>.json.
"""

from __future__ import annotations

import argparse
from io import StringIO

from bench.common import (
    environment,
    measure_view,
    print_results,
    scratch_database,
    setup_django,
    write_report,
)

GUIDE_KEY = "if-281"


def build_site(case_count: int):
    from django.core.management import call_command

    from best_practices.models import CaseStudyPage, CompendiumPage
    from cms.demo import ensure_home_page
    from toolkit.models import Indicator

    call_command("load_frameworks", stdout=StringIO())
    home, _ = ensure_home_page()
    call_command("import_toolkit", stdout=StringIO(), stderr=StringIO(), verbosity=0)
    compendium = CompendiumPage(title="Compendium", slug="compendium")
    home.add_child(instance=compendium)
    indicator = Indicator.objects.get(framework__key="losi_2024", key=GUIDE_KEY)
    body = [{"type": "context", "value": "<p>Context.</p>"}]
    for number in range(case_count):
        case = CaseStudyPage(
            title=f"Benchmark case {number}",
            slug=f"benchmark-case-{number}",
            summary="A synthetic case for the benchmark.",
            body=body,
            country="SN",
            city="Dakar",
            government_level="local",
            year_started=2015 + number % 10,
            status="ongoing",
        )
        case.indicators = [indicator]
        compendium.add_child(instance=case)
    return indicator.guides.get()


def measure(client, url: str, iterations: int) -> dict:
    return measure_view(client, url, iterations, warm=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--cases", type=int, default=500)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    with scratch_database():
        guide = build_site(args.cases)
        dimension = guide.get_parent()
        toolkit = dimension.get_parent()
        client = Client()
        pages = {
            "landing": toolkit.url,
            "dimension": dimension.url,
            "guide": guide.url,
        }
        results = {name: measure(client, url, args.iterations) for name, url in pages.items()}
        report = {
            "benchmark": "pages",
            "environment": environment(),
            "related_cases": args.cases,
            "iterations": args.iterations,
            "results": results,
        }
    print_results("page", results)
    print(f"written to {write_report('pages', report)}")


if __name__ == "__main__":
    main()
