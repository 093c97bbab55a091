"""Demo records for `make run`: the demo trainer's cohort of learners at every stage of the
Local course, so the trainer's matrix, a learner's "My learning" and a certificate all show
something real. Development only (load_demo_content refuses production settings)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cms.roles import LEARNER
from courses import services
from courses.models import (
    Cohort,
    CoursePage,
    ExerciseAnswer,
    ItemCompletion,
    LessonPage,
    ModulePage,
    Requirement,
)

COHORT_NAME = "Demo: Lakeside municipal digital team"
TRAINER_EMAIL = "trainer@example.org"
LEARNER_PASSWORD = "learner-demo-pass"  # noqa: S105 (development only, printed by the command)
# (first name, last name, lessons completed in course order); the demo learner
# learner@example.org joins with 7 lessons done.
DEMO_LEARNERS = (
    ("Ana", "Rojas", 28),
    ("Bilal", "Haddad", 19),
    ("Chen", "Wei", 12),
    ("Dmitri", "Volkov", 9),
    ("Esi", "Mensah", 6),
    ("Farah", "Karimi", 4),
    ("Gabriel", "Silva", 2),
    ("Hana", "Sato", 0),
)
DEMO_ANSWER = (
    "About 70% of households have a smartphone, but fewer than 20% have a computer; the "
    "northern villages have the weakest coverage. Source: 2022 household survey."
)


def local_course() -> CoursePage | None:
    return CoursePage.objects.filter(source_path__endswith="local/_course.md").first()


@transaction.atomic
def ensure_demo_cohort() -> Cohort | None:
    User = get_user_model()
    course = local_course()
    trainer = User.objects.filter(email=TRAINER_EMAIL).first()
    if course is None or trainer is None:
        return None
    cohort, _created = Cohort.objects.get_or_create(
        name=COHORT_NAME,
        trainer=trainer,
        defaults={"description": "A city's portal, communication and service teams (demo)."},
    )
    today = timezone.localdate()
    modules = list(ModulePage.objects.live().child_of(course))
    services.assign(cohort, course, None, today + timedelta(days=60))
    for module, days in zip(modules[:3], (-7, 2, 21), strict=False):
        services.assign(cohort, course, module, today + timedelta(days=days))
    learner_role = Group.objects.get(name=LEARNER)
    people = []
    for number, (first, last, lessons) in enumerate(DEMO_LEARNERS, start=1):
        user, created = User.objects.get_or_create(
            email=f"learner{number:02d}@example.org",
            defaults={"first_name": first, "last_name": last, "organisation": "Lakeside (demo)"},
        )
        if created:
            user.set_password(LEARNER_PASSWORD)
            user.save()
        user.groups.add(learner_role)
        people.append((user, lessons))
    demo_learner = User.objects.filter(email="learner@example.org").first()
    if demo_learner is not None:
        people.append((demo_learner, 7))
    order = list(
        Requirement.objects.filter(
            course_key=course.translation_key, kind=Requirement.Kind.LESSON
        ).values_list("item_key", flat=True)
    )
    diagnosis = LessonPage.objects.filter(
        source_path__endswith="01-institutional-framework/05-quick-diagnosis-of-digital-maturity.md"
    ).first()
    now = timezone.now()
    for user, lessons in people:
        services.add_member(cohort, user)
        done = set(ItemCompletion.objects.filter(user=user).values_list("item_id", flat=True))
        for position, item_key in enumerate(order[:lessons]):
            if item_key not in done:
                ItemCompletion.objects.create(
                    user=user,
                    item_id=item_key,
                    completed_at=now - timedelta(days=lessons - position, hours=position),
                )
        services.issue_certificate_if_complete(user, course.translation_key)
        if diagnosis is not None and lessons >= 5:
            for key, _prompt in diagnosis.exercise_prompts()[:2]:
                ExerciseAnswer.objects.get_or_create(
                    user=user,
                    prompt_key=key,
                    defaults={"lesson_key": diagnosis.translation_key, "text": DEMO_ANSWER},
                )
    return cohort
