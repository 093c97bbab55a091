"""Quiz attempts through the real views: start, autosave, submit-and-grade, the mastery update,
and "My progress".

    python -m bench.quiz [--iterations 100] [--autosave-iterations 200] [--learners 200]
                         [--evidence 10000] [--database postgres|sqlite]

Builds a scratch database (PostgreSQL by default: `--database postgres` uses DATABASE_URL when
it names a PostgreSQL server, else postgres://postgres@127.0.0.1:5432/bench_quiz, so the
scratch database is test_bench_quiz) with the shipped content as `make demo` loads it: the
frameworks, cases, toolkits, both courses, the shipped question banks (quizzes/content/*.gift,
181 questions of six types) and the module quizzes. In the first module of the local course it
publishes a 50-question quiz: fixed questions (every question type in turn) and random draws
by criterion, by category and by indicator. Then it bulk-loads a response history of --learners
learners who took the module quizzes, --evidence graded responses (Evidence rows) in all, with
the Attempt, AttemptQuestion and Mastery rows they imply (BKT replayed in order with
quizzes.mastery), one learner among them with 300 responses over about 60 indicators, and runs
ANALYZE.

Measured through Django's test client (middleware, sessions, views, templates: the server's
work without network), each request on data of its own:
- start: POST quiz_start of the 50-question quiz, each time by a learner without an open
  attempt (the learners of the history, so mastery rows already exist for some indicators);
- autosave: POST quiz_attempt with `Accept: application/json` and one page (5 questions) of
  answers from quizzes.demo.as_post, right and wrong in turn so each save changes 5 rows;
- submit: POST quiz_submit of a 50-question attempt with every question answered (grading,
  the mastery update, the module completion check), first by the learners who started above
  (about a third of the quiz's indicators have a Mastery row), then again on a retake (most
  have one by then, so the mastery update changes more rows than it adds: the heavier case);
- review: GET quiz_review of a submitted attempt (no target: what the learner sees next);
- mastery update: quizzes.services.record_evidence for the 50 graded responses of an attempt,
  timed directly (in its transaction, as submit runs it);
- My progress: GET quiz_progress for the learner with 300 responses.
Prints p50/p95/p99 (wall time), the Python CPU time of the request in this process (p50; on a
busy machine wall time also holds waits for a CPU and for the database), the statements per
request (BEGIN and COMMIT included), response size and PASS/FAIL against the p95 targets, and
writes bench/results/quiz-<database>.json (the bench/results/<name>-<database>.json of the
other database benchmarks).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from io import StringIO

from bench.common import (
    environment,
    percentile,
    print_table,
    scratch_database,
    setup_django,
    summarise_ms,
    write_report,
)

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_quiz"
QUIZ_SIZE = 50
FIXED = 20  # fixed questions; the other 30 are random draws
PER_PAGE = 5
WARM = 3  # requests before timing, as a running server would have served them
MEASURED_RESPONSES = 300
MEASURED_INDICATORS = 60
# What each row measures, and its p95 target in ms (None: measured, no target).
ROWS = {
    "start": ("start (50 questions)", None),
    "autosave": ("autosave (1 page, 5 questions)", 20),
    "submit": ("submit and grade (50 questions)", 80),
    "review": ("review (50 questions)", None),
    "submit_retake": ("submit and grade, a retake", 80),
    "mastery_update": ("mastery update (50 responses)", None),
    "progress": ("My progress ({evidence:,} responses on record)", 100),
}


def choose_database(kind: str) -> None:
    """Point DATABASE_URL at the database asked for, before Django reads its settings."""
    url = os.environ.get("DATABASE_URL", "")
    if kind == "postgres" and not url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = POSTGRES_URL
    elif kind == "sqlite" and not url.startswith("sqlite"):
        os.environ.pop("DATABASE_URL", None)


def quiet(command: str, **options) -> None:
    from django.core.management import call_command

    call_command(command, stdout=StringIO(), stderr=StringIO(), verbosity=0, **options)


def build_site():
    """The shipped content, in load_demo_content's order (cases, toolkits, then courses, whose
    lessons quote the guides; then the question banks and the module quizzes)."""
    from cms.demo import ensure_home_page
    from courses.models import CoursePage

    quiet("load_frameworks")
    ensure_home_page()
    for command in ("import_cases", "import_toolkit", "import_courses"):
        quiet(command)
    quiet("import_questions")
    quiet("import_quizzes")
    return list(CoursePage.objects.live().order_by("path"))


def criterion_pools(framework) -> dict:
    """Tagged question ids per scored criterion of the framework, as a criterion draw sees them."""
    from quizzes.models import Question
    from toolkit.models import Criterion

    return {
        criterion: set(
            Question.objects.tagged()
            .filter(indicators__criterion=criterion)
            .values_list("pk", flat=True)
        )
        for criterion in Criterion.objects.filter(framework=framework).order_by("order")
    }


def build_quiz(course):
    """A 50-question quiz in the course's first module: FIXED fixed questions (the question
    types in turn, rarest first, so every type the bank has is there, each taken from the
    criterion with most questions left), then the rest drawn at random, shared among the
    criteria by the questions they have left: by criterion for the first three criteria, by
    category for the next two, one question from each of several indicators for the last."""
    from quizzes.models import Question, QuestionCategory, QuizPage, QuizSlot
    from quizzes.services import draw
    from toolkit.models import Indicator

    pools = [(c, pool) for c, pool in criterion_pools(course.framework).items() if pool]
    criterion_of = {pk: c for c, pool in pools for pk in pool}
    left = {c: set(pool) for c, pool in pools}
    by_type = defaultdict(list)
    for pk, qtype in Question.objects.filter(pk__in=criterion_of).values_list("pk", "qtype"):
        by_type[qtype].append(pk)
    fixed = []
    while len(fixed) < FIXED:
        for qtype in sorted(by_type, key=lambda t: len(by_type[t])):
            if not by_type[qtype] or len(fixed) == FIXED:
                continue
            pk = max(sorted(by_type[qtype]), key=lambda pk: len(left[criterion_of[pk]]))
            by_type[qtype].remove(pk)
            left[criterion_of[pk]].discard(pk)
            fixed.append(pk)
    # The random draws, shared by largest remainder of the questions each criterion has left.
    wanted = QUIZ_SIZE - FIXED
    total = sum(len(rest) for rest in left.values())
    counts = {c: wanted * len(rest) // total for c, rest in left.items()}
    for c in sorted(left, key=lambda c: -(wanted * len(left[c]) % total))[
        : wanted - sum(counts.values())
    ]:
        counts[c] += 1
    slots = [QuizSlot(question_id=pk) for pk in fixed]
    for n, (criterion, _pool) in enumerate(pools):
        count = counts[criterion]
        if n < 3:
            slots.append(QuizSlot(draw_count=count, draw_criterion=criterion))
        elif n < 5:
            category = QuestionCategory.objects.filter(questions__in=left[criterion]).first()
            slots.append(QuizSlot(draw_count=count, draw_category=category))
        else:
            indicators = (
                Indicator.objects.filter(criterion=criterion, questions__in=left[criterion])
                .distinct()
                .order_by("order")
                .values_list("pk", flat=True)[:count]
            )
            slots.extend(QuizSlot(draw_count=1, draw_indicator_id=pk) for pk in indicators)
    module = course.get_children().live().specific().first()
    quiz = QuizPage(
        title="Benchmark quiz (50 questions)",
        slug="benchmark-quiz",
        questions_per_page=PER_PAGE,
        shuffle_questions=True,
        attempts_allowed=0,
    )
    quiz.slots = slots
    module.add_child(instance=quiz)
    quiz.save_revision().publish()
    sizes = {len(draw(quiz, random.Random(seed))) for seed in range(20)}  # noqa: S311
    assert sizes == {QUIZ_SIZE}, f"the quiz draws {sizes} questions, not {QUIZ_SIZE}"
    return quiz


# --- the response history -------------------------------------------------------------------


def create_learners(count: int, prefix: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cms.roles import LEARNER

    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}-{n}@example.org",
                first_name=f"Learner{n}",
                last_name=prefix.title(),
                password="!",  # noqa: S106 (unusable: "!" never matches a hash)
            )
            for n in range(count)
        ]
    )
    group = Group.objects.get(name=LEARNER)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users]
    )
    return users


def enrol_all(users, course) -> None:
    from courses.models import Enrolment

    Enrolment.objects.bulk_create(
        [Enrolment(user=user, course_key=course.translation_key, source="self") for user in users]
    )


class History:
    """Finished module-quiz attempts written in bulk, as the services would have left them:
    each question graded (quizzes.grading) on a right or wrong response (quizzes.demo), one
    Evidence row per question and indicator, and Mastery replayed from the evidence in order."""

    def __init__(self, rng: random.Random):
        from quizzes.models import Question, QuizPage

        self.rng = rng
        self.versions = {
            question.pk: question.current_version()
            for question in Question.objects.tagged().prefetch_related("choices", "indicators")
        }
        self.quizzes = {}  # module quiz -> question ids its draw may take
        for quiz in QuizPage.objects.live().exclude(slug="benchmark-quiz").order_by("path"):
            slot = quiz.slots.get()
            self.quizzes[quiz] = sorted(
                Question.objects.tagged()
                .filter(indicators__criterion=slot.draw_criterion_id)
                .values_list("pk", flat=True)
            )
        self.attempts, self.questions = [], []
        self.numbers = defaultdict(int)
        self.evidence_count = 0

    def quizzes_of(self, course):
        return [quiz for quiz in self.quizzes if quiz.path.startswith(course.path)]

    def attempt(self, user, quiz, strength: float, when, pool=None) -> None:
        from quizzes.demo import right_response, wrong_response
        from quizzes.grading import grade
        from quizzes.models import Attempt, AttemptQuestion
        from quizzes.responses import for_grading

        pool = pool if pool is not None else self.quizzes[quiz]
        picked = self.rng.sample(pool, min(5, len(pool)))
        self.numbers[(user.pk, quiz.pk)] += 1
        attempt = Attempt(
            user=user,
            quiz_key=quiz.translation_key,
            number=self.numbers[(user.pk, quiz.pk)],
            state=Attempt.State.FINISHED,
            started_at=when - timedelta(minutes=6),
            finished_at=when,
        )
        rows = []
        for slot, pk in enumerate(picked, start=1):
            version = self.versions[pk]
            data = version.data
            right = self.rng.random() < strength
            response = right_response(data) if right else wrong_response(data)
            result = grade(data, for_grading(data, response))
            rows.append(
                AttemptQuestion(
                    slot=slot,
                    version=version,
                    max_points=Decimal(str(data["points"])),
                    response=response,
                    saved_at=when - timedelta(minutes=5 - slot),
                    fraction=result.fraction,
                    state=result.state,
                )
            )
            self.evidence_count += len(data["indicators"])
        attempt.max_points = sum((row.max_points for row in rows), Decimal("0"))
        attempt.points = sum(
            (row.max_points * Decimal(str(round(row.fraction, 7))) for row in rows), Decimal("0")
        ).quantize(Decimal("0.01"))
        self.attempts.append(attempt)
        self.questions.append(rows)

    def write(self) -> int:
        """Write every attempt, its questions, the evidence and the mastery; returns the number
        of Evidence rows written."""
        from quizzes import mastery
        from quizzes.models import Attempt, AttemptQuestion, Evidence, Mastery

        Attempt.objects.bulk_create(self.attempts, batch_size=2000)
        for attempt, rows in zip(self.attempts, self.questions, strict=True):
            for row in rows:
                row.attempt = attempt
        flat = [row for rows in self.questions for row in rows]
        AttemptQuestion.objects.bulk_create(flat, batch_size=2000)
        known: dict[tuple[int, int], list] = {}
        log = []
        for attempt, rows in sorted(
            zip(self.attempts, self.questions, strict=True), key=lambda pair: pair[0].finished_at
        ):
            for row in rows:
                for pk in row.version.data["indicators"]:
                    state = known.setdefault((attempt.user_id, pk), [mastery.DEFAULT.prior, 0, 0])
                    state[0] = mastery.update(state[0], row.fraction, mastery.DEFAULT)
                    state[1] += 1
                    state[2] = attempt.finished_at
                    log.append(
                        Evidence(
                            user_id=attempt.user_id,
                            indicator_id=pk,
                            question=row,
                            fraction=row.fraction,
                            created_at=attempt.finished_at,
                        )
                    )
        Evidence.objects.bulk_create(log, batch_size=5000)
        Mastery.objects.bulk_create(
            [
                Mastery(user_id=user, indicator_id=pk, known=k, responses=n, updated_at=at)
                for (user, pk), (k, n, at) in known.items()
            ],
            batch_size=5000,
        )
        return len(log)


def build_history(courses, learners, measured, evidence_target: int, seed: int) -> dict:
    """The measured learner: MEASURED_RESPONSES responses in attempts at the local course's
    module quizzes, on the questions of about MEASURED_INDICATORS indicators, strength growing
    with practice. The others: attempts at their courses' module quizzes over the last three
    months, strengths 0.35 to 0.95, until the table holds `evidence_target` Evidence rows."""
    from django.utils import timezone

    rng = random.Random(seed)  # noqa: S311 (simulated learners)
    history = History(rng)
    now = timezone.now()
    local, national = courses
    # The measured learner's questions: the local module quizzes' questions in order, as long
    # as their indicators stay within MEASURED_INDICATORS; retakes of the quizzes with at least
    # five of them.
    chosen, pools = set(), defaultdict(list)
    for quiz in history.quizzes_of(local):
        for pk in history.quizzes[quiz]:
            indicators = set(history.versions[pk].data["indicators"])
            if len(chosen | indicators) <= MEASURED_INDICATORS:
                chosen |= indicators
                pools[quiz].append(pk)
    order = [quiz for quiz, pool in pools.items() if len(pool) >= 5]
    for n in range(MEASURED_RESPONSES // 5):
        quiz = order[n % len(order)]
        when = now - timedelta(days=90) + timedelta(hours=36 * n)
        history.attempt(
            measured, quiz, 0.45 + 0.4 * n / (MEASURED_RESPONSES // 5), when, pools[quiz]
        )
    answered = {
        pk
        for attempt, rows in zip(history.attempts, history.questions, strict=True)
        if attempt.user_id == measured.pk
        for row in rows
        for pk in row.version.data["indicators"]
    }
    # Everyone else, a few attempts at a time, until the evidence target is reached.
    strengths = {user.pk: rng.uniform(0.35, 0.95) for user in learners}
    reach = {
        user.pk: history.quizzes_of(local) + (history.quizzes_of(national) if n % 3 == 0 else [])
        for n, user in enumerate(learners)
    }
    while history.evidence_count < evidence_target:
        user = rng.choice(learners)
        quiz = rng.choice(reach[user.pk])
        when = now - timedelta(days=rng.uniform(0, 90))
        history.attempt(user, quiz, strengths[user.pk], when)
    written = history.write()
    return {
        "evidence_rows": written,
        "attempts": len(history.attempts),
        "measured_learner_indicators": len(answered),
    }


def refresh_statistics() -> None:
    """After a bulk load, give the planner the statistics autovacuum would gather on a live
    PostgreSQL database (without them it plans for empty tables)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- measuring --------------------------------------------------------------------------------


def steady() -> None:
    """A server's steady state: what the process has loaded is not rescanned by every full
    collection (gunicorn.conf.py freezes it before forking; see bench.common.measure_view)."""
    gc.collect()
    gc.freeze()


def captured(function, *args, **kwargs):
    """Run once with the statements recorded: (count, result). Not timed: recording slows
    each one down. The count includes BEGIN and COMMIT (Django logs them since 4.2)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        result = function(*args, **kwargs)
    return len(queries), result


def run_timed(calls) -> tuple[list[float], list[float], list]:
    """Wall time and this process's CPU time of each call. On a busy machine wall time also
    holds the wait for a CPU and for the database; CPU time is the Python work alone."""
    steady()
    wall, cpu, results = [], [], []
    for call in calls:
        start, start_cpu = time.perf_counter(), time.process_time()
        results.append(call())
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return wall, cpu, results


def figures(timing, queries: int, size: int, **extra) -> dict:
    wall, cpu = timing
    return {
        "queries": queries,
        "bytes": size,
        **summarise_ms(wall),
        "cpu_p50_ms": round(statistics.median(cpu) * 1000, 2),
        "cpu_p95_ms": round(percentile(cpu, 0.95) * 1000, 2),
        **extra,
    }


def time_requests(calls, check) -> tuple[int, int, tuple]:
    """`calls`: zero-argument callables each making one request on data of its own. The first
    WARM warm up (the first of them is the one whose statements are counted), the rest are
    timed; `check` asserts each response. Returns (queries, response size, (wall, cpu))."""
    warm, timed_calls = calls[:WARM], calls[WARM:]
    queries, response = captured(warm[0])
    check(response)
    for call in warm[1:]:
        check(call())
    wall, cpu, responses = run_timed(timed_calls)
    for response in responses:
        check(response)
    return queries, len(response.content), (wall, cpu)


def request(method, url, *args, **kwargs):
    """One request to make later (the client's bound method, its arguments)."""
    return lambda: method(url, *args, **kwargs)


def as_form(post) -> dict:
    return {key: post.getlist(key) for key in post}


def page_post(questions, right: bool) -> dict:
    """The attempt form's post for these questions (quizzes.demo.as_post, merged)."""
    from django.http import QueryDict

    from quizzes.demo import as_post, right_response, wrong_response

    merged = QueryDict(mutable=True)
    for question in questions:
        data = question.version.data
        response = right_response(data) if right else wrong_response(data)
        for key, values in as_post(question.slot, data, response).lists():
            merged.setlist(key, merged.getlist(key) + values)
    return as_form(merged)


def measure_start(clients, quiz) -> tuple[dict, list]:
    from django.urls import reverse

    from quizzes.models import Attempt

    url = reverse("quiz_start", args=[quiz.pk])

    def check(response):
        assert response.status_code == 302 and "/attempts/" in response["Location"], (
            response.status_code,
            response.get("Location"),
        )

    queries, size, samples = time_requests(
        [lambda client=client: client.post(url) for _user, client in clients], check
    )
    attempts = list(Attempt.objects.filter(quiz_key=quiz.translation_key).select_related("user"))
    assert len(attempts) == len(clients)
    assert {a.questions.count() for a in attempts[:5]} == {QUIZ_SIZE}
    by_user = {attempt.user_id: attempt for attempt in attempts}
    return figures(samples, queries, size), [by_user[user.pk] for user, _client in clients]


def measure_autosave(client, attempt, iterations: int) -> dict:
    from django.urls import reverse

    url = reverse("quiz_attempt", args=[attempt.pk])
    questions = list(attempt.questions.select_related("version").order_by("slot"))
    pages = [questions[n : n + PER_PAGE] for n in range(0, len(questions), PER_PAGE)]
    # Page n, right answers then wrong ones on its next turn: every save changes 5 answers.
    posts = [
        page_post(pages[n % len(pages)], right=(n // len(pages)) % 2 == 0)
        for n in range(WARM + iterations)
    ]
    changed = []

    def check(response):
        assert response.status_code == 200, response.status_code
        changed.append(response.json()["changed"])

    queries, size, samples = time_requests(
        [
            lambda post=post: client.post(url, post, headers={"accept": "application/json"})
            for post in posts
        ],
        check,
    )
    assert set(changed) == {PER_PAGE}, set(changed)
    return figures(samples, queries, size, answers_changed_per_save=PER_PAGE)


def answer_everything(pairs, seed: int) -> None:
    """Every question of each attempt answered through quizzes.services (not timed), right with
    the learner's own chance, as quizzes.demo.take answers."""
    from quizzes import services
    from quizzes.demo import as_post, right_response, wrong_response

    rng = random.Random(seed)  # noqa: S311
    for user, attempt in pairs:
        strength = rng.uniform(0.4, 0.95)
        post = None
        for question in attempt.questions.select_related("version"):
            data = question.version.data
            response = right_response(data) if rng.random() < strength else wrong_response(data)
            one = as_post(question.slot, data, response)
            if post is None:
                post = one
            else:
                for key, values in one.lists():
                    post.setlist(key, post.getlist(key) + values)
        services.save_responses(user, attempt.pk, post)


def existing_mastery(pairs) -> float:
    """The share of the attempts' (learner, indicator) pairs that already have a Mastery row:
    record_evidence updates those and inserts the others."""
    from quizzes.models import Mastery

    found = wanted = 0
    for user, attempt in pairs:
        ids = {
            pk
            for data in attempt.questions.values_list("version__data", flat=True)
            for pk in data.get("indicators", [])
        }
        wanted += len(ids)
        found += Mastery.objects.filter(user=user, indicator_id__in=ids).count()
    return round(found / wanted, 3) if wanted else 0.0


def measure_submit(clients, attempts) -> dict:
    from django.urls import reverse

    share = existing_mastery(
        [(user, attempt) for (user, _client), attempt in zip(clients, attempts, strict=True)]
    )

    def check(response):
        assert response.status_code == 302 and "/review/" in response["Location"], (
            response.status_code
        )

    queries, size, samples = time_requests(
        [
            request(client.post, reverse("quiz_submit", args=[attempt.pk]))
            for (_user, client), attempt in zip(clients, attempts, strict=True)
        ],
        check,
    )
    return figures(samples, queries, size, mastery_rows_existing=share)


def measure_review(clients, attempts) -> dict:
    from django.urls import reverse

    def check(response):
        assert response.status_code == 200, response.status_code

    queries, size, samples = time_requests(
        [
            request(client.get, reverse("quiz_review", args=[attempt.pk]))
            for (_user, client), attempt in zip(clients, attempts, strict=True)
        ],
        check,
    )
    return figures(samples, queries, size)


def measure_mastery_update(pairs) -> dict:
    """services.record_evidence for one attempt's 50 graded responses, in a transaction (its
    row locks need one; submit runs it inside its own)."""
    from django.db import transaction
    from django.utils import timezone

    from quizzes import services

    calls = []
    for user, attempt in pairs:
        graded = [
            (question, question.fraction, question.version.data.get("indicators", []))
            for question in attempt.questions.select_related("version")
        ]
        assert len(graded) == QUIZ_SIZE and all(g[1] is not None for g in graded)

        def call(user=user, graded=graded):
            with transaction.atomic():
                services.record_evidence(user.pk, graded, False, timezone.now())

        calls.append(call)
    queries, _result = captured(calls[0])
    for call in calls[1:WARM]:
        call()
    wall, cpu, _results = run_timed(calls[WARM:])
    indicators = len({pk for _q, _f, ids in graded for pk in ids})
    return figures((wall, cpu), queries, 0, indicators=indicators)


def measure_progress(client, iterations: int) -> dict:
    from django.urls import reverse

    url = reverse("quiz_progress")

    def check(response):
        assert response.status_code == 200, response.status_code

    queries, size, samples = time_requests(
        [lambda: client.get(url) for _ in range(WARM + iterations)], check
    )
    return figures(samples, queries, size, url=url)


def verdict(target, result: dict) -> str:
    if target is None:
        return "-"
    return "PASS" if result["p95_ms"] <= target else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--autosave-iterations", type=int, default=200)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--evidence", type=int, default=10_000)
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    load_at_start = os.getloadavg()
    choose_database(args.database)
    setup_django()
    from django.conf import settings
    from django.test import Client

    from quizzes import services
    from quizzes.models import Evidence

    started = time.perf_counter()
    learner_count = max(args.learners, args.iterations + WARM)
    with scratch_database():
        local, national = build_site()
        quiz = build_quiz(local)
        measured = create_learners(1, "measured")[0]
        learners = create_learners(learner_count, "history")
        enrol_all([measured, *learners], local)
        enrol_all([measured, *learners[::3]], national)
        history = build_history((local, national), learners, measured, args.evidence, args.seed)
        refresh_statistics()
        history["evidence_rows_in_table"] = Evidence.objects.count()
        built = time.perf_counter() - started
        results = {}

        client = Client()
        client.force_login(measured)
        progress = measure_progress(client, args.iterations)

        takers = learners[: args.iterations + WARM]
        clients = []
        for user in takers:
            client = Client()
            client.force_login(user)
            clients.append((user, client))
        results["start"], attempts = measure_start(clients, quiz)
        results["autosave"] = measure_autosave(clients[0][1], attempts[0], args.autosave_iterations)
        answer_everything(list(zip(takers, attempts, strict=True)), args.seed)
        refresh_statistics()
        results["submit"] = measure_submit(clients, attempts)
        results["review"] = measure_review(clients, attempts)
        # The quiz again (unlimited attempts, the best grade counts): the learner now has a
        # Mastery row for most indicators of the questions drawn, and the update changes them.
        retakes = [services.start_attempt(user, quiz) for user in takers]
        answer_everything(list(zip(takers, retakes, strict=True)), args.seed + 1)
        results["submit_retake"] = measure_submit(clients, retakes)
        results["mastery_update"] = measure_mastery_update(list(zip(takers, retakes, strict=True)))
        results["progress"] = progress
        for name, result in results.items():
            label, target = ROWS[name]
            result["label"] = label.format(evidence=history["evidence_rows_in_table"])
            result["target_p95_ms"] = target
            result["verdict"] = verdict(target, result)
        report = {
            "benchmark": "quiz",
            "environment": {
                **environment(),
                "session_engine": settings.SESSION_ENGINE,
                "cache": settings.CACHES["default"]["BACKEND"],
                # Other work on the machine inflates every figure: read them with these.
                "load_average_at_start": load_at_start,
                "load_average_at_end": os.getloadavg(),
            },
            "quiz_questions": QUIZ_SIZE,
            "learners": learner_count + 1,
            "history": history,
            "iterations": args.iterations,
            "autosave_iterations": args.autosave_iterations,
            "build_seconds": round(built, 1),
            "results": results,
        }
    print_table(
        [
            "quiz",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "CPU p50 ms",
            "queries",
            "KB",
            "p95 target",
            "result",
        ],
        [
            [
                r["label"],
                r["p50_ms"],
                r["p95_ms"],
                r["p99_ms"],
                r["cpu_p50_ms"],
                r["queries"],
                round(r["bytes"] / 1024, 1),
                r["target_p95_ms"] or "-",
                r["verdict"],
            ]
            for r in results.values()
        ],
    )
    print(
        f"{history['evidence_rows_in_table']} Evidence rows when My progress was measured, "
        f"{history['attempts']} attempts; the measured learner: {MEASURED_RESPONSES} responses "
        f"over {history['measured_learner_indicators']} indicators. "
        f"Built in {built:.0f} s, ran in {time.perf_counter() - started:.0f} s."
    )
    print(f"written to {write_report('quiz', report)}")


if __name__ == "__main__":
    main()
