"""Shared plumbing for benchmarks: a throw-away database (SQLite by default, PostgreSQL when
DATABASE_URL points at it), percentiles, and the JSON report in bench/results/."""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def setup_django(settings_module: str = "cms.settings.test") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


@contextmanager
def scratch_database(keep: bool = False):
    """A fresh, migrated database (test_<name> on PostgreSQL, a file in bench/results/ on
    SQLite), dropped afterwards unless `keep`."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        # A file, as the site uses (Django's test default would be an in-memory database).
        RESULTS_DIR.mkdir(exist_ok=True)
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
            RESULTS_DIR / "scratch.sqlite3"
        )
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield connection
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summarise_ms(samples: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(samples) * 1000, 2),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(samples) * 1000, 2),
        "samples": len(samples),
    }


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def environment() -> dict:
    from django.db import connection

    return {
        "database": connection.vendor,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


def write_report(name: str, report: dict) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    vendor = report.get("environment", {}).get("database", "db")
    path = RESULTS_DIR / f"{name}-{vendor}.json"
    path.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return path


def print_table(headers: list[str], rows: list[list]) -> None:
    widths = [
        max(len(str(x)) for x in [h, *(row[i] for row in rows)]) for i, h in enumerate(headers)
    ]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


def measure_view(client, url: str, iterations: int, warm: int = 3, freeze: bool = False) -> dict:
    """Server time of one URL through the test client (middleware, view, templates), its
    query count and size. `freeze` measures a server's steady state: gunicorn.conf.py freezes
    what the process loaded before forking, and the benchmark's own data (built above) would
    otherwise be rescanned by every full collection and timed instead of the view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm):  # warm caches, as a running server would be
        client.get(url)
    if freeze:
        gc.collect()
        gc.freeze()
    connection.queries_log.clear()  # a full log (9000 entries) would hide new queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)  # read now: the next request resets the connection's log
    assert response.status_code == 200, (url, response.status_code)
    samples = [timed(client.get, url)[0] for _ in range(iterations)]
    return {
        "url": url,
        "queries": query_count,
        "bytes": len(response.content),
        **summarise_ms(samples),
    }


def print_results(label: str, results: dict) -> None:
    print_table(
        [label, "p50 ms", "p95 ms", "p99 ms", "queries", "KB"],
        [
            [name, r["p50_ms"], r["p95_ms"], r["p99_ms"], r["queries"], round(r["bytes"] / 1024, 1)]
            for name, r in results.items()
        ],
    )
