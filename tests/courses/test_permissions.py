"""Who may use each courses view, on real records: anonymous, the learner, another learner,
the cohort's trainer, another trainer, an editor (and a moderator). Records are personal:
nobody but their owner (and the cohort's trainer, for members) reaches them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services
from courses.models import Certificate, Invitation
from tests.cms.factories import EditorFactory, LearnerFactory, ModeratorFactory, TrainerFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "learner", "other_learner", "trainer", "other_trainer", "editor", "moderator")


@pytest.fixture
def world(course_tree, learner, trainer):
    cohort = services.create_cohort(trainer, "Private cohort")
    services.assign(cohort, course_tree["course"], None, timezone.localdate() + timedelta(days=9))
    services.add_member(cohort, learner)
    for lesson in course_tree["lessons"]:
        services.complete_lesson(learner, lesson)
    certificate = Certificate.objects.get(user=learner)
    invitation = Invitation.objects.create(cohort=cohort, email="invited@example.org")
    users = {
        "anonymous": None,
        "learner": learner,
        "other_learner": LearnerFactory(),
        "trainer": trainer,
        "other_trainer": TrainerFactory(),
        "editor": EditorFactory(),
        "moderator": ModeratorFactory(),
    }
    return {
        "cohort": cohort,
        "certificate": certificate,
        "invitation": invitation,
        "users": users,
        **course_tree,
    }


def expect(table, role):
    return table.get(role, table.get("*"))


CASES = [
    # (url template, {role: status}); "*" = every other role. 302 = to the sign-in page.
    ("/en/learning/", {"anonymous": 302, "*": 200}),
    # Whoever holds an invitation or the invite link sees what it is (accepting is checked
    # against the invited address: tests/courses/test_cohorts.py).
    ("/en/learning/invitations/{invitation}/", {"*": 200}),
    ("/en/learning/join/{invite_code}/", {"anonymous": 302, "*": 200}),
    ("{module_url}", {"*": 200}),
    ("/en/learning/cohorts/", {"anonymous": 302, "trainer": 200, "other_trainer": 200, "*": 403}),
    (
        "/en/learning/cohorts/{cohort}/",
        {
            "anonymous": 302,
            "trainer": 200,
            "*": 404,
            "learner": 403,
            "other_learner": 403,
            "editor": 403,
            "moderator": 403,
        },
    ),
    (
        "/en/learning/cohorts/{cohort}/export.csv",
        {"anonymous": 302, "trainer": 200, "other_trainer": 404, "*": 403},
    ),
    (
        "/en/learning/cohorts/{cohort}/learners/{learner}/",
        {"anonymous": 302, "trainer": 200, "other_trainer": 404, "*": 403},
    ),
    ("/en/learning/certificates/{code}/pdf/", {"anonymous": 302, "learner": 200, "*": 404}),
    ("/en/learning/certificates/{code}/", {"*": 200}),
    ("{lesson_url}", {"*": 200}),
    ("{course_url}", {"*": 200}),
]


@pytest.mark.parametrize("role", ROLES)
def test_every_courses_view_for_every_role(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    values = {
        "cohort": world["cohort"].pk,
        "learner": world["users"]["learner"].pk,
        "code": world["certificate"].code,
        "lesson_url": world["lessons"][0].url,
        "course_url": world["course"].url,
        "module_url": world["modules"][0][0].url,
        "invitation": world["invitation"].token,
        "invite_code": world["cohort"].invite_code,
    }
    failures = []
    for template, table in CASES:
        url = template.format(**values)
        response = client.get(url)
        wanted = expect(table, role)
        if response.status_code != wanted:
            failures.append(f"{url}: expected {wanted}, got {response.status_code}")
        if wanted == 302 and "/accounts/sign-in/" not in response["Location"]:
            failures.append(f"{url}: redirected elsewhere than the sign-in page")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["other_trainer", "learner", "editor", "moderator"])
def test_nobody_but_the_cohorts_trainer_changes_it(client, world, role):
    client.force_login(world["users"][role])
    cohort = world["cohort"]
    outsider = LearnerFactory(email="outsider@example.org")
    posts = [
        (f"/en/learning/cohorts/{cohort.pk}/learners/", {"emails": outsider.email}),
        (
            f"/en/learning/cohorts/{cohort.pk}/assignments/",
            {"target": f"course:{world['course'].pk}", "due_on": "2099-01-01"},
        ),
        (f"/en/learning/cohorts/{cohort.pk}/learners/{world['users']['learner'].pk}/remove/", {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    assert list(cohort.members.values_list("user__email", flat=True)) == ["learner@example.org"]
    assert cohort.assignments.count() == 1


def test_a_trainer_sees_only_their_cohorts_in_the_list(client, world):
    client.force_login(world["users"]["other_trainer"])
    assert b"Private cohort" not in client.get("/en/learning/cohorts/").content


def test_another_learner_cannot_answer_or_complete_for_someone(client, world):
    """Writes always act on the signed-in person's own record."""
    other = world["users"]["other_learner"]
    client.force_login(other)
    lesson = world["lessons"][0]
    client.post(f"/en/learning/lessons/{lesson.pk}/complete/")
    assert other.completions.count() == 0  # not enrolled: refused, nothing recorded
