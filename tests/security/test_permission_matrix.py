"""The permission matrix: every URL the project serves × every kind of visitor, with the
outcome each must get. The URL list is read from the URL configuration itself, so a new view
without a row here fails `test_every_url_has_a_row` until someone decides who may use it.

Roles: anonymous, learner, another learner, trainer, editor, moderator, administrator.
Outcomes: OK (200), LOGIN (redirect to the site's sign-in), ADMIN_LOGIN (redirect to the
admin's), REDIRECT (302 elsewhere), DENIED (403/404: nothing leaks), GONE (404/405: not a
page for GET), NO_ACCESS (never the page: a login redirect, 403, 404 or 405), STAFF (any
answer below 500: admin views fed synthetic ids)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.best_practices.factories import make_case, make_compendium
from tests.cms.factories import (
    EditorFactory,
    LearnerFactory,
    ModeratorFactory,
    TrainerFactory,
    UserFactory,
)
from tests.courses.factories import make_small_course
from tests.toolkit.factories import make_dimension, make_guide, make_toolkit

ROLES = ("anonymous", "learner", "other_learner", "trainer", "editor", "moderator", "admin")
STAFF_ROLES = ("editor", "moderator", "admin")
PUBLIC_ROLES = ("anonymous", "learner", "other_learner", "trainer")

OK, LOGIN, ADMIN_LOGIN, REDIRECT, DENIED, GONE, STAFF, NO_ACCESS = (
    "ok",
    "login",
    "admin-login",
    "redirect",
    "denied",
    "gone",
    "staff",
    "no-access",  # anything but the page itself: a redirect to a login, 403, 404 or 405
)


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def staff(outcome):
    return dict.fromkeys(STAFF_ROLES, outcome)


# Wagtail's admin: people without admin access are sent to its login (or refused); staff get
# an answer (their own permissions decide which: tested with Wagtail's own tests and ours).
ADMIN = {**dict.fromkeys(PUBLIC_ROLES, NO_ACCESS), **dict.fromkeys(STAFF_ROLES, STAFF)}
CONTRIBUTORS = ("learner", "other_learner", "trainer")  # proposals: learners and trainers
PROPOSALS = {
    **dict.fromkeys(CONTRIBUTORS, OK),
    "anonymous": LOGIN,
    "editor": DENIED,
    "moderator": DENIED,
    "admin": OK,
}
ACCOUNT_FORMS = {**dict.fromkeys(ROLES, REDIRECT), "anonymous": OK}
SIGNED_IN = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN}
SIGNED_IN_POST = {**dict.fromkeys(ROLES, GONE), "anonymous": LOGIN}  # forms post here
SIGNED_IN_NOT_FOUND = {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN}
# Trainers' pages: only trainers (and administrators, who hold every role) get in; a cohort
# that is not theirs is 404 (object-level tests in tests/courses/test_permissions.py).
TRAINERS = {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN, "trainer": OK, "admin": OK}
SOMEONE_ELSES_COHORT = {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN}
COHORT_POSTS = {**dict.fromkeys(ROLES, NO_ACCESS), "anonymous": LOGIN}


@dataclass(frozen=True)
class Row:
    pattern: str  # regular expression over the URL pattern's route
    outcomes: dict
    sample: str | None = None  # the concrete URL to request (None: route with samples filled)


# Ordered: the first row whose pattern matches a route decides. Page routes (Wagtail's
# catch-all) are requested once per page type through SAMPLE_PAGES.
ROWS = [
    Row(r"^admin/login/$", {**ADMIN, **dict.fromkeys(PUBLIC_ROLES, OK)}),
    Row(r"^admin/logout/$", everyone(NO_ACCESS)),  # sign-out is a POST
    Row(r"^admin/password_reset/", everyone(STAFF)),
    Row(r"^admin/(jsi18n|sprite)/$", everyone(OK)),  # the admin's public script and icons
    # Wagtail's deliberate error page (checks error reporting): a 500 by design, staff only.
    Row(r"^admin/failwhale/$", {**dict.fromkeys(PUBLIC_ROLES, NO_ACCESS), **staff("error")}),
    Row(r"^admin/", ADMIN),
    Row(r"^documents/authenticate_with_password/", everyone(NO_ACCESS)),
    Row(r"^documents/", everyone(NO_ACCESS)),  # no document here: 404 or the old-URL redirect
    Row(r"^i18n/setlang/$", everyone(REDIRECT)),
    Row(r"accounts/sign-in/$", ACCOUNT_FORMS),
    Row(r"accounts/sign-out/$", everyone(GONE)),
    Row(r"accounts/register/$", ACCOUNT_FORMS),
    Row(r"accounts/register/sent/$", everyone(OK)),
    Row(r"accounts/register/resend/$", everyone(OK)),
    Row(r"accounts/confirm/<str:token>/$", everyone(OK), sample="/en/accounts/confirm/bad/"),
    Row(r"accounts/password-reset/", everyone(OK)),
    Row(r"^en/search/$", everyone(OK), sample="/en/search/?q=portal"),
    Row(r"^en/search/suggest/$", everyone(OK), sample="/en/search/suggest/?q=po"),
    Row(r"^en/cases/propose/$", PROPOSALS),
    Row(r"^en/cases/mine/$", PROPOSALS),
    Row(r"learning/$", SIGNED_IN),
    Row(r"learning/courses/<int:page_id>/enrol/$", SIGNED_IN_POST),
    Row(r"learning/lessons/<int:page_id>/(complete|answers)/$", SIGNED_IN_POST),
    Row(r"learning/certificates/<str:code>/$", everyone(DENIED)),  # no such code: 404
    Row(r"learning/certificates/<str:code>/pdf/$", SIGNED_IN_NOT_FOUND),
    Row(r"learning/invitations/<str:token>/$", everyone(DENIED)),  # no such token: 404
    Row(r"learning/join/<str:code>/$", SIGNED_IN_NOT_FOUND),
    Row(r"learning/cohorts/$", TRAINERS),
    Row(r"learning/progress/$", SIGNED_IN),
    Row(r"learning/practice/$", SIGNED_IN_POST),
    Row(r"learning/quizzes/<int:page_id>/start/$", SIGNED_IN_POST),
    Row(r"learning/attempts/<int:pk>/submit/$", SIGNED_IN_POST),
    Row(r"learning/attempts/<int:pk>/(summary/|review/)?$", SIGNED_IN_NOT_FOUND),
    Row(r"learning/cohorts/<int:pk>/(learners|assignments)/$", COHORT_POSTS),
    Row(r"learning/cohorts/<int:pk>/learners/<int:user_id>/remove/$", COHORT_POSTS),
    Row(r"learning/cohorts/<int:pk>/", SOMEONE_ELSES_COHORT),
    Row(r"_util/authenticate_with_password/", everyone(GONE)),
    Row(r"_util/login/$", everyone(OK)),
    Row(r"wagtail_serve", everyone(OK)),  # page routes: see SAMPLE_PAGES
]


def routes() -> list[tuple[str, str]]:
    """(route, name) of every URL pattern, including every language prefix."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name or ""

    return sorted(set(walk(get_resolver().url_patterns)))


def row_for(route: str, name: str) -> Row | None:
    for row in ROWS:
        if re.search(row.pattern, route) or (name and row.pattern == name):
            return row
    return None


CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
# A regular-expression group, with at most one level of nested parentheses.
REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?(?:[^()]|\([^()]*\))*\)")


def concrete(route: str, sample_id: int) -> str:
    """A requestable URL for a route: every parameter filled with a real object's id (digits
    suit int and str parameters alike), regular-expression parts made literal."""
    url = REGEX_GROUP.sub(str(sample_id), route)
    url = url.replace("^", "").replace("$", "").replace("\\", "")
    url = url.replace(".*", "x").replace("?", "")

    def fill(match):
        if match.group(1) == "uuid":
            return "00000000-0000-0000-0000-000000000000"
        return str(sample_id)

    return "/" + CONVERTER.sub(fill, url)


@pytest.fixture
def world(taxonomy, home_page, client):
    learner = LearnerFactory(email="learner@example.org")
    toolkit = make_toolkit(home_page)
    dimension = make_dimension(toolkit)
    guide = make_guide(dimension)
    compendium = make_compendium(home_page)
    case = make_case(compendium, [guide.indicator], title="Published case")
    draft = make_case(
        compendium,
        [guide.indicator],
        title="Private proposal of the learner",
        slug="private-proposal",
        live=False,
        proposed_by=learner,
        owner=learner,
    )
    course, modules = make_small_course(home_page, modules=("IF",), lessons=1)
    users = {
        "anonymous": None,
        "learner": learner,
        "other_learner": LearnerFactory(),
        "trainer": TrainerFactory(),
        "editor": EditorFactory(),
        "moderator": ModeratorFactory(),
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }
    pages = {
        "home": "/en/",
        "toolkit": toolkit.url,
        "dimension": dimension.url,
        "guide": guide.url,
        "compendium": compendium.url,
        "case": case.url,
        "course list": course.get_parent().url,
        "course": course.url,
        "module": modules[0][0].url,
        "lesson": modules[0][1][0].url,
    }
    return {"users": users, "pages": pages, "sample_id": case.pk, "draft": draft}


def outcome_of(response, role) -> str:
    status = response.status_code
    if status >= 500:
        return "error"
    if status == 200:
        return OK
    if status in (301, 302):
        target = urlsplit(response["Location"]).path
        if target.startswith("/admin/login"):
            return ADMIN_LOGIN
        if "/accounts/sign-in/" in target:
            return LOGIN
        return REDIRECT
    if status in (403, 404):
        return DENIED
    if status in (405, 410):
        return GONE
    return f"status {status}"


def matches(expected: str, actual: str, status: int) -> bool:
    if expected == "error":
        return actual == "error"
    if expected == STAFF:
        return actual != "error"
    if expected == NO_ACCESS:
        return actual in (LOGIN, ADMIN_LOGIN, REDIRECT, DENIED, GONE)
    if expected == GONE:
        return actual in (GONE, DENIED)
    return expected == actual


def test_every_url_has_a_row():
    missing = [route for route, name in routes() if row_for(route, name) is None]
    assert not missing, "URLs without a row in the permission matrix:\n" + "\n".join(missing)


def test_every_row_names_every_role():
    for row in ROWS:
        assert set(row.outcomes) == set(ROLES), row.pattern


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    client.raise_request_exception = False  # a 500 is an outcome to report, not a crash
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    failures = []
    requested = 0
    for route, name in routes():
        row = row_for(route, name)
        if row.pattern == "wagtail_serve" or name == "wagtail_serve":
            continue
        url = row.sample or concrete(route, world["sample_id"])
        response = client.get(url)
        requested += 1
        if user is not None and ("logout" in url or "sign-out" in url):
            client.force_login(user)  # the admin's sign-out answers GET: sign in again
        actual = outcome_of(response, role)
        if not matches(row.outcomes[role], actual, response.status_code):
            failures.append(f"{url}: expected {row.outcomes[role]}, got {actual}")
    for kind, url in world["pages"].items():
        response = client.get(url)
        requested += 1
        if response.status_code != 200:
            failures.append(f"{kind} page {url}: expected ok, got {response.status_code}")
        elif any(tag in response.content.decode() for tag in ("{#", "#}", "{%", "{{")):
            failures.append(f"{kind} page {url}: template syntax shown as text")
    # A draft (someone's proposal) is never served, whoever asks.
    draft = client.get(world["draft"].url or "/en/compendium/private-proposal/")
    if draft.status_code != 404:
        failures.append(f"draft case: expected 404, got {draft.status_code}")
    # Records are personal: another learner never sees the learner's proposals.
    if role in ("other_learner", "trainer"):
        mine = client.get("/en/cases/mine/").content.decode()
        if "Private proposal of the learner" in mine:
            failures.append("/en/cases/mine/ shows another person's proposal")
    assert requested > 300
    assert not failures, f"{len(failures)} of {requested} requests as {role}:\n" + "\n".join(
        failures
    )
