"""Learners taking a quiz at the same moment (Locust; run by `python -m bench.load.run`).

Each simulated user is one learner of the scenario file (LOAD_SCENARIO, written by run.py:
the quiz, cookie names, and per learner a signed-in session and a CSRF secret). The journey
is a browser's, without JavaScript's extras beyond the autosave:

    quiz page    GET the quiz page (before the barrier: the learners are on it, waiting)
    start        POST .../quizzes/<id>/start/ at the same moment for all (a gevent barrier)
    page         GET .../attempts/<id>/?page=N (after start and after each Next)
    autosave     POST the page's form with `Accept: application/json`, after each answer,
                 a think time after the previous one (quiz.js saves on change)
    next         POST the form with go=<next page> (go=finish on the last page)
    summary      GET .../summary/
    submit       POST .../submit/
    review       GET .../review/

Answers are picked from the rendered form, never from the question data: a random radio,
one or two checkboxes, a random non-empty option in each select, "answer" in text fields
(a number where the field asks for one). Requests that succeed at the HTTP level but not in
substance (a start refused, an autosave that did not save, a submit that did not land on the
review) are failures too.

Environment: LOAD_SCENARIO (required), LOAD_THINK ("min-max" seconds between answers,
default 3-8), LOAD_FIRST_LEARNER (index of the first learner to use, default 0),
LOAD_BARRIER_TIMEOUT (seconds to wait for every learner to reach the quiz page, default 120),
LOAD_SUMMARY (path of a JSON summary of the journeys, written when Locust quits).
The test ends when every learner has submitted (or given up), or at --run-time.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import statistics
import time
from http.cookiejar import Cookie, DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
import locust.stats
from gevent.event import Event
from locust import FastHttpUser, events, task
from locust.exception import StopUser

from bench.load.forms import AttemptForm

# The CSV files are rewritten every CSV_STATS_INTERVAL_SEC; a shorter interval leaves less
# of the end of a run out of them (the run stops right after the last learner submits).
locust.stats.CSV_STATS_INTERVAL_SEC = 0.5

SCENARIO = json.loads(Path(os.environ["LOAD_SCENARIO"]).read_text(encoding="utf-8"))
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "3-8").split("-", 1))
FIRST_LEARNER = int(os.environ.get("LOAD_FIRST_LEARNER", "0"))
BARRIER_TIMEOUT = float(os.environ.get("LOAD_BARRIER_TIMEOUT", "120"))
SUMMARY_PATH = os.environ.get("LOAD_SUMMARY")
ATTEMPT_PATH = re.compile(r"/learning/attempts/(\d+)/")
JSON_ACCEPT = {"Accept": "application/json"}
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}


class Journeys:
    """What the learners did, for the summary file and for ending the test once all are
    done (module state: every user of this Locust process shares it)."""

    def __init__(self):
        self.learners = itertools.count(FIRST_LEARNER)
        self.ready = 0
        self.go = Event()
        self.released_at: float | None = None
        self.test_started_at = time.time()
        self.start_sent: list[float] = []
        self.finished: list[float] = []  # journey seconds, from the start POST to the review
        self.gave_up: dict[str, int] = {}

    def expected(self, environment) -> int:
        options = environment.parsed_options
        return int(options.num_users) if options and options.num_users else 1

    def arrive(self, environment) -> None:
        self.ready += 1
        if self.ready >= self.expected(environment) and not self.go.is_set():
            self.released_at = time.time()
            self.go.set()

    def done(self) -> int:
        return len(self.finished) + sum(self.gave_up.values())

    def summary(self, environment) -> dict:
        seconds = sorted(self.finished)

        def at(fraction):
            return round(seconds[min(len(seconds) - 1, int(fraction * len(seconds)))], 1)

        return {
            "learners": self.expected(environment),
            "reached_quiz_page": self.ready,
            "barrier_released_after_s": (
                round(self.released_at - self.test_started_at, 2) if self.released_at else None
            ),
            "start_posts_spread_s": (
                round(max(self.start_sent) - min(self.start_sent), 3) if self.start_sent else None
            ),
            "submitted": len(seconds),
            "gave_up": self.gave_up,
            "unfinished": self.expected(environment) - self.done(),
            "journey_s": (
                {
                    "p50": at(0.5),
                    "p95": at(0.95),
                    "max": round(seconds[-1], 1),
                    "mean": round(statistics.fmean(seconds), 1),
                }
                if seconds
                else None
            ),
            "think_s": list(THINK),
        }


journeys = Journeys()


@events.test_start.add_listener
def watch_for_the_end(environment, **_kwargs):
    """Quit as soon as every learner is done, instead of idling until --run-time: the
    pause lets the CSV writer record the last requests first."""
    journeys.test_started_at = time.time()

    def watch():
        while journeys.done() < journeys.expected(environment):
            gevent.sleep(0.5)
        gevent.sleep(1.5)
        environment.runner.quit()

    gevent.spawn(watch)


@events.quitting.add_listener
def write_summary(environment, **_kwargs):
    if SUMMARY_PATH:
        with open(SUMMARY_PATH, "w", encoding="utf-8") as handle:
            json.dump(journeys.summary(environment), handle, indent=2)


class BehindTLSProxy(DefaultCookiePolicy):
    """Send the site's Secure cookies (sessionid, csrftoken, messages) over the loopback's
    plain HTTP, as the TLS-terminating proxy in front of gunicorn would pass them on."""

    def return_ok_secure(self, cookie, request):
        return True


class Learner(FastHttpUser):
    """One learner's attempt, from the quiz page to the review. FastHttpUser rather than
    HttpUser: the load generator shares the machine's two CPUs with the server, and
    geventhttpclient spends several times less CPU per request than requests does.

    Each request carries what the production settings expect from the reverse proxy that
    terminates TLS (X-Forwarded-Proto: https, see SECURE_PROXY_SSL_HEADER), so the server runs
    exactly as deployed: Secure cookies, no HTTPS redirect, and Django's CSRF check of the
    Origin header that browsers send with every POST."""

    default_headers = {"X-Forwarded-Proto": "https"}
    # Long enough to see queueing at saturation rather than cut it off as errors.
    network_timeout = 120.0
    connection_timeout = 60.0

    def on_start(self):
        index = next(journeys.learners)
        learners = SCENARIO["learners"]
        if index >= len(learners):
            raise RuntimeError(f"learner {index} missing: run.py made {len(learners)}")
        learner = learners[index]
        self.client.cookiejar.set_policy(BehindTLSProxy())
        self.origin = f"https://{urlsplit(self.host).netloc}"
        cookies = SCENARIO["cookies"]
        self._cookie(cookies["session"], learner["session"])
        self._cookie(cookies["csrf"], learner["csrf"])
        self.csrf = learner["csrf"]  # the secret itself is a valid form token too
        self.rng = random.Random(index)
        try:
            with self.client.get(
                SCENARIO["quiz"]["url"], name="quiz page", catch_response=True
            ) as response:
                form = AttemptForm(body(response))
                if response.status_code != 200 or form.csrf is None:
                    response.failure(f"no start form (status {response.status_code})")
                else:
                    self.csrf = form.csrf
        finally:
            journeys.arrive(self.environment)
        journeys.go.wait(BARRIER_TIMEOUT)
        if not journeys.go.is_set():  # someone never arrived: go without them
            journeys.released_at = time.time()
            journeys.go.set()

    def _cookie(self, name: str, value: str) -> None:
        host = urlsplit(self.host).hostname
        self.client.cookiejar.set_cookie(
            Cookie(
                version=0,
                name=name,
                value=value,
                port=None,
                port_specified=False,
                domain=host,
                domain_specified=False,
                domain_initial_dot=False,
                path="/",
                path_specified=True,
                secure=False,
                expires=None,
                discard=True,
                comment=None,
                comment_url=None,
                rest={},
            )
        )

    def think(self):
        gevent.sleep(self.rng.uniform(*THINK))

    @task
    def take_the_quiz(self):
        began = time.time()
        try:
            self.journey()
        except GaveUp as reason:
            journeys.gave_up[str(reason)] = journeys.gave_up.get(str(reason), 0) + 1
        except Exception as exc:  # a bug here must not restart the journey (a second start)
            key = f"error: {type(exc).__name__}"
            journeys.gave_up[key] = journeys.gave_up.get(key, 0) + 1
        else:
            journeys.finished.append(time.time() - began)
        raise StopUser()

    def journey(self):
        journeys.start_sent.append(time.time())
        response = self.send(
            "POST", SCENARIO["quiz"]["start"], "start", {"csrfmiddlewaretoken": self.csrf},
            ok=lambda r: r.status_code == 302 and ATTEMPT_PATH.search(location(r)),
        )  # fmt: skip
        attempt = f"/{SCENARIO['language']}/learning/attempts/"
        attempt += f"{ATTEMPT_PATH.search(location(response))[1]}/"

        page = 1
        while True:
            response = self.send(
                "GET", f"{attempt}?page={page}", "page",
                ok=lambda r: r.status_code == 200 and 'name="slots"' in body(r),
            )  # fmt: skip
            form = AttemptForm(body(response))
            answers: list[tuple[str, str]] = []
            for slot in form.slots:
                self.think()
                answers.extend(form.answer(slot, self.rng))
                self.send(
                    "POST", attempt, "autosave", form.fields(answers), json=True,
                    ok=saved, give_up=False,
                )  # fmt: skip
            following = str(page + 1)
            go = following if following in form.go else "finish"
            self.send(
                "POST", attempt, "next", [*form.fields(answers), ("go", go)],
                ok=lambda r: r.status_code == 302,
            )  # fmt: skip
            if go == "finish":
                break
            page += 1

        response = self.send(
            "GET", f"{attempt}summary/", "summary",
            ok=lambda r: r.status_code == 200 and "csrfmiddlewaretoken" in body(r),
        )  # fmt: skip
        token = AttemptForm(body(response)).csrf
        self.think()
        self.send(
            "POST", f"{attempt}submit/", "submit", {"csrfmiddlewaretoken": token},
            ok=lambda r: r.status_code == 302 and "/review/" in location(r),
        )  # fmt: skip
        self.send(
            "GET", f"{attempt}review/", "review",
            ok=lambda r: r.status_code == 200 and "template-attempt-review" in body(r),
        )  # fmt: skip

    def send(self, method, url, name, data=None, *, ok, json=False, give_up=True):
        """One request, named by its kind; a response that does not do what the learner
        needed is a failure, and (unless `give_up` is False) ends the journey."""
        headers = {}
        if data is not None:
            headers.update(FORM_TYPE, Origin=self.origin)
            data = urlencode(data)
        if json:
            headers.update(JSON_ACCEPT)
        with self.client.request(
            method, url, name=name, data=data, headers=headers, allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            if ok(response):
                response.success()
                return response
            error = getattr(response, "error", None)
            response.failure(error or f"{name} refused (status {response.status_code})")
        if give_up:
            raise GaveUp(name)
        return response


class GaveUp(Exception):
    """The learner could not go on (the request named in the message failed)."""


def location(response) -> str:
    return response.headers.get("Location", "") if response.headers else ""


def body(response) -> str:
    return response.text or ""


def saved(response) -> bool:
    try:
        return response.status_code == 200 and json.loads(body(response)).get("saved") is True
    except (ValueError, AttributeError):
        return False
