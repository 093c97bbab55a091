"""Shared plumbing for benchmarks: a throw-away database (SQLite by default, PostgreSQL when
DATABASE_URL points at it), percentiles, and the JSON report in bench/results/."""

from __future__ import annotations

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
