"""Reads for courses: outlines, a learner's progress, "My learning", a cohort's matrix.

One rule decides completion everywhere (`done_counts` against `module_totals`): a module is
done when the learner has completed every required item its rule lists, a course when every
module is. Both are counted by the database, and every read here runs a fixed number of
queries whatever the number of learners, modules or lessons."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page

from courses.models import (
    Assignment,
    Certificate,
    Cohort,
    CohortMember,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    ExerciseAnswer,
    ItemCompletion,
    LessonPage,
    ModulePage,
    Requirement,
)

NOT_STARTED, IN_PROGRESS, DONE, OVERDUE = "not_started", "in_progress", "done", "overdue"
STATUS_LABELS = {
    NOT_STARTED: _("Not started"),
    IN_PROGRESS: _("In progress"),
    DONE: _("Done"),
    OVERDUE: _("Overdue"),
}


# --- pages by translation key ----------------------------------------------------------------


def active_locale_id() -> int | None:
    try:
        return Locale.get_active().pk
    except Locale.DoesNotExist:
        return None


def pages_by_key(model, keys, fields=()) -> dict[UUID, Page]:
    """The live page of each translation key in the reader's language, or in another language
    when it is not translated: one query, whatever the number of keys."""
    keys = {key for key in keys if key}
    if not keys:
        return {}
    locale_id = active_locale_id()
    pages = model.objects.live().filter(translation_key__in=keys)
    if fields:
        pages = pages.only(
            "id", "title", "url_path", "path", "depth", "locale_id", "translation_key", *fields
        )
    found: dict[UUID, Page] = {}
    for page in pages.order_by("pk"):
        current = found.get(page.translation_key)
        if current is None or (page.locale_id == locale_id and current.locale_id != locale_id):
            found[page.translation_key] = page
    return found


# --- the completion rule ---------------------------------------------------------------------


def module_totals(course_keys) -> dict[UUID, int]:
    """Required items per module of these courses."""
    rows = (
        Requirement.objects.filter(course_key__in=course_keys, required=True)
        .values("module_key")
        .annotate(total=Count("pk"))
    )
    return {row["module_key"]: row["total"] for row in rows}


def done_counts(users, course_keys) -> dict[tuple[int, UUID], int]:
    """(user id, module key) -> required items completed, counted by the database. `users` is
    a list of ids or a queryset of ids (a subquery, for a whole cohort)."""
    rows = (
        ItemCompletion.objects.filter(
            user_id__in=users, item__course_key__in=course_keys, item__required=True
        )
        .values_list("user_id", "item__module_key")
        .annotate(done=Count("pk"))
        .order_by()
    )
    return {(user_id, module_key): done for user_id, module_key, done in rows}


def last_activity(users, course_keys) -> dict[int, object]:
    """User id -> their latest completion in these courses."""
    rows = (
        ItemCompletion.objects.filter(user_id__in=users, item__course_key__in=course_keys)
        .values_list("user_id")
        .annotate(last=Max("completed_at"))
        .order_by()
    )
    return dict(rows)


def module_status(done: int, total: int, due_on: date | None, today: date) -> str:
    if total and done >= total:
        return DONE
    if due_on is not None and due_on < today:
        return OVERDUE
    return IN_PROGRESS if done else NOT_STARTED


@dataclass(slots=True)
class ModuleProgress:
    key: UUID
    page: Page | None
    done: int
    total: int
    status: str
    due_on: date | None = None

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class CourseProgress:
    key: UUID
    page: Page | None
    modules: list[ModuleProgress]
    next_lesson: Page | None = None
    certificate: Certificate | None = None
    enrolled_at: object = None

    @property
    def done(self) -> int:
        return sum(min(module.done, module.total) for module in self.modules)

    @property
    def total(self) -> int:
        return sum(module.total for module in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def completed(self) -> bool:
        return bool(self.modules) and all(module.status == DONE for module in self.modules)


def course_structure(course_keys) -> dict[UUID, list[UUID]]:
    """Module keys of each course in course order (from the requirement rows)."""
    rows = (
        Requirement.objects.filter(course_key__in=course_keys)
        .values("course_key", "module_key")
        .annotate(first=Min("order"))
        .order_by()
    )
    first_order: dict[tuple, int] = {}
    for row in rows:
        first_order[(row["course_key"], row["module_key"])] = row["first"]
    structure: dict[UUID, list[UUID]] = defaultdict(list)
    for (course_key, module_key), _order in sorted(first_order.items(), key=lambda kv: kv[1]):
        structure[course_key].append(module_key)
    return structure


def course_is_complete(user, course_key) -> bool:
    """The completion rule for one learner and one course (used when issuing certificates)."""
    totals = module_totals([course_key])
    if not totals:
        return False
    counts = done_counts([user.pk], [course_key])
    return all(counts.get((user.pk, key), 0) >= total for key, total in totals.items())


def learners_who_completed(course_key, users=None) -> list[int]:
    """Ids of the learners (enrolled, or among `users`) who meet the course's rule today."""
    totals = module_totals([course_key])
    if not totals:
        return []
    enrolled = (
        users
        if users is not None
        else Enrolment.objects.filter(course_key=course_key).values("user_id")
    )
    counts = done_counts(enrolled, [course_key])
    by_user: dict[int, int] = defaultdict(int)
    for (user_id, module_key), done in counts.items():
        if module_key in totals and done >= totals[module_key]:
            by_user[user_id] += 1
    return [user_id for user_id, modules in by_user.items() if modules == len(totals)]


# --- pages -----------------------------------------------------------------------------------


def course_index() -> CourseIndexPage | None:
    """The course list in the reader's language (or the original one)."""
    pages = CourseIndexPage.objects.live().order_by("pk")
    return pages.filter(locale_id=active_locale_id()).first() or pages.first()


def course_index_context(index: CourseIndexPage, user) -> dict:
    return {"courses": course_cards(index, user)}


def course_cards(index: CourseIndexPage, user) -> list[dict]:
    courses = list(
        CoursePage.objects.live().public().child_of(index).select_related("framework").specific()
    )
    progress = {}
    if user.is_authenticated:
        progress = {p.key: p for p in learner_progress(user, [c.translation_key for c in courses])}
    return [
        {"page": course, "progress": progress.get(course.translation_key)} for course in courses
    ]


def learner_progress(user, course_keys, due_dates=None) -> list[CourseProgress]:
    """Progress in these courses, in a fixed number of queries: requirements, completions,
    course and module pages."""
    today = timezone.localdate()
    due_dates = due_dates or {}
    course_keys = list(course_keys)
    structure = course_structure(course_keys)
    totals = module_totals(course_keys)
    counts = done_counts([user.pk], course_keys)
    modules = pages_by_key(ModulePage, {k for keys in structure.values() for k in keys})
    courses = pages_by_key(CoursePage, course_keys)
    result = []
    for course_key in course_keys:
        module_rows = []
        for module_key in structure.get(course_key, []):
            done = counts.get((user.pk, module_key), 0)
            total = totals.get(module_key, 0)
            due = due_dates.get(module_key) or due_dates.get(course_key)
            module_rows.append(
                ModuleProgress(
                    module_key,
                    modules.get(module_key),
                    done,
                    total,
                    module_status(done, total, due, today),
                    due,
                )
            )
        result.append(CourseProgress(course_key, courses.get(course_key), module_rows))
    return result


def item_pages(pages):
    """The pages among `pages` that are items of a completion rule (lessons, quizzes)."""
    of_type = Q()
    for app_label, model in Requirement.item_page_types:
        of_type |= Q(content_type__app_label=app_label, content_type__model=model)
    return pages.filter(of_type).select_related("content_type")


def item_kind(page) -> str:
    content_type = page.content_type
    return Requirement.item_page_types.get((content_type.app_label, content_type.model), "")


def course_outline(course: CoursePage, user) -> dict:
    """The course page: its modules and lessons, and the reader's place in them."""
    modules = list(ModulePage.objects.live().child_of(course).specific())
    lessons = list(
        item_pages(Page.objects.live().descendant_of(course)).only(
            "id",
            "title",
            "url_path",
            "path",
            "depth",
            "translation_key",
            "locale_id",
            "content_type",
        )
    )
    by_module = defaultdict(list)
    for lesson in lessons:
        by_module[lesson.path[: -Page.steplen]].append(lesson)
    enrolment = completed = certificate = None
    progress = None
    if user.is_authenticated:
        enrolment = Enrolment.objects.filter(user=user, course_key=course.translation_key).first()
        if enrolment is not None:
            completed = set(
                ItemCompletion.objects.filter(
                    user=user, item_id__in=[lesson.translation_key for lesson in lessons]
                ).values_list("item_id", flat=True)
            )
            progress = learner_progress(user, [course.translation_key])[0]
            certificate = Certificate.objects.filter(
                user=user, course_key=course.translation_key
            ).first()
    module_progress = {m.key: m for m in progress.modules} if progress else {}
    return {
        "modules": [
            {
                "page": module,
                "lessons": [
                    {
                        "page": lesson,
                        "kind": item_kind(lesson),
                        "done": completed is not None and lesson.translation_key in completed,
                    }
                    for lesson in by_module[module.path]
                ],
                "progress": module_progress.get(module.translation_key),
            }
            for module in modules
        ],
        "enrolment": enrolment,
        "progress": progress,
        "certificate": certificate,
        "closed_reason": course.enrolment_closed_reason(),
    }


def module_outline(module: ModulePage, user) -> dict:
    course = module.get_parent().specific
    lessons = list(item_pages(Page.objects.live().child_of(module)).specific())
    completed = set()
    enrolled = False
    if user.is_authenticated:
        enrolled = Enrolment.objects.filter(user=user, course_key=course.translation_key).exists()
        completed = set(
            ItemCompletion.objects.filter(
                user=user, item_id__in=[lesson.translation_key for lesson in lessons]
            ).values_list("item_id", flat=True)
        )
    return {
        "course": course,
        "enrolled": enrolled,
        "lessons": [
            {"page": p, "kind": item_kind(p), "done": p.translation_key in completed}
            for p in lessons
        ],
    }


def lesson_neighbours(lesson: LessonPage) -> dict:
    """Where the lesson sits: its module and course, the lessons before and after it in the
    whole course, and its place (four queries)."""
    module = lesson.get_parent().specific
    course = module.get_parent().specific
    siblings = list(
        LessonPage.objects.live()
        .descendant_of(course)
        .only("id", "title", "url_path", "path", "depth", "translation_key", "locale_id")
    )
    position = next((i for i, page in enumerate(siblings) if page.pk == lesson.pk), None)
    return {
        "module": module,
        "course": course,
        "previous_lesson": siblings[position - 1] if position else None,
        "next_lesson": (
            siblings[position + 1]
            if position is not None and position + 1 < len(siblings)
            else None
        ),
        "lesson_number": (position or 0) + 1,
        "lesson_count": len(siblings),
    }


def lesson_state(lesson: LessonPage, user) -> dict:
    """The lesson's neighbours and the reader's record of it: enrolled, completed, their
    exercise answers."""
    place = lesson_neighbours(lesson)
    course = place["course"]
    enrolled = completed = False
    answers: dict[str, str] = {}
    if user.is_authenticated:
        enrolled = Enrolment.objects.filter(user=user, course_key=course.translation_key).exists()
        completed = ItemCompletion.objects.filter(
            user=user, item_id=lesson.translation_key
        ).exists()
        answers = {
            str(key): text
            for key, text in ExerciseAnswer.objects.filter(
                user=user, lesson_key=lesson.translation_key
            ).values_list("prompt_key", "text")
        }
    return {**place, "enrolled": enrolled, "completed": completed, "answers": answers}


# --- My learning -----------------------------------------------------------------------------


@dataclass
class AssignmentRow:
    assignment: Assignment
    course: Page | None
    module: Page | None
    status: str

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass
class MyLearning:
    courses: list[CourseProgress] = field(default_factory=list)
    assignments: list[AssignmentRow] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)


def my_learning(user) -> MyLearning:
    """Everything on the learner's own page in a fixed number of queries (nine)."""
    today = timezone.localdate()
    enrolments = list(Enrolment.objects.filter(user=user).order_by("-enrolled_at"))
    assignments = list(
        Assignment.objects.filter(cohort__members__user=user)
        .select_related("cohort")
        .order_by("due_on")
    )
    due_dates: dict[UUID, date] = {}
    for assignment in assignments:
        key = assignment.module_key or assignment.course_key
        if key not in due_dates or assignment.due_on < due_dates[key]:
            due_dates[key] = assignment.due_on
    course_keys = [enrolment.course_key for enrolment in enrolments]
    progress = learner_progress(user, course_keys, due_dates)
    for row, enrolment in zip(progress, enrolments, strict=True):
        row.enrolled_at = enrolment.enrolled_at
    # The next item of each course: the first required lesson or quiz not yet completed.
    completed = set(ItemCompletion.objects.filter(user=user).values_list("item_id", flat=True))
    next_keys = {}
    for requirement in Requirement.objects.filter(course_key__in=course_keys).order_by("order"):
        if requirement.item_key not in completed:
            next_keys.setdefault(requirement.course_key, requirement.item_key)
    lessons = pages_by_key(Page, next_keys.values())
    certificates = {c.course_key: c for c in Certificate.objects.filter(user=user)}
    for row in progress:
        row.next_lesson = lessons.get(next_keys.get(row.key))
        row.certificate = certificates.get(row.key)
    by_course = {row.key: row for row in progress}
    rows = []
    for assignment in assignments:
        course = by_course.get(assignment.course_key)
        if assignment.module_key:
            module = next(
                (m for m in (course.modules if course else []) if m.key == assignment.module_key),
                None,
            )
            status = module.status if module else NOT_STARTED
            module_page = module.page if module else None
        else:
            module_page = None
            status = (
                DONE
                if course and course.completed
                else module_status(
                    course.done if course else 0,
                    course.total if course else 1,
                    assignment.due_on,
                    today,
                )
            )
        rows.append(AssignmentRow(assignment, course.page if course else None, module_page, status))
    return MyLearning(
        courses=progress,
        assignments=rows,
        certificates=sorted(certificates.values(), key=lambda c: c.issued_at, reverse=True),
    )


# --- cohorts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Learner:
    """The few fields the matrix shows (read as values: no model instance per learner)."""

    pk: int
    first_name: str
    last_name: str
    email: str
    organisation: str

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class MatrixRow:
    user: Learner
    cells: list[ModuleProgress]
    last_activity: object = None

    @property
    def done(self) -> int:
        return sum(cell.status == DONE for cell in self.cells)

    @property
    def overdue(self) -> int:
        return sum(cell.status == OVERDUE for cell in self.cells)

    @property
    def percent(self) -> int:
        done = sum(min(cell.done, cell.total) for cell in self.cells)
        total = sum(cell.total for cell in self.cells)
        return round(100 * done / total) if total else 0

    @property
    def sort_name(self) -> str:
        user = self.user
        return f"{user.last_name} {user.first_name} {user.email}".casefold()


@dataclass
class Column:
    key: UUID
    course_key: UUID
    page: Page | None
    total: int
    due_on: date | None
    done_count: int = 0
    overdue_count: int = 0


@dataclass
class Matrix:
    cohort: Cohort
    columns: list[Column]
    rows: list[MatrixRow]  # the rows of the requested page, after filtering and sorting
    courses: dict
    member_count: int = 0
    matching: int = 0  # rows that pass the filter, over every page
    page: object = None  # django.core.paginator.Page when paginated


MATRIX_SORTS = ("name", "-name", "progress", "-progress", "activity", "-activity")
# Learners per page, as Moodle's grader report shows 100 students per page by default.
MATRIX_PAGE_SIZE = 100


def cohort_matrix(
    cohort: Cohort,
    sort: str = "name",
    status: str = "",
    query: str = "",
    page: int | str | None = 1,
    per_page: int | None = MATRIX_PAGE_SIZE,
) -> Matrix:
    """Learners × assigned modules, with per-module totals over the whole cohort and one page
    of learners (every learner with `per_page=None`, for the CSV export). Eight queries
    whatever the size of the cohort: assignments, requirements twice, two kinds of page,
    members, completion counts, last activity."""
    today = timezone.localdate()
    assignments = list(cohort.assignments.all())
    course_keys = list(dict.fromkeys(a.course_key for a in assignments))
    structure = course_structure(course_keys)
    totals = module_totals(course_keys)
    columns: dict[UUID, Column] = {}
    for assignment in assignments:
        keys = (
            [assignment.module_key]
            if assignment.module_key
            else structure.get(assignment.course_key, [])
        )
        for key in keys:
            column = columns.get(key)
            if column is None:
                columns[key] = Column(
                    key, assignment.course_key, None, totals.get(key, 0), assignment.due_on
                )
            elif assignment.due_on < (column.due_on or assignment.due_on):
                column.due_on = assignment.due_on
    ordered = [key for course in course_keys for key in structure.get(course, []) if key in columns]
    modules = pages_by_key(ModulePage, ordered)
    courses = pages_by_key(CoursePage, course_keys)
    for key in ordered:
        columns[key].page = modules.get(key)
    members = [
        Learner(*values)
        for values in cohort.members.values_list(
            "user_id", "user__first_name", "user__last_name", "user__email", "user__organisation"
        )
    ]
    member_ids = cohort.members.values("user_id")
    counts = done_counts(member_ids, course_keys)
    latest = last_activity(member_ids, course_keys)
    plan = [(key, columns[key].total, columns[key].due_on) for key in ordered]
    rows = []
    for learner in members:
        cells = []
        for key, total, due_on in plan:
            done = counts.get((learner.pk, key), 0)
            state = module_status(done, total, due_on, today)
            cells.append(ModuleProgress(key, None, done, total, state, due_on))
            column = columns[key]
            column.done_count += state == DONE
            column.overdue_count += state == OVERDUE
        rows.append(MatrixRow(learner, cells, latest.get(learner.pk)))
    matching = sort_rows(filter_rows(rows, status, query), sort)
    paginated = None
    if per_page:
        paginated = Paginator(matching, per_page).get_page(page)
        shown = list(paginated.object_list)
    else:
        shown = matching
    return Matrix(
        cohort,
        [columns[key] for key in ordered],
        shown,
        courses,
        member_count=len(rows),
        matching=len(matching),
        page=paginated,
    )


def filter_rows(rows, status: str, query: str):
    query = query.strip().casefold()
    if query:
        rows = [
            row
            for row in rows
            if query in f"{row.user.first_name} {row.user.last_name} {row.user.email}".casefold()
        ]
    if status == OVERDUE:
        rows = [row for row in rows if row.overdue]
    elif status == DONE:
        rows = [row for row in rows if row.cells and row.done == len(row.cells)]
    elif status == NOT_STARTED:
        rows = [row for row in rows if all(cell.done == 0 for cell in row.cells)]
    elif status == IN_PROGRESS:
        rows = [
            row
            for row in rows
            if any(cell.done for cell in row.cells) and row.done < len(row.cells)
        ]
    return rows


def sort_rows(rows, sort: str):
    if sort not in MATRIX_SORTS:
        sort = "name"
    reverse = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "progress":
        return sorted(rows, key=lambda row: (row.percent, row.sort_name), reverse=not reverse)
    if key == "activity":
        epoch = timezone.now().replace(year=1970)
        return sorted(
            rows, key=lambda row: (row.last_activity or epoch, row.sort_name), reverse=not reverse
        )
    return sorted(rows, key=lambda row: row.sort_name, reverse=reverse)


def learner_detail(cohort: Cohort, user) -> dict:
    """A cohort member's items (lessons and quizzes: done or not, when) and exercise answers,
    for their trainer."""
    course_keys = list(dict.fromkeys(cohort.assignments.values_list("course_key", flat=True)))
    requirements = list(
        Requirement.objects.filter(course_key__in=course_keys).order_by("course_key", "order")
    )
    lessons = pages_by_key(Page, [r.item_key for r in requirements])
    modules = pages_by_key(ModulePage, [r.module_key for r in requirements])
    courses = pages_by_key(CoursePage, course_keys)
    completions = dict(
        ItemCompletion.objects.filter(
            user=user, item_id__in=[r.item_key for r in requirements]
        ).values_list("item_id", "completed_at")
    )
    answers = defaultdict(dict)
    for answer in ExerciseAnswer.objects.filter(
        user=user, lesson_key__in=[r.item_key for r in requirements]
    ):
        answers[answer.lesson_key][str(answer.prompt_key)] = answer
    sections = []
    for course_key in course_keys:
        items = []
        for requirement in (r for r in requirements if r.course_key == course_key):
            lesson = lessons.get(requirement.item_key)
            prompts = []
            if (
                lesson is not None
                and requirement.kind == Requirement.Kind.LESSON
                and requirement.item_key in answers
            ):
                for prompt_key, prompt in lesson.specific_deferred.exercise_prompts():
                    answer = answers[requirement.item_key].get(prompt_key)
                    if answer is not None and answer.text.strip():
                        prompts.append({"prompt": prompt, "answer": answer})
            items.append(
                {
                    "requirement": requirement,
                    "lesson": lesson,
                    "module": modules.get(requirement.module_key),
                    "completed_at": completions.get(requirement.item_key),
                    "answers": prompts,
                }
            )
        sections.append({"course": courses.get(course_key), "items": items})
    return {"sections": sections}


def trainer_cohorts(user) -> list[Cohort]:
    return list(
        Cohort.objects.visible_to(user)
        .annotate(
            member_count=Count("members", distinct=True),
            assignment_count=Count("assignments", distinct=True),
        )
        .order_by("-created_at")
    )


# --- admin -----------------------------------------------------------------------------------


def records_summary(page) -> dict:
    """What the admin says about learners' records on a course, module or lesson page."""
    page = page.specific
    key = page.translation_key
    if isinstance(page, CoursePage):
        return {
            "kind": "course",
            "enrolled": Enrolment.objects.filter(course_key=key).count(),
            "started": ItemCompletion.objects.filter(item__course_key=key)
            .values("user_id")
            .distinct()
            .count(),
            "certificates": Certificate.objects.filter(course_key=key).count(),
        }
    if isinstance(page, ModulePage):
        return {
            "kind": "module",
            "started": ItemCompletion.objects.filter(item__module_key=key)
            .values("user_id")
            .distinct()
            .count(),
        }
    return {
        "kind": "lesson",
        "completed": ItemCompletion.objects.filter(item_id=key).count(),
        "answered": ExerciseAnswer.objects.filter(lesson_key=key)
        .values("user_id")
        .distinct()
        .count(),
    }


# --- reminders -------------------------------------------------------------------------------

REMIND_DAYS_BEFORE = 2
OVERDUE_REMINDER_DAYS = 14  # no reminder for work missed longer ago than this


def reminders_due(today: date) -> list[tuple[Assignment, object, str]]:
    """(assignment, learner, kind) for every reminder to send today: work due within
    REMIND_DAYS_BEFORE days, or missed within OVERDUE_REMINDER_DAYS, that the learner has not
    finished and has not been reminded of. Five queries whatever the number of cohorts."""
    from datetime import timedelta

    from courses.models import ReminderLog

    assignments = list(
        Assignment.objects.filter(
            due_on__gte=today - timedelta(days=OVERDUE_REMINDER_DAYS),
            due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
        )
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        .select_related("cohort")
    )
    if not assignments:
        return []
    members = defaultdict(list)
    for member in CohortMember.objects.filter(
        cohort_id__in={a.cohort_id for a in assignments}
    ).select_related("user"):
        if member.user.is_active:
            members[member.cohort_id].append(member.user)
    course_keys = {a.course_key for a in assignments}
    structure = course_structure(course_keys)
    totals = module_totals(course_keys)
    counts = done_counts(
        CohortMember.objects.filter(cohort_id__in={a.cohort_id for a in assignments}).values(
            "user_id"
        ),
        course_keys,
    )
    sent = set(
        ReminderLog.objects.filter(assignment__in=assignments).values_list(
            "assignment_id", "user_id", "kind"
        )
    )

    def finished(user, assignment) -> bool:
        modules = (
            [assignment.module_key]
            if assignment.module_key
            else structure.get(assignment.course_key, [])
        )
        return bool(modules) and all(
            counts.get((user.pk, key), 0) >= totals.get(key, 0) for key in modules
        )

    due = []
    for assignment in assignments:
        kind = ReminderLog.Kind.OVERDUE if assignment.due_on < today else ReminderLog.Kind.DUE_SOON
        for user in members[assignment.cohort_id]:
            if (assignment.pk, user.pk, kind) in sent or finished(user, assignment):
                continue
            due.append((assignment, user, kind))
    return due
