"""Quiz load scenario: N learners start a quiz at the same moment against the real server.

    python -m bench.load.run [--users 200 500 1000] [--duration 180] [--think 3-8]
                             [--questions 16] [--per-page 4] [--workers N] [--threads N]
                             [--cold-versions] [--keep-db] [--keep-files]

Builds a PostgreSQL database of its own (bench_load, dropped afterwards unless --keep-db)
with the production settings (cms.settings.production: DEBUG off, Redis cache and sessions,
WhiteNoise static files), the shipped taxonomy, toolkits, courses, question banks and module
quizzes, plus one quiz like the Moodle load test's (16 questions drawn from four modules'
criteria, 4 per page, shuffled). It makes the largest cohort of learners in bulk (enrolled,
no password hashing) with a signed-in session each. For each N it deletes the attempts of
the previous level, starts gunicorn afresh with the project's gunicorn.conf.py on a free
loopback port, warms it with a few learners, and runs Locust headless
(bench/load/locustfile.py: quiz page, then at one moment start, pages, autosave after each
answer with think time, next, summary, submit, review) bounded by --duration. While Locust
runs it samples CPU (machine, gunicorn, PostgreSQL, Locust), gunicorn's accept queue and the
database's connections. Then it measures each request kind alone (the service demand).
Prints p50/p95/p99 and failures per request kind and writes bench/results/load.json.
gunicorn and Locust are stopped on any exit. See bench/load/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from datetime import timedelta
from http.client import HTTPConnection
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
import psycopg

from bench.common import RESULTS_DIR, print_table

BASE_DIR = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
SETTINGS = "cms.settings.production"
LEARNER_DOMAIN = "load.example.org"
# The backend Django's login() records for a site sign-in (axes' backend only refuses).
SESSION_BACKEND = "cms.accounts.VerifiedEmailBackend"
WARM_LEARNERS = 10
# Shipped content, in load_demo_content's order (which refuses production settings).
CONTENT_COMMANDS = (
    "load_frameworks",
    "import_cases",
    "import_toolkit",
    "import_courses",
    "import_questions",
    "import_quizzes",
)
KINDS = ("quiz page", "start", "page", "autosave", "next", "summary", "submit", "review")


# --- the database and the site ---------------------------------------------------------------


def maintenance_connection(database_url: str):
    """A connection to the server's `postgres` database, for CREATE and DROP DATABASE."""
    parts = urlsplit(database_url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


# One load run at a time per PostgreSQL server: a second would drop the first's database, and
# two would share the CPUs anyway. The lock is PostgreSQL's, so it ends with the connection.
RUN_LOCK = 0x62656E63  # "benc"


def take_run_lock(database_url: str):
    """The connection that holds the run's lock, or an exit when another run holds it."""
    connection = maintenance_connection(database_url)
    if not connection.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK]).fetchone()[0]:
        connection.close()
        raise SystemExit("Another load run is in progress on this PostgreSQL server: wait for it.")
    return connection


def recreate_database(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    with maintenance_connection(database_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    with maintenance_connection(database_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_content() -> None:
    from django.core.management import call_command

    from cms.demo import ensure_home_page
    from cms.locales import ensure_locales

    call_command("migrate", interactive=False, verbosity=0)
    ensure_home_page()
    ensure_locales()
    for command in CONTENT_COMMANDS:
        started = time.perf_counter()
        call_command(command, verbosity=0, stdout=StringIO())
        print(f"  {command}: {time.perf_counter() - started:.1f} s", flush=True)


def build_quiz(questions: int, per_page: int):
    """A quiz in the first module of the English local course drawing `questions` questions
    at random, four from each module's criterion in turn (each criterion has at least eight
    tagged questions), shuffled, `per_page` a page: the shape of Moodle's 16-question test."""
    from courses.models import CoursePage, ModulePage
    from courses.services import deferred_sync
    from quizzes.models import Question, QuizPage, QuizSlot

    course = (
        CoursePage.objects.live().filter(locale__language_code="en", slug="local").first()
    ) or CoursePage.objects.live().filter(locale__language_code="en").order_by("path").first()
    modules = list(
        ModulePage.objects.live().child_of(course).filter(criterion__isnull=False).order_by("path")
    )
    slots, left = [], questions
    while left > 0:
        added = 0
        for module in modules:
            used = sum(slot.draw_count for slot in slots if slot.draw_criterion == module.criterion)
            pool = Question.objects.tagged().filter(indicators__criterion=module.criterion).count()
            count = min(4, left, pool - used)
            if count > 0:
                slots.append(QuizSlot(draw_count=count, draw_criterion=module.criterion))
                left -= count
                added += count
            if left == 0:
                break
        if not added:
            raise SystemExit(f"The question bank has fewer than {questions} tagged questions.")
    quiz = QuizPage(
        title="Load test quiz",
        slug="load-test-quiz",
        summary="The load scenario's quiz.",
        questions_per_page=per_page,
        after_submit_answers=True,
    )
    quiz.slots = slots
    with deferred_sync():
        modules[0].add_child(instance=quiz)
        quiz.save_revision().publish()
    return course, QuizPage.objects.get(pk=quiz.pk)


def version_questions() -> int:
    """Fix the current version of every taggable question now, as their first attempts would.
    Without it, the first learners to draw a question race to create its version (see the
    README: a start then fails with a 500); --cold-versions measures that case. The version
    rule has one home, quizzes.services, so it is called rather than copied."""
    from quizzes.models import Question
    from quizzes.services import _versions

    return len(_versions(Question.objects.tagged().prefetch_related("choices", "indicators")))


def make_learners(course, count: int) -> list[dict]:
    """`count` enrolled learners, each with a signed-in session (as Django's login() leaves
    it) and a CSRF secret: no sign-in requests, so no password hashing, and django-axes never
    counts anything (it acts on sign-in attempts only)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from courses.models import Enrolment

    User = get_user_model()
    users = []
    for n in range(count):
        user = User(
            email=f"learner-{n:05d}@{LEARNER_DOMAIN}", first_name="Learner", last_name=str(n)
        )
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users, batch_size=2000)
    Enrolment.objects.bulk_create(
        [Enrolment(user=u, course_key=course.translation_key, source="self") for u in users],
        batch_size=2000,
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    Session = store.get_model_class()
    expires = timezone.now() + timedelta(days=2)
    rows, learners = [], []
    for user in users:
        key = get_random_string(32, string.ascii_lowercase + string.digits)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: SESSION_BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(
            Session(session_key=key, session_data=store().encode(data), expire_date=expires)
        )
        learners.append(
            {
                "email": user.email,
                "session": key,
                "csrf": get_random_string(32, string.ascii_letters + string.digits),
            }
        )
    Session.objects.bulk_create(rows, batch_size=2000)
    return learners


def reset_attempts() -> None:
    """Each level starts as the first did: no attempt, mastery, evidence or completion."""
    from django.db import connection

    from courses.models import Certificate, ItemCompletion
    from quizzes.models import Attempt, Evidence, Mastery

    learners = {"user__email__endswith": f"@{LEARNER_DOMAIN}"}
    for model in (Evidence, Mastery, ItemCompletion, Certificate, Attempt):
        model.objects.filter(**learners).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


# --- processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen | None, grace: float = 10) -> None:
    """Stop a process started here and everything it started (its own process group)."""
    if process is None or process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def wait_until_answering(host: str, port: int, process: subprocess.Popen, timeout=120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with suppress(OSError):
            connection = HTTPConnection(host, port, timeout=5)
            connection.request("GET", "/")
            status = connection.getresponse().status
            connection.close()
            if status < 500:
                return
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer in time")


def wait_for_quiet(limit_s: float, threshold: float = 20.0) -> float:
    """On a shared machine, wait (at most `limit_s`) until other work leaves the CPUs mostly
    idle before a level starts; returns the machine's CPU % when the level starts."""
    deadline = time.monotonic() + limit_s
    busy = psutil.cpu_percent(interval=3)
    while busy > threshold and time.monotonic() < deadline:
        busy = psutil.cpu_percent(interval=5)
    return busy


class Server:
    """gunicorn with the project's gunicorn.conf.py on a loopback port, started afresh for
    each level: requests still queued when a level ends die with it instead of writing
    into the next level's reset."""

    def __init__(self, args, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.command = [
            sys.executable, "-m", "gunicorn", "cms.wsgi", "--config", "gunicorn.conf.py",
            "--timeout", str(args.timeout),
        ]  # fmt: skip
        if args.threads > 1:
            self.command += ["--threads", str(args.threads)]
        workers = int(env.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
        self.options = {
            "workers": workers,
            "threads": args.threads,
            "worker_class": "gthread" if args.threads > 1 else "sync",
            "timeout_s": args.timeout,
            "config": "gunicorn.conf.py (preload_app, max_requests 2000 +- 200, gc.freeze)",
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> subprocess.Popen:
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                self.command, cwd=BASE_DIR, env=self.env, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_until_answering("127.0.0.1", self.port, self.process)
        return self.process

    def stop(self) -> None:
        stop(self.process, grace=40)  # gunicorn's graceful timeout is 30 s
        self.process = None

    def check(self) -> None:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"gunicorn died:\n{tail(self.log)}")


def tail(path: Path, lines: int = 30) -> str:
    with suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


class Sampler(threading.Thread):
    """Once a second: the machine's CPU, gunicorn's accept queue (connections waiting for a
    free worker: Recv-Q of the listening socket) and the database's connections."""

    def __init__(self, port: int, database_url: str):
        super().__init__(daemon=True)
        self.port, self.database_url = port, database_url
        self.halt = threading.Event()
        self.cpu, self.queue, self.connections, self.active, self.waiting = [], [], [], [], []
        # CPU seconds of each PostgreSQL backend serving this database: at the start, and as
        # last seen (backends persist across requests: CONN_MAX_AGE).
        self.backend_start: dict[int, float] = {}
        self.backend_last: dict[int, float] = {}

    def run(self):
        name = urlsplit(self.database_url).path.lstrip("/")
        psutil.cpu_percent()
        with maintenance_connection(self.database_url) as db:
            self.backends(db, name, first=True)
            while not self.halt.wait(1):
                self.cpu.append(psutil.cpu_percent())
                self.backends(db, name)
                self.queue.append(self.accept_queue())
                total, active, waiting = db.execute(
                    "SELECT count(*), count(*) FILTER (WHERE state = 'active'),"
                    " count(*) FILTER (WHERE wait_event_type = 'Lock')"
                    " FROM pg_stat_activity WHERE datname = %s",
                    [name],
                ).fetchone()
                self.connections.append(total)
                self.active.append(active)
                self.waiting.append(waiting)

    def backends(self, db, name: str, first: bool = False) -> None:
        pids = db.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])
        for (pid,) in pids.fetchall():
            with suppress(psutil.Error):
                times = psutil.Process(pid).cpu_times()
                self.backend_last[pid] = times.user + times.system
                if first:
                    self.backend_start[pid] = self.backend_last[pid]

    def database_cpu_seconds(self) -> float:
        return sum(last - self.backend_start.get(pid, 0) for pid, last in self.backend_last.items())

    def accept_queue(self) -> int:
        output = subprocess.run(
            ["ss", "-Hltn", f"sport = :{self.port}"], capture_output=True, text=True, check=False
        ).stdout.split()
        return int(output[1]) if len(output) > 1 and output[1].isdigit() else 0

    def summary(self) -> dict:
        def spread(values):
            return {
                "mean": round(statistics.fmean(values), 1) if values else None,
                "max": max(values) if values else None,
            }

        return {
            "machine_cpu_percent": spread(self.cpu),
            "accept_queue": spread(self.queue),
            "db_connections": spread(self.connections),
            "db_active": spread(self.active),
            "db_lock_waits": spread(self.waiting),
        }


def cpu_seconds(root: psutil.Process) -> float:
    """CPU time of a process and its children, living or reaped (recycled gunicorn workers
    count through their parent)."""
    try:
        times = root.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in root.children(recursive=True):
            with suppress(psutil.Error):
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
        return total
    except psutil.Error:
        return 0.0


# --- one level -------------------------------------------------------------------------------


def run_locust(users, args, host, workdir, env, first_learner=0, think=None) -> dict:
    prefix = workdir / f"locust-{users}-{first_learner}"
    summary_path = prefix.with_suffix(".summary.json")
    env = {
        **env,
        "LOAD_SCENARIO": str(workdir / "scenario.json"),
        "LOAD_THINK": think or args.think,
        "LOAD_FIRST_LEARNER": str(first_learner),
        "LOAD_BARRIER_TIMEOUT": str(args.barrier_timeout),
        "LOAD_SUMMARY": str(summary_path),
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "-u", str(users), "-r", str(users), "--run-time", f"{args.duration}s",
        "--host", host, "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    log = prefix.with_suffix(".log")
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            process.wait(args.duration + args.barrier_timeout + 60)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            stop(process)
    if process.returncode not in (0, None) and not timed_out:
        print(tail(log), file=sys.stderr)
    stats = read_stats(Path(f"{prefix}_stats.csv"))
    if not stats:
        raise RuntimeError(f"Locust wrote no statistics; its log:\n{tail(log)}")
    return {
        "stats": stats,
        "failures": read_rows(Path(f"{prefix}_failures.csv")),
        "exceptions": [
            {"count": row["Count"], "message": row["Message"]}
            for row in read_rows(Path(f"{prefix}_exceptions.csv"))
        ],
        "journeys": json.loads(summary_path.read_text()) if summary_path.exists() else None,
        "locust_exit_code": None if timed_out else process.returncode,
        "locust_timed_out": timed_out,
    }


def read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def read_stats(path: Path) -> dict:
    """Per request kind (and "Aggregated"): count, failures, p50/p95/p99/max in ms, req/s.
    Locust's percentiles come from response times rounded to two significant digits."""
    stats = {}
    for row in read_rows(path):
        count = int(row["Request Count"])
        stats[row["Name"]] = {
            "requests": count,
            "failures": int(row["Failure Count"]),
            "p50_ms": number(row["50%"]) if count else None,
            "p95_ms": number(row["95%"]) if count else None,
            "p99_ms": number(row["99%"]) if count else None,
            "max_ms": round(float(row["Max Response Time"])) if count else None,
            "mean_ms": round(float(row["Average Response Time"])) if count else None,
            "requests_per_s": round(float(row["Requests/s"]), 1),
        }
    return stats


def number(text: str):
    with suppress(ValueError):
        return round(float(text))
    return None


def run_level(users, args, host, port, workdir, env, gunicorn) -> dict:
    sampler = Sampler(port, args.database_url)
    server, me = psutil.Process(gunicorn.pid), psutil.Process()
    before = {"gunicorn": cpu_seconds(server)}
    before["locust"] = me.cpu_times().children_user + me.cpu_times().children_system
    started = time.perf_counter()
    sampler.start()
    try:
        result = run_locust(users, args, host, workdir, env)
    finally:
        sampler.halt.set()
        sampler.join(5)
    wall = time.perf_counter() - started
    after_children = me.cpu_times()
    used = {
        "gunicorn": cpu_seconds(server) - before["gunicorn"],
        "postgres": sampler.database_cpu_seconds(),
        # Locust is a child of this process: its time is in ours once it has been reaped.
        "locust": after_children.children_user + after_children.children_system - before["locust"],
    }
    result["resources"] = {
        "wall_s": round(wall, 1),
        "cpu_seconds": {name: round(seconds, 1) for name, seconds in used.items()},
        # Share of the machine (all CPUs) each used over the level.
        "cpu_share_percent": {
            name: round(100 * seconds / (wall * (os.cpu_count() or 1)), 1)
            for name, seconds in used.items()
        },
        **sampler.summary(),
    }
    shares = result["resources"]["cpu_share_percent"]
    machine = result["resources"]["machine_cpu_percent"]["mean"] or 0
    # Whatever else ran on the machine meanwhile (it shares the CPUs with the scenario).
    shares["other"] = round(max(0.0, machine - sum(shares.values())), 1)
    result["resources"]["load_average_1m_after"] = round(os.getloadavg()[0], 2)
    result["users"] = users
    return result


def measure_costs(scenario: dict, learners: list[dict], rounds: int) -> dict:
    """Each request kind's own cost, one request at a time (no queueing, no other load):
    the learner's journey through Django's test client in this process, with the production
    settings. `cpu_ms` is Django's own CPU time; the rest of `wall_ms` is waiting on
    PostgreSQL and Redis. The first journey warms caches and is not counted; the loaded
    objects are frozen out of the garbage collector, as gunicorn.conf.py does."""
    import gc
    import random
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.load.forms import AttemptForm

    samples: dict[str, list[tuple[float, float, int]]] = {kind: [] for kind in KINDS}
    # One client for all: each new one would build the middleware again on its first request
    # (WhiteNoise then scans the static files), which a server does once per worker.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")

    def send(kind, method, url, data=None, **extra):
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            if method == "GET":
                response = client.get(url, **extra)
            else:
                body = urlencode(data or [])
                response = client.post(url, body, "application/x-www-form-urlencoded", **extra)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if counted:
            samples[kind].append((wall, cpu, len(queries)))
        return response

    for n, learner in enumerate(learners[: rounds + 1]):
        counted = n > 0
        if n == 1:
            gc.collect()
            gc.freeze()
        rng = random.Random(n)
        client.cookies.clear()
        client.cookies[scenario["cookies"]["session"]] = learner["session"]
        send("quiz page", "GET", scenario["quiz"]["url"])
        attempt = send("start", "POST", scenario["quiz"]["start"])["Location"]
        page = 1
        while True:
            form = AttemptForm(send("page", "GET", f"{attempt}?page={page}").content.decode())
            answers = []
            for slot in form.slots:
                answers.extend(form.answer(slot, rng))
                send(
                    "autosave",
                    "POST",
                    attempt,
                    form.fields(answers),
                    HTTP_ACCEPT="application/json",
                )
            go = str(page + 1) if str(page + 1) in form.go else "finish"
            send("next", "POST", attempt, [*form.fields(answers), ("go", go)])
            if go == "finish":
                break
            page += 1
        send("summary", "GET", f"{attempt}summary/")
        send("submit", "POST", f"{attempt}submit/")
        send("review", "GET", f"{attempt}review/")
    gc.unfreeze()
    costs = {}
    for kind, rows in samples.items():
        if rows:
            costs[kind] = {
                "per_journey": len(rows) / rounds,
                "wall_ms": round(1000 * statistics.median(r[0] for r in rows), 1),
                "cpu_ms": round(1000 * statistics.median(r[1] for r in rows), 1),
                "queries": round(statistics.median(r[2] for r in rows)),
            }
    costs["journey"] = {
        "wall_ms": round(sum(c["wall_ms"] * c["per_journey"] for c in costs.values())),
        "cpu_ms": round(sum(c["cpu_ms"] * c["per_journey"] for c in costs.values())),
        "queries": round(sum(c["queries"] * c["per_journey"] for c in costs.values())),
    }
    return costs


# --- report ----------------------------------------------------------------------------------


def print_report(levels: list[dict], costs: dict) -> None:
    print()
    print_table(
        ["kind", "per learner", "alone ms", "Django CPU ms", "queries"],
        [
            [kind, round(c.get("per_journey", 1), 1), c["wall_ms"], c["cpu_ms"], c["queries"]]
            for kind, c in costs.items()
        ],
    )
    print()
    print("p95 ms (failures) per request kind; p50 / p99 in bench/results/load.json")
    rows = []
    for kind in [*KINDS, "Aggregated"]:
        row = [kind]
        for level in levels:
            entry = level["stats"].get(kind)
            row.append(f"{entry['p95_ms']} ({entry['failures']})" if entry else "-")
        rows.append(row)
    print_table(["kind", *(f"{level['users']} learners" for level in levels)], rows)
    print()
    print_table(
        [
            "learners", "requests", "failures", "req/s", "p50 ms", "p95 ms", "p99 ms",
            "submitted", "journey p95 s", "CPU %", "gunicorn %", "postgres %", "locust %",
            "other %", "queue max", "db conns",
        ],
        [
            [
                level["users"],
                level["stats"]["Aggregated"]["requests"],
                level["stats"]["Aggregated"]["failures"],
                level["stats"]["Aggregated"]["requests_per_s"],
                level["stats"]["Aggregated"]["p50_ms"],
                level["stats"]["Aggregated"]["p95_ms"],
                level["stats"]["Aggregated"]["p99_ms"],
                f"{(level['journeys'] or {}).get('submitted', '?')}/{level['users']}",
                ((level["journeys"] or {}).get("journey_s") or {}).get("p95", "-"),
                level["resources"]["machine_cpu_percent"]["mean"],
                level["resources"]["cpu_share_percent"]["gunicorn"],
                level["resources"]["cpu_share_percent"]["postgres"],
                level["resources"]["cpu_share_percent"]["locust"],
                level["resources"]["cpu_share_percent"]["other"],
                level["resources"]["accept_queue"]["max"],
                level["resources"]["db_connections"]["max"],
            ]
            for level in levels
        ],
    )  # fmt: skip
    for level in levels:
        if level["resources"]["cpu_share_percent"]["other"] > 10:
            print(
                f"  {level['users']} learners: other work took "
                f"{level['resources']['cpu_share_percent']['other']}% of the machine meanwhile"
            )
        for failure in level["failures"]:
            print(
                f"  {level['users']} learners: {failure['Occurrences']} x {failure['Name']}: "
                f"{failure['Error']}"
            )


def environment_report(args, gunicorn_options: dict) -> dict:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute("SHOW max_connections")
        max_connections = int(cursor.fetchone()[0])
    database = settings.DATABASES["default"]
    return {
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "postgresql": server_version,
        "max_connections": max_connections,
        "settings": SETTINGS,
        "debug": settings.DEBUG,
        "conn_max_age": database.get("CONN_MAX_AGE"),
        "conn_health_checks": database.get("CONN_HEALTH_CHECKS"),
        "session_engine": settings.SESSION_ENGINE,
        "cache": settings.CACHES["default"]["BACKEND"],
        "gunicorn": gunicorn_options,
        "load_generator": "Locust (FastHttpUser) on the same machine",
    }


def write_report(args, server, levels, costs=None) -> None:
    report = {
        "benchmark": "load",
        "environment": environment_report(args, server.options),
        "scenario": {
            "quiz": {"questions": args.questions, "per_page": args.per_page, "shuffled": True},
            "question_versions": (
                "made by the first attempts" if args.cold_versions else "made before the run"
            ),
            "think_s": args.think,
            "duration_s": args.duration,
            "barrier": "every learner on the quiz page, then all start POSTs at once",
            "requests_per_learner": 5
            + 2 * math.ceil(args.questions / args.per_page)
            + args.questions,
        },
        "levels": levels,
        "cost_alone": costs,
    }
    args.output.parent.mkdir(exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")


# --- main ------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[200, 500, 1000])
    parser.add_argument("--duration", type=int, default=180, help="seconds per level, at most")
    parser.add_argument("--think", default="3-8", help="seconds between answers: min-max")
    parser.add_argument("--questions", type=int, default=16)
    parser.add_argument("--per-page", type=int, default=4)
    parser.add_argument(
        "--workers",
        type=int,
        default=(os.cpu_count() or 1) + 1,
        help="gunicorn workers (default CPUs + 1: the requests are CPU-bound and share the "
        "CPUs with PostgreSQL and Locust; 0 keeps gunicorn.conf.py's 2 x CPUs + 1)",
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (>1: gthread)")
    parser.add_argument("--timeout", type=int, default=120, help="gunicorn worker timeout, s")
    parser.add_argument("--barrier-timeout", type=int, default=120)
    parser.add_argument(
        "--quiet-wait",
        type=int,
        default=300,
        help="seconds to wait before each level for other work to leave the CPUs idle",
    )
    parser.add_argument(
        "--cost-rounds", type=int, default=WARM_LEARNERS - 1, help="journeys for the costs alone"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument(
        "--cold-versions",
        action="store_true",
        help="leave the question versions to be made by the first attempts (the start race)",
    )
    parser.add_argument("--keep-db", action="store_true", help="leave the database for a look")
    parser.add_argument("--keep-files", action="store_true", help="leave Locust's CSVs and logs")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "load.json")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    cache_prefix = f"bench-load-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": cache_prefix,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    os.environ.update(env)
    server = None
    created = False
    lock = take_run_lock(args.database_url)
    try:
        print(f"Database {urlsplit(args.database_url).path.lstrip('/')} (fresh)", flush=True)
        recreate_database(args.database_url)
        created = True
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.urls import reverse
        from django.utils import translation

        load_content()
        course, quiz = build_quiz(args.questions, args.per_page)
        if not args.cold_versions:
            print(f"  {version_questions()} question versions fixed", flush=True)
        learners = make_learners(course, max(args.users) + WARM_LEARNERS)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        from django.conf import settings

        with translation.override("en"):
            start_url = reverse("quiz_start", args=[quiz.pk])
        scenario = {
            "language": "en",
            "quiz": {"id": quiz.pk, "url": quiz.url, "start": start_url},
            "cookies": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME},
            # The warm-up learners come last (they must not have attempts at any level).
            "learners": learners,
        }
        (workdir / "scenario.json").write_text(json.dumps(scenario))
        print(f"  {len(learners)} learners enrolled, quiz {quiz.url}", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        connection.close()  # gunicorn's workers open their own

        server = Server(args, env, port, workdir / "gunicorn.log")
        print(f"gunicorn on {host}: {server.options}", flush=True)
        levels = []
        for users in args.users:
            server.stop()
            reset_attempts()
            busy = wait_for_quiet(args.quiet_wait)
            if busy > 20:
                print(f"  the machine is {busy:.0f}% busy with other work", flush=True)
            gunicorn = server.start()
            # Warm every worker (templates, translations, connections) as a live server
            # would be; not with --cold-versions, whose first level must be the questions'
            # first attempts.
            if not args.cold_versions:
                run_locust(
                    WARM_LEARNERS, args, host, workdir, env, first_learner=max(args.users),
                    think="0-0.2",
                )  # fmt: skip
            print(f"{users} learners, at most {args.duration} s ...", flush=True)
            level = run_level(users, args, host, port, workdir, env, gunicorn)
            journeys = level["journeys"] or {}
            print(
                f"  submitted {journeys.get('submitted')}/{users}, gave up "
                f"{journeys.get('gave_up')}, p95 {level['stats']['Aggregated']['p95_ms']} ms, "
                f"failures {level['stats']['Aggregated']['failures']}",
                flush=True,
            )
            levels.append(level)
            write_report(args, server, levels)  # after each level: a crash keeps the others
            server.check()
        server.stop()
        reset_attempts()
        print("Cost of each request alone (Django's test client, in this process) ...")
        costs = measure_costs(scenario, learners[max(args.users) :], args.cost_rounds)
        write_report(args, server, levels, costs)
        print_report(levels, costs)
        print(f"written to {args.output}")
    finally:
        if server is not None:
            server.stop()
        with suppress(Exception):
            import redis

            client = redis.Redis.from_url(args.redis_url)
            keys = list(client.scan_iter(match=f"{cache_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        with suppress(Exception):
            from django.db import connections

            connections.close_all()
        if created and not args.keep_db:
            drop_database(args.database_url)
        lock.close()
        if args.keep_files:
            print(f"Locust and gunicorn files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
