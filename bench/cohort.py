"""Trainer matrix, CSV export and "My learning" at cohort scale.

    python -m bench.cohort [--learners 1000] [--modules 12] [--lessons 4] [--iterations 30]

Builds a scratch database with one course of --modules modules of --lessons lessons, a small
cohort (10 learners) and a large one (--learners), each assigned the course and three single
modules (one overdue), with realistic progress: most learners part-way, some finished, some
not started. Renders through Django's test client (middleware, views, templates: the
server's work without network) and prints p50/p95/p99 and query counts; the matrix must run
the same number of queries for 10 and for 1,000 learners. Writes
bench/results/cohort-<database>.json.
"""

from __future__ import annotations

import argparse
import random
from datetime import timedelta
from io import StringIO

from bench.common import (
    environment,
    measure_view,
    print_results,
    scratch_database,
    setup_django,
    write_report,
)

BODY = [
    {"type": "text", "value": {"heading": "Why", "body": "<p>Benchmark lesson text.</p>"}},
    {"type": "key_points", "value": ["One point."]},
]


def build_course(modules: int, lessons: int):
    from django.core.management import call_command

    from cms.demo import ensure_home_page
    from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
    from courses.services import deferred_sync
    from toolkit.models import Framework

    call_command("load_frameworks", stdout=StringIO())
    home, _ = ensure_home_page()
    index = home.add_child(instance=CourseIndexPage(title="Courses", slug="courses"))
    framework = Framework.objects.get(key="losi_2024")
    with deferred_sync():
        course = index.add_child(
            instance=CoursePage(title="Benchmark course", slug="bench", framework=framework)
        )
        course.save_revision().publish()
        for m in range(modules):
            module = course.add_child(
                instance=ModulePage(title=f"Module {m + 1:02d}", slug=f"module-{m + 1}")
            )
            module.save_revision().publish()
            for n in range(lessons):
                lesson = module.add_child(
                    instance=LessonPage(title=f"Lesson {m + 1}.{n + 1}", slug=f"l-{n}", body=BODY)
                )
                lesson.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def build_cohort(course, trainer, name: str, size: int, seed: int):
    """Learners with progress drawn from a skewed distribution: 10% finished, 15% not started,
    the rest part-way (more near the start than the end), completions spread over weeks."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from courses import services
    from courses.models import CohortMember, Enrolment, ItemCompletion, Requirement

    rng = random.Random(seed)
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(
                email=f"{name}-{n}@example.org",
                first_name=f"Learner{n}",
                last_name=name,
                password="!",  # noqa: S106 (unusable: "!" never matches a hash)
            )
            for n in range(size)
        ]
    )
    cohort = services.create_cohort(trainer, name)
    today = timezone.localdate()
    modules = list(course.get_children().live().specific())
    services.assign(cohort, course, None, today + timedelta(days=60))
    for module, days in zip(modules[:3], (-5, 3, 20), strict=False):
        services.assign(cohort, course, module, today + timedelta(days=days))
    CohortMember.objects.bulk_create([CohortMember(cohort=cohort, user=user) for user in users])
    Enrolment.objects.bulk_create(
        [Enrolment(user=u, course_key=course.translation_key, source="trainer") for u in users]
    )
    items = list(
        Requirement.objects.filter(course_key=course.translation_key)
        .order_by("order")
        .values_list("item_key", flat=True)
    )
    now = timezone.now()
    completions = []
    for user in users:
        draw = rng.random()
        if draw < 0.10:
            done = len(items)
        elif draw < 0.25:
            done = 0
        else:
            done = int(len(items) * rng.betavariate(1.3, 2.5))
        completions.extend(
            ItemCompletion(
                user=user,
                item_id=item,
                completed_at=now - timedelta(days=rng.randint(0, 40), minutes=position),
            )
            for position, item in enumerate(items[:done])
        )
    ItemCompletion.objects.bulk_create(completions, batch_size=5000)
    refresh_statistics()
    return cohort, users, len(completions)


def refresh_statistics() -> None:
    """After a bulk load, give the planner the statistics autovacuum would gather on a live
    PostgreSQL database (without them it plans for empty tables)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(client, url: str, iterations: int) -> dict:
    return measure_view(client, url, iterations, freeze=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--modules", type=int, default=12)
    parser.add_argument("--lessons", type=int, default=4)
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from cms.roles import TRAINER

    with scratch_database():
        course = build_course(args.modules, args.lessons)
        trainer = get_user_model().objects.create_user("bench-trainer@example.org")
        trainer.groups.add(Group.objects.get(name=TRAINER))
        small, _small_users, _ = build_cohort(course, trainer, "small", 10, seed=1)
        large, large_users, completion_count = build_cohort(
            course, trainer, "large", args.learners, seed=2
        )
        client = Client()
        client.force_login(trainer)
        results = {
            "matrix (10 learners)": measure(
                client, f"/en/learning/cohorts/{small.pk}/", args.iterations
            ),
            f"matrix ({args.learners} learners)": measure(
                client, f"/en/learning/cohorts/{large.pk}/", args.iterations
            ),
            f"CSV export ({args.learners} learners)": measure(
                client, f"/en/learning/cohorts/{large.pk}/export.csv", args.iterations
            ),
        }
        learner = large_users[len(large_users) // 2]
        client.force_login(learner)
        results["My learning"] = measure(client, "/en/learning/", args.iterations * 7)
        report = {
            "benchmark": "cohort",
            "environment": environment(),
            "learners": args.learners,
            "modules": args.modules,
            "lessons_per_module": args.lessons,
            "completions": completion_count,
            "iterations": args.iterations,
            "results": results,
        }
    print_results("view", results)
    print(f"written to {write_report('cohort', report)}")


if __name__ == "__main__":
    main()
