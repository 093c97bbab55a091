"""Writes for courses: enrolment, completion, exercise answers, certificates, cohorts,
invitations, assignments, and keeping completion rules in step with the published pages."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.imports import Problems
from cms.sanitize import plain_text
from courses import selectors
from courses.models import (
    ANSWER_MAX_LENGTH,
    Assignment,
    Certificate,
    Cohort,
    CohortMember,
    CoursePage,
    Enrolment,
    ExerciseAnswer,
    Invitation,
    ItemCompletion,
    LessonPage,
    ModulePage,
    Requirement,
)

MAX_EMAILS_PER_PASTE = 500


class CourseActionRefused(Exception):
    """An action a person asked for and may not do now; the message says why, for them."""


# --- enrolment -------------------------------------------------------------------------------


def enrol(user, course: CoursePage, key: str | None = None, by_trainer: bool = False):
    """Enrol `user`, checking the course's enrolment mode. Idempotent: enrolling again returns
    the existing enrolment."""
    existing = Enrolment.objects.filter(user=user, course_key=course.translation_key).first()
    if existing is not None:
        return existing
    if not by_trainer:
        reason = course.enrolment_closed_reason()
        if reason:
            raise CourseActionRefused(reason)
        if course.enrolment == CoursePage.Enrolment.TRAINER:
            raise CourseActionRefused(
                _("Learners join this course through a trainer: ask yours for an invitation.")
            )
        if course.enrolment == CoursePage.Enrolment.KEY and (
            (key or "").strip() != course.enrolment_key.strip()
        ):
            raise CourseActionRefused(
                _("That enrolment key is not right. Check it with your trainer and try again.")
            )
    source = (
        Enrolment.Source.TRAINER
        if by_trainer
        else Enrolment.Source.KEY
        if course.enrolment == CoursePage.Enrolment.KEY
        else Enrolment.Source.SELF
    )
    enrolment, _created = Enrolment.objects.get_or_create(
        user=user, course_key=course.translation_key, defaults={"source": source}
    )
    return enrolment


def enrol_by_trainer(users, course_key) -> int:
    """Enrol many learners at once (cohort assignments); returns how many were new."""
    existing = set(
        Enrolment.objects.filter(course_key=course_key, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    new = [
        Enrolment(user=user, course_key=course_key, source=Enrolment.Source.TRAINER)
        for user in users
        if user.pk not in existing
    ]
    Enrolment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- completion ------------------------------------------------------------------------------


def course_of(page: Page) -> CoursePage:
    return CoursePage.objects.ancestor_of(page, inclusive=True).get()


@dataclass
class Completion:
    created: bool  # False when it was already recorded (a second tab, a double click)
    certificate: Certificate | None
    certificate_issued: bool  # this completion finished the course


def complete_item(user, item_key, course_key) -> Completion:
    """Record that `user` completed an item (a lesson, later a quiz), and issue the course's
    certificate when this finished it."""
    requirement = Requirement.objects.filter(item_key=item_key).first()
    if requirement is None:
        raise CourseActionRefused(_("This lesson is not part of a published course."))
    if not Enrolment.objects.filter(user=user, course_key=course_key).exists():
        raise CourseActionRefused(_("Enrol in the course to record your progress."))
    try:
        with transaction.atomic():
            ItemCompletion.objects.create(user=user, item_id=item_key)
        created = True
    except IntegrityError:
        created = False
    existing = Certificate.objects.filter(user=user, course_key=course_key).first()
    if existing is not None:
        return Completion(created, existing, False)
    issued = _issue(user, course_key) if selectors.course_is_complete(user, course_key) else None
    return Completion(created, issued, issued is not None)


def complete_lesson(user, lesson: LessonPage):
    course = course_of(lesson)
    return complete_item(user, lesson.translation_key, course.translation_key)


def issue_certificate_if_complete(user, course_key) -> Certificate | None:
    """Issue the course's certificate once, when the learner meets its rule. Later edits to the
    course (a lesson added) do not take an issued certificate back."""
    existing = Certificate.objects.filter(user=user, course_key=course_key).first()
    if existing is not None:
        return existing
    if not selectors.course_is_complete(user, course_key):
        return None
    return _issue(user, course_key)


def _issue(user, course_key) -> Certificate:
    course = selectors.pages_by_key(CoursePage, [course_key]).get(course_key)
    title = course.title if course else ""
    name = user.get_full_name().strip() or user.email
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user, course_key=course_key, learner_name=name, course_title=title
            )
    except IntegrityError:  # issued by a concurrent request
        return Certificate.objects.get(user=user, course_key=course_key)


def save_answers(user, lesson: LessonPage, submitted: dict[str, str]) -> int:
    """Store the learner's answers to the lesson's exercise prompts; returns how many changed.
    Unknown prompt keys are refused (a stale page after an editor removed a prompt keeps
    nothing wrong); answers are plain text, NUL bytes removed, length limited."""
    prompts = dict(lesson.exercise_prompts())
    course = course_of(lesson)
    if not Enrolment.objects.filter(user=user, course_key=course.translation_key).exists():
        raise CourseActionRefused(_("Enrol in the course to keep your answers."))
    unknown = [key for key in submitted if key not in prompts]
    if unknown:
        raise CourseActionRefused(
            _("This exercise has changed since the page was opened: reload it, then save again.")
        )
    too_long = [key for key, text in submitted.items() if len(text) > ANSWER_MAX_LENGTH]
    if too_long:
        raise CourseActionRefused(
            _("An answer is longer than %(limit)s characters: shorten it and save again.")
            % {"limit": ANSWER_MAX_LENGTH}
        )
    changed = 0
    for key, text in submitted.items():
        text = text.replace("\x00", "")
        answer, created = ExerciseAnswer.objects.get_or_create(
            user=user,
            prompt_key=key,
            defaults={"lesson_key": lesson.translation_key, "text": text},
        )
        if created:
            changed += 1
        elif answer.text != text:
            answer.text = text
            answer.save(update_fields=["text", "updated_at"])
            changed += 1
    return changed


# --- keeping rules in step with the pages ----------------------------------------------------


@dataclass
class SyncResult:
    added: int = 0
    removed: int = 0
    certificates: int = 0
    reopened: int = 0  # learners who had finished a module that gained a lesson


_deferred: list[set] = []


def request_sync(course_key, excluding=()) -> None:
    """Sync a course's rule now, or at the end of the enclosing `deferred_sync()` block."""
    if course_key is None:
        return
    if _deferred:
        _deferred[-1].add(course_key)
    else:
        sync_course_requirements(course_key, excluding)


@contextmanager
def deferred_sync():
    """Bulk writes (imports) sync each course once, at the end, instead of once per page."""
    _deferred.append(set())
    try:
        yield
    except BaseException:
        _deferred.pop()  # the writes roll back: nothing to sync
        raise
    for key in _deferred.pop():
        request_sync(key)


def sync_course_requirements(course_key, excluding=()) -> SyncResult:
    """Make the requirements of a course match its live items (lessons, quizzes: the page
    types `Requirement.item_page_types` lists), in every language: an item is one item
    whatever its translations. Learners' completions and answers are never deleted; a removed
    item simply stops counting, and learners who now meet the rule get their certificate."""
    result = SyncResult()
    courses = list(CoursePage.objects.filter(translation_key=course_key).exclude(pk__in=excluding))
    wanted: dict = {}
    if courses:
        query = Q()
        for course in courses:
            query |= Q(path__startswith=course.path, depth__gt=course.depth)
        types = {("courses", "modulepage"): None, **Requirement.item_page_types}
        of_type = Q()
        for app_label, model in types:
            of_type |= Q(content_type__app_label=app_label, content_type__model=model)
        pages = list(
            Page.objects.filter(query)
            .exclude(pk__in=excluding)
            .live()
            .filter(of_type)
            .order_by("path")
            .values(
                "path",
                "depth",
                "translation_key",
                "content_type__app_label",
                "content_type__model",
                "locale_id",
            )
        )
        for page in pages:
            page["kind"] = types[(page["content_type__app_label"], page["content_type__model"])]
        module_keys = {p["path"]: p["translation_key"] for p in pages if p["kind"] is None}
        module_order = {}
        for page in pages:
            if page["kind"] is None:
                module_order.setdefault(page["translation_key"], len(module_order))
        item_number = {}
        for page in pages:
            if page["kind"] is None:
                continue
            module_key = module_keys.get(page["path"][: -Page.steplen])
            if module_key is None:  # its module is not live
                continue
            item_number.setdefault(module_key, 0)
            if page["translation_key"] not in wanted:
                item_number[module_key] += 1
                wanted[page["translation_key"]] = (
                    module_key,
                    module_order[module_key] * 1000 + item_number[module_key],
                    page["kind"],
                )
    with transaction.atomic():
        current = {
            r.item_key: r
            for r in Requirement.objects.select_for_update().filter(course_key=course_key)
        }
        gone = [key for key in current if key not in wanted]
        if gone:
            Requirement.objects.filter(item_key__in=gone).delete()
            result.removed = len(gone)
        finished_before = set(selectors.learners_who_completed(course_key))
        for item_key, (module_key, order, kind) in wanted.items():
            requirement = current.get(item_key)
            if requirement is None:
                Requirement.objects.update_or_create(
                    item_key=item_key,
                    defaults={
                        "course_key": course_key,
                        "module_key": module_key,
                        "order": order,
                        "kind": kind,
                    },
                )
                result.added += 1
            elif (requirement.module_key, requirement.order, requirement.kind) != (
                module_key,
                order,
                kind,
            ):
                requirement.module_key, requirement.order = module_key, order
                requirement.kind = kind
                requirement.save(update_fields=["module_key", "order", "kind"])
        finished_now = set(selectors.learners_who_completed(course_key))
        result.reopened = len(finished_before - finished_now)
        certified = set(
            Certificate.objects.filter(course_key=course_key).values_list("user_id", flat=True)
        )
        for user in get_user_model().objects.filter(pk__in=finished_now - certified):
            _issue(user, course_key)
            result.certificates += 1
    return result


# --- cohorts ---------------------------------------------------------------------------------


def create_cohort(trainer, name: str, description: str = "") -> Cohort:
    name = plain_text(name).strip()
    if not name:
        raise CourseActionRefused(_("Give the cohort a name."))
    return Cohort.objects.create(
        trainer=trainer, name=name[:120], description=plain_text(description)[:300]
    )


@dataclass
class PasteResult:
    added: list = field(default_factory=list)  # existing accounts, now members
    invited: list = field(default_factory=list)  # new invitations sent
    already: list = field(default_factory=list)  # members or invited before


def parse_emails(text: str) -> list[str]:
    """E-mail addresses pasted one per line, or separated by commas, semicolons or spaces;
    every malformed one is reported with its line, and none is kept if one is wrong."""
    problems = Problems()
    emails: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for raw in line.replace(";", ",").replace(" ", ",").split(","):
            email = raw.strip().strip("<>").strip()
            if not email:
                continue
            try:
                validate_email(email)
            except ValidationError:
                problems.add(
                    _("'%(value)s' is not an e-mail address") % {"value": email[:80]}, line=number
                )
                continue
            if email.casefold() not in (e.casefold() for e in emails):
                emails.append(email)
    if len(emails) > MAX_EMAILS_PER_PASTE:
        problems.add(
            _("Paste at most %(limit)s addresses at a time.") % {"limit": MAX_EMAILS_PER_PASTE}
        )
    problems.raise_if_any()
    return emails


@transaction.atomic
def add_learners_by_email(cohort: Cohort, text: str, invite_url) -> PasteResult:
    """Add people with an account; invite the others by e-mail (`invite_url(invitation)` gives
    the absolute link). All or nothing: a malformed address adds nobody."""
    from courses.notifications import send_invitation

    emails = parse_emails(text)
    result = PasteResult()
    users = {
        user.email.casefold(): user
        for user in get_user_model()
        .objects.annotate(folded=Lower("email"))
        .filter(folded__in=[email.casefold() for email in emails])
    }
    members = set(cohort.members.values_list("user__email", flat=True))
    members = {email.casefold() for email in members}
    invited = {email.casefold() for email in cohort.invitations.values_list("email", flat=True)}
    for email in emails:
        folded = email.casefold()
        if folded in members or (folded not in users and folded in invited):
            result.already.append(email)
        elif folded in users:
            add_member(cohort, users[folded])
            result.added.append(email)
        else:
            invitation = Invitation.objects.create(cohort=cohort, email=email)
            transaction.on_commit(
                lambda i=invitation: send_invitation(i, invite_url(i)), robust=True
            )
            result.invited.append(email)
    return result


def add_member(cohort: Cohort, user) -> CohortMember:
    """Make `user` a member and enrol them in every course the cohort is assigned."""
    member, _created = CohortMember.objects.get_or_create(cohort=cohort, user=user)
    for course_key in set(cohort.assignments.values_list("course_key", flat=True)):
        enrol_by_trainer([user], course_key)
    return member


def remove_member(cohort: Cohort, user) -> None:
    """Leave the cohort; the learner keeps their enrolments and records (they are theirs)."""
    cohort.members.filter(user=user).delete()


def join_with_link(code: str, user) -> Cohort:
    cohort = Cohort.objects.filter(invite_code=code, invite_link_enabled=True).first()
    if cohort is None:
        raise CourseActionRefused(
            _("This invitation link does not work (any more). Ask your trainer for a new one.")
        )
    add_member(cohort, user)
    return cohort


@transaction.atomic
def accept_invitation(token: str, user) -> Cohort:
    invitation = (
        Invitation.objects.select_for_update().select_related("cohort").filter(token=token).first()
    )
    if invitation is None:
        raise CourseActionRefused(_("This invitation does not exist."))
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == user.pk:
            return invitation.cohort
        raise CourseActionRefused(_("This invitation has already been used."))
    if invitation.is_expired:
        raise CourseActionRefused(
            _("This invitation expired on %(date)s. Ask your trainer to invite you again.")
            % {"date": timezone.localtime(invitation.expires_at).date()}
        )
    if invitation.email.casefold() != user.email.casefold():
        raise CourseActionRefused(
            _("This invitation was sent to another e-mail address: sign in with that address.")
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    add_member(invitation.cohort, user)
    return invitation.cohort


def assign(
    cohort: Cohort,
    course: CoursePage,
    module: ModulePage | None,
    due_on: date,
    starts_on: date | None = None,
) -> Assignment:
    """Assign a course or one of its modules; members are enrolled in the course."""
    if starts_on and due_on < starts_on:
        raise CourseActionRefused(_("The due date cannot come before the start date."))
    if module is not None and course_of(module).translation_key != course.translation_key:
        raise CourseActionRefused(_("Choose a module of that course."))
    module_key = module.translation_key if module is not None else None
    with transaction.atomic():
        assignment, _created = Assignment.objects.update_or_create(
            cohort=cohort,
            course_key=course.translation_key,
            module_key=module_key,
            defaults={"due_on": due_on, "starts_on": starts_on},
        )
        users = [member.user for member in cohort.members.select_related("user")]
        enrol_by_trainer(users, course.translation_key)
    return assignment


# --- shipped content -------------------------------------------------------------------------


def ensure_course_index(home_page):
    """The course list under the home page, in the home page's language."""
    from cms.page_import import upsert_page
    from courses.models import CourseIndexPage

    existing = CourseIndexPage.objects.child_of(home_page).first()
    if existing is not None:
        return existing
    from cms.imports import Outcomes

    return upsert_page(
        home_page,
        None,
        CourseIndexPage,
        {
            "title": _("Courses"),
            "slug": "courses",
            "summary": _("Self-paced courses on the Local and National E-Government Toolkits."),
            "show_in_menus": True,
        },
        "",
        Outcomes(),
    )


def apply_course_plan(plan, home_page, outcomes, force: bool = False, progress=None):
    """Build or update one course's pages from a validated plan (courses.importer), then sync
    its completion rule once."""
    from cms.page_import import upsert_page
    from toolkit.services import page_values

    index = ensure_course_index(home_page)
    locale = home_page.locale

    def values(item):
        return {**page_values(item), **item.fields, "source_path": item.key}

    def existing(model, item):
        return model.objects.filter(source_path=item.key, locale=locale).first()

    def step():
        if progress is not None:
            progress.update(1)

    with deferred_sync():
        course = upsert_page(
            index,
            existing(CoursePage, plan),
            CoursePage,
            values(plan),
            plan.source.digest,
            outcomes,
            force,
        )
        step()
        for module_plan in plan.modules:
            module = upsert_page(
                course,
                existing(ModulePage, module_plan),
                ModulePage,
                values(module_plan),
                module_plan.source.digest,
                outcomes,
                force,
                m2m={"indicators": module_plan.indicators},
            )
            step()
            for lesson_plan in module_plan.lessons:
                upsert_page(
                    module,
                    existing(LessonPage, lesson_plan),
                    LessonPage,
                    values(lesson_plan),
                    lesson_plan.source.digest,
                    outcomes,
                    force,
                    m2m={"indicators": lesson_plan.indicators},
                )
                step()
    return course
