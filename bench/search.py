"""Compendium search latency (with every facet count) and indexing throughput.

    python -m bench.search --size 10000 [--backend database] [--queries 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.search --size 100000

Generates a synthetic corpus of N published cases in a scratch database: words drawn from the
shipped guides and cases (so term frequencies are realistic), facet values with skewed,
realistic distributions. Indexes it with the backend's bulk path (timed: cases/s), then runs a
fixed, seeded mix of queries (free text; text + 2 facets; facets only; a rare term; the very
common "government") and reports p50/p95/p99 per kind and overall, through the service layer
(search.services), once with its answer cache off and once with it on (empty at the start). Writes
bench/results/search-<size>-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
import uuid
from collections import Counter
from pathlib import Path

from bench.common import (
    environment,
    print_table,
    scratch_database,
    setup_django,
    summarise_ms,
    write_report,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261124
BATCH = 2000

COUNTRY_WEIGHTS = {
    "BR": 6,
    "FR": 5,
    "ES": 5,
    "US": 5,
    "KR": 4,
    "EE": 3,
    "AZ": 3,
    "BJ": 3,
    "SN": 3,
    "KE": 3,
    "IN": 4,
    "MX": 3,
    "CO": 3,
    "AR": 3,
    "UY": 2,
    "RW": 2,
    "GH": 2,
    "MU": 2,
    "MA": 2,
    "VN": 3,
    "ID": 3,
    "PT": 2,
    "AT": 2,
    "NL": 2,
    "FI": 2,
    "DK": 2,
    "GB": 3,
    "SG": 2,
    "AE": 2,
    "SA": 2,
    "KZ": 2,
    "UA": 2,
    "ZA": 2,
    "CA": 2,
    "JP": 2,
    "NG": 2,
    "EG": 2,
    "TN": 1,
    "CL": 1,
    "PE": 1,
}
LANGUAGE_WEIGHTS = {"en": 70, "fr": 12, "es": 10, "pt": 3, "ar": 3, "ru": 2}


def vocabulary() -> list[str]:
    """Every word of the shipped content, with repeats: sampling keeps real frequencies."""
    words = []
    for path in list((ROOT / "toolkit" / "content").rglob("*.md")) + list(
        (ROOT / "best_practices" / "content").rglob("*.md")
    ):
        text = path.read_text(encoding="utf-8").split("---", 2)[-1]
        words.extend(w.lower() for w in re.findall(r"[^\W\d_]{3,}", text))
    return words


def make_corpus(size: int, words: list[str], rng: random.Random):
    from best_practices.regions import area_for
    from toolkit.models import Indicator

    indicator_ids = list(
        Indicator.objects.filter(framework__is_reference_only=False).values_list("id", flat=True)
    )
    countries = list(COUNTRY_WEIGHTS)
    country_weights = list(COUNTRY_WEIGHTS.values())
    languages = list(LANGUAGE_WEIGHTS)
    language_weights = list(LANGUAGE_WEIGHTS.values())
    for number in range(size):
        country = rng.choices(countries, country_weights)[0]
        level = "local" if rng.random() < 0.6 else "national"
        title = " ".join(rng.choices(words, k=rng.randint(4, 8))).capitalize()
        summary = " ".join(rng.choices(words, k=25))
        body = " ".join(rng.choices(words, k=rng.randint(120, 220)))
        yield {
            "number": number,
            "title": title[:200],
            "summary": summary[:300],
            "body": body,
            "country": country,
            "region": area_for(country).most_specific_region,
            "city": rng.choice(words).capitalize() if level == "local" else "",
            "level": level,
            "year": min(2025, 2000 + int(rng.triangular(0, 26, 22))),
            "language": rng.choices(languages, language_weights)[0],
            "indicators": rng.sample(indicator_ids, rng.randint(1, 4)),
            "sdgs": rng.sample(range(1, 18), rng.randint(0, 3)),
        }


def insert_corpus(size: int, rng: random.Random) -> float:
    """Bulk-insert live CaseStudyPage rows (pages, child rows, M2M rows); returns seconds.
    Wagtail's add_child would take an hour at 100k: the benchmark measures search, not it."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from best_practices.models import CaseStudyPage
    from best_practices.services import ensure_compendium
    from cms.demo import ensure_home_page
    from toolkit.models import SustainableDevelopmentGoal

    home, _ = ensure_home_page()
    compendium = ensure_compendium(home)
    content_type = ContentType.objects.get_for_model(CaseStudyPage)
    locale = Locale.get_default()
    sdg_ids = dict(SustainableDevelopmentGoal.objects.values_list("number", "id"))
    child_table = CaseStudyPage._meta.db_table
    indicator_through = CaseStudyPage.indicators.through
    sdg_through = CaseStudyPage.sdgs.through
    words = vocabulary()
    start = time.perf_counter()
    now = timezone.now()
    batch: list[dict] = []

    def flush(rows):
        with transaction.atomic():
            pages = Page.objects.bulk_create(
                [
                    Page(
                        path=Page._get_path(
                            compendium.path, compendium.depth + 1, row["number"] + 1
                        ),
                        depth=compendium.depth + 1,
                        numchild=0,
                        title=row["title"],
                        draft_title=row["title"],
                        slug=f"bench-case-{row['number']}",
                        url_path=f"{compendium.url_path}bench-case-{row['number']}/",
                        content_type=content_type,
                        live=True,
                        first_published_at=now - timezone.timedelta(minutes=row["number"]),
                        last_published_at=now,
                        locale=locale,
                        translation_key=uuid.uuid4(),
                    )
                    for row in rows
                ]
            )
            if pages[0].pk is None:  # backends that do not return ids
                pages = list(Page.objects.filter(slug__in=[p.slug for p in pages]).order_by("path"))
            with connection.cursor() as cursor:
                cursor.executemany(  # the table name comes from the model, not from input
                    f"INSERT INTO {child_table} (page_ptr_id, summary, source_path, source_hash, "
                    "body, country, city, region, government_level, year_started, status, "
                    "language, contact_organisation) "
                    "VALUES (%s, %s, '', '', %s, %s, %s, %s, %s, %s, 'ongoing', %s, '')",
                    [
                        (
                            page.pk,
                            row["summary"],
                            json.dumps(
                                [
                                    {
                                        "type": "context",
                                        "value": f"<p>{row['body']}</p>",
                                        "id": str(uuid.uuid4()),
                                    }
                                ]
                            ),
                            row["country"],
                            row["city"],
                            row["region"],
                            row["level"],
                            row["year"],
                            row["language"],
                        )
                        for page, row in zip(pages, rows, strict=True)
                    ],
                )
            indicator_through.objects.bulk_create(
                [
                    indicator_through(casestudypage_id=page.pk, indicator_id=indicator)
                    for page, row in zip(pages, rows, strict=True)
                    for indicator in row["indicators"]
                ]
            )
            sdg_through.objects.bulk_create(
                [
                    sdg_through(casestudypage_id=page.pk, sustainabledevelopmentgoal_id=sdg_ids[n])
                    for page, row in zip(pages, rows, strict=True)
                    for n in row["sdgs"]
                ]
            )

    for row in make_corpus(size, words, rng):
        batch.append(row)
        if len(batch) == BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    Page.objects.filter(pk=compendium.pk).update(numchild=size)
    return time.perf_counter() - start


def index_corpus(backend_name: str) -> tuple[int, float]:
    """Index every case through the backend's rebuild (the bulk path); returns (count,
    seconds)."""
    from search.services import get_backend

    start = time.perf_counter()
    count = get_backend(backend_name).rebuild()
    return count, time.perf_counter() - start


def query_mix(words: list[str], rng: random.Random, total: int) -> list[tuple[str, dict]]:
    """A fixed mix: 30% text, 25% text + 2 facets, 25% facets only, 10% rare, 10% common."""
    from best_practices.regions import area_for

    frequency = Counter(words)
    common = [w for w, n in frequency.most_common(400) if len(w) > 4][50:]
    rare = [w for w, n in frequency.items() if n == 2 and len(w) > 6]
    regions = sorted({area_for(c).most_specific_region for c in COUNTRY_WEIGHTS})
    kinds = (
        ["text"] * 30
        + ["text+2 facets"] * 25
        + ["facets only"] * 25
        + ["rare term"] * 10
        + ["common term"] * 10
    )
    mix = []
    for number in range(total):
        kind = kinds[number % len(kinds)]
        text, filters = "", {}
        if kind in ("text", "text+2 facets"):
            text = " ".join(rng.sample(common, rng.randint(1, 3)))
        if kind in ("text+2 facets", "facets only"):
            filters = {
                "region": [rng.choice(regions)],
                "level": [rng.choice(["local", "national"])],
            }
            if kind == "facets only":
                filters["sdg"] = [str(rng.randint(1, 17))]
        if kind == "rare term":
            text = rng.choice(rare)
        if kind == "common term":
            text = "government"
        mix.append((kind, {"query": text, "filters": filters}))
    return mix


def _request(params):
    from search.types import SearchRequest

    return SearchRequest(
        query=params["query"], filters={k: tuple(v) for k, v in params["filters"].items()}
    )


def run_queries(backend_name: str, mix, warm_up, cache_seconds: int) -> dict:
    """Time the mix with the backend's answer cache on (as deployed) or off (every query
    computed). The cache starts empty; warm-up queries (not in the mix) only warm the
    database and Python."""
    from django.core.cache import cache
    from django.test.utils import override_settings

    from search.services import get_backend, search_request

    backend = get_backend(backend_name)
    by_kind: dict[str, list[float]] = {}
    totals = []
    with override_settings(SEARCH_CACHE_SECONDS=cache_seconds):
        for _kind, params in warm_up:
            search_request(_request(params), backend=backend)
        cache.clear()
        for kind, params in mix:
            request = _request(params)
            start = time.perf_counter()
            # Through the service layer, as the compendium page asks: it caches answers
            # and falls back to any word, for every backend.
            response = search_request(request, backend=backend)
            elapsed = time.perf_counter() - start
            assert response.facets, "facet counts are part of every answer"
            by_kind.setdefault(kind, []).append(elapsed)
            totals.append(response.total)
    samples = [s for values in by_kind.values() for s in values]
    return {
        "cache_seconds": cache_seconds,
        "overall": summarise_ms(samples),
        "by_kind": {kind: summarise_ms(values) for kind, values in by_kind.items()},
        "mean_hits": round(sum(totals) / len(totals), 1),
    }


def print_results(title: str, results: dict) -> None:
    rows = [
        [kind, r["p50_ms"], r["p95_ms"], r["p99_ms"], r["samples"]]
        for kind, r in results["by_kind"].items()
    ]
    overall = results["overall"]
    rows.append(
        ["ALL", overall["p50_ms"], overall["p95_ms"], overall["p99_ms"], overall["samples"]]
    )
    print(title)
    print_table(["query kind", "p50 ms", "p95 ms", "p99 ms", "n"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backend", default="database", choices=["database", "elasticsearch"])
    args = parser.parse_args()
    setup_django()
    from io import StringIO

    from django.core.management import call_command

    rng = random.Random(SEED)
    with scratch_database():
        call_command("load_frameworks", stdout=StringIO())
        insert_seconds = insert_corpus(args.size, rng)
        indexed, index_seconds = index_corpus(args.backend)
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        mix = query_mix(vocabulary(), random.Random(SEED), args.queries)
        warm_up = query_mix(vocabulary(), random.Random(SEED + 1), 10)
        uncached = run_queries(args.backend, mix, warm_up, cache_seconds=0)
        cached = run_queries(args.backend, mix, warm_up, cache_seconds=600)
        report = {
            "benchmark": "search",
            "backend": args.backend,
            "environment": environment(),
            "size": args.size,
            "queries": len(mix),
            "corpus_insert_seconds": round(insert_seconds, 1),
            "indexing": {
                "cases": indexed,
                "seconds": round(index_seconds, 2),
                "cases_per_second": round(indexed / index_seconds, 1) if index_seconds else None,
            },
            "latency_including_facets": {"cache_on": cached, "cache_off": uncached},
        }
    print(f"{args.size} cases, {args.backend} backend on {report['environment']['database']}")
    print_results("Answer cache on (as deployed; the mix repeats some queries):", cached)
    print_results("Answer cache off (every query computed):", uncached)
    print(f"indexing: {report['indexing']['cases_per_second']} cases/s")
    path = write_report(f"search-{args.size}", report)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
