"""Writes for quizzes: the question bank (saving an import plan, export entries), attempts
(start, autosave, submit and grade), mastery updates, and practice."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.imports import CREATED, UNCHANGED, Outcomes
from courses.models import Enrolment, ModulePage
from courses.services import (
    CourseActionRefused,
    complete_item,
    course_of,
    deferred_sync,
)
from quizzes import mastery, responses, selectors
from quizzes.grading import grade
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Evidence,
    IndicatorParameters,
    Mastery,
    Question,
    QuestionCategory,
    QuestionVersion,
    QuizPage,
    QuizSlot,
)
from quizzes.models.bank import version_digest
from quizzes.tags import TagBook


def save_plan(plan, outcomes: Outcomes, progress=None) -> list[Question]:
    """Create the plan's questions (inside the import's transaction). A question whose ID
    number is already in its category is kept as it is (Moodle's ID numbers are unique per
    category): importing the same file twice adds nothing, and never overwrites an edit.
    The images a question shows are stored with it (`quizzes.files.store_image`, found again
    by their bytes) and its markers become their embeds; callers that may roll back wrap the
    transaction in `files.discard_on_rollback` so no image file outlives it."""
    from quizzes import files

    saved = []
    categories: dict[str, QuestionCategory] = {}
    for item in plan.questions:
        category = categories.get(item.category)
        if category is None:
            category = categories[item.category] = QuestionCategory.from_path(item.category)
        question = item.question
        if question.idnumber and category.questions.filter(idnumber=question.idnumber).exists():
            outcomes.add(UNCHANGED)
            if progress is not None:
                progress.update(1)
            continue
        question.category = category
        for image in item.images:
            stored, created = files.store_image(image.content, image.name, image.alt)
            outcomes.add(CREATED if created else UNCHANGED, kind="images")
            embed = files.embed_html(stored.pk, image.alt)
            question.stem = question.stem.replace(image.marker, embed)
            question.general_feedback = question.general_feedback.replace(image.marker, embed)
        question.choices = item.choices
        question.indicators = item.indicators  # parental: written by save(), with the choices
        question.full_clean(exclude=["category"])
        question.save()
        outcomes.add(CREATED)
        saved.append(question)
        if progress is not None:
            progress.update(1)
    return saved


def export_entries(questions):
    """(category path, data, name, tags, idnumber) for each question, for the writers; data
    ["images"] holds the file of each image its texts embed (for Moodle XML's <file>)."""
    from quizzes.files import ImageReader

    book = TagBook()
    images = ImageReader()
    for question in questions:
        data = question.snapshot()
        data["images"] = images.images_in(data["stem"], data["general_feedback"])
        yield (
            question.category.path,
            data,
            question.name,
            [book.tag(pk) for pk in data["indicators"]],
            question.idnumber,
        )


# --- attempts --------------------------------------------------------------------------------


class QuizActionRefused(Exception):
    """An action the learner may not do now; the message says why, for them."""


PRACTICE_SIZE = 5
LATE_GRACE = timedelta(seconds=2)  # a post sent at the deadline still counts on arrival


def _versions(questions) -> dict[int, QuestionVersion]:
    """The current version of each question, creating versions only for those that changed:
    three queries for any number of questions (questions prefetched with their choices and
    indicators)."""
    snapshots = {}
    for question in questions:
        data = question.snapshot()
        snapshots[question.pk] = (data, version_digest(data))
    latest: dict[int, QuestionVersion] = {}
    for version in QuestionVersion.objects.filter(question_id__in=snapshots).order_by("number"):
        latest[version.question_id] = version
    found, new = {}, []
    for pk, (data, digest) in snapshots.items():
        current = latest.get(pk)
        if current is not None and current.digest == digest:
            found[pk] = current
        else:
            new.append(
                QuestionVersion(
                    question_id=pk,
                    number=(current.number + 1) if current else 1,
                    data=data,
                    digest=digest,
                )
            )
    if new:
        # Learners starting at once may all find a question changed and make its next
        # version: the first insert wins, the others are skipped and read the winner's.
        QuestionVersion.objects.bulk_create(new, ignore_conflicts=True)
        made = QuestionVersion.objects.filter(
            question_id__in=[v.question_id for v in new], digest__in=[v.digest for v in new]
        ).order_by("number")
        for version in made:
            if version.digest == snapshots[version.question_id][1]:
                found[version.question_id] = version
        for question in questions:  # edited again meanwhile: its own current version
            if question.pk not in found:
                found[question.pk] = question.current_version()
    return found


def draw(quiz: QuizPage, rng: random.Random) -> list[tuple[Question, Decimal | None]]:
    """The questions of a new attempt: each fixed slot's question, and each random slot's
    draw among the tagged questions matching it, never the same question twice."""
    slots = list(quiz.slots.all())
    used = {slot.question_id for slot in slots if slot.question_id}
    chosen: list[tuple[int, Decimal | None]] = []
    for slot in slots:
        if slot.question_id:
            chosen.append((slot.question_id, slot.points))
            continue
        pool = Question.objects.tagged()
        if slot.draw_indicator_id:
            pool = pool.filter(indicators=slot.draw_indicator_id)
        if slot.draw_criterion_id:
            pool = pool.filter(indicators__criterion=slot.draw_criterion_id)
        if slot.draw_category_id:
            pool = pool.filter(category=slot.draw_category_id)
        candidates = sorted(set(pool.values_list("pk", flat=True)) - used)
        picked = rng.sample(candidates, min(slot.draw_count, len(candidates)))
        used.update(picked)
        chosen.extend((pk, slot.points) for pk in picked)
    questions = Question.objects.filter(pk__in=[pk for pk, _points in chosen]).prefetch_related(
        "choices", "indicators"
    )
    by_pk = {question.pk: question for question in questions}
    return [(by_pk[pk], points) for pk, points in chosen if pk in by_pk]


def _create_attempt(user, questions, *, quiz=None, practice=False, rng=None, now=None):
    now = now or timezone.now()
    versions = _versions([question for question, _points in questions])
    attempt = Attempt(user=user, practice=practice, started_at=now)
    if rng is not None:
        attempt.seed = rng.randrange(2**31)
    if quiz is not None:
        attempt.quiz_key = quiz.translation_key
        attempt.questions_per_page = quiz.questions_per_page
        attempt.number = (
            Attempt.objects.filter(user=user, quiz_key=quiz.translation_key).count() + 1
        )
        deadlines = [quiz.closes_at] if quiz.closes_at else []
        if quiz.time_limit_minutes:
            deadlines.append(now + timedelta(minutes=quiz.time_limit_minutes))
        attempt.deadline = min(deadlines) if deadlines else None
    rows = []
    for slot, (question, points) in enumerate(questions, start=1):
        rows.append(
            AttemptQuestion(
                slot=slot,
                version=versions[question.pk],
                max_points=points if points is not None else question.default_points,
            )
        )
    attempt.max_points = sum((row.max_points for row in rows), Decimal("0"))
    attempt.save()
    for row in rows:
        row.attempt = attempt
    AttemptQuestion.objects.bulk_create(rows)
    return attempt


def start_attempt(user, quiz: QuizPage, now=None) -> Attempt:
    """The learner's open attempt at this quiz, or a new one: its questions, their order and
    its deadline are fixed now, on the server. A second tab, or a double click, gets the same
    attempt (the database allows one open attempt per learner and quiz)."""
    now = now or timezone.now()
    existing = Attempt.objects.filter(
        user=user, quiz_key=quiz.translation_key, state=Attempt.State.IN_PROGRESS
    ).first()
    if existing is not None:
        return existing
    course = course_of(quiz)
    if not Enrolment.objects.filter(user=user, course_key=course.translation_key).exists():
        raise QuizActionRefused(_("Enrol in the course to take its quizzes."))
    reason = quiz.closed_reason(now)
    if reason:
        raise QuizActionRefused(reason)
    taken = Attempt.objects.filter(user=user, quiz_key=quiz.translation_key).count()
    if quiz.attempts_allowed and taken >= quiz.attempts_allowed:
        raise QuizActionRefused(_("You have used all the attempts this quiz allows."))
    rng = random.Random()  # noqa: S311 (an order of questions, not a secret)
    questions = draw(quiz, rng)
    if not questions:
        raise QuizActionRefused(_("This quiz has no questions yet."))
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    try:
        with transaction.atomic():
            return _create_attempt(user, questions, quiz=quiz, rng=rng, now=now)
    except IntegrityError:  # another tab started it (or took its number) a moment ago
        existing = Attempt.objects.filter(
            user=user, quiz_key=quiz.translation_key, state=Attempt.State.IN_PROGRESS
        ).first()
        if existing is None:
            raise QuizActionRefused(
                _("Another attempt was being saved at the same moment: please start again.")
            ) from None
        return existing


def _locked(attempt_id, user) -> Attempt:
    return Attempt.objects.select_for_update().get(pk=attempt_id, user=user)


def _store(attempt: Attempt, post, now) -> int:
    """Save the responses posted for the questions listed in the form's `slots` fields (the
    questions on the page sent: an unticked box there clears an earlier answer)."""
    slots = {int(s) for s in post.getlist("slots") if str(s).isdigit()}
    if not slots:
        return 0
    changed = []
    for question in attempt.questions.filter(slot__in=slots).select_related("version"):
        response = responses.read(question.version.data, f"q{question.slot}", post)
        if response != question.response:
            question.response, question.saved_at = response, now
            changed.append(question)
    _rewrite(changed, ["response", "saved_at"])
    return len(changed)


def save_responses(user, attempt_id, post, now=None) -> int:
    """Autosave, and the pages' Next and Previous buttons: store the posted answers of an open
    attempt. After the deadline nothing is stored (the answers would not count)."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked(attempt_id, user)
        if not attempt.is_open:
            raise QuizActionRefused(
                _("This attempt has been submitted: answers can no longer change.")
            )
        if attempt.deadline and now > attempt.deadline + LATE_GRACE:
            raise QuizActionRefused(_("Time is up: answers sent after the deadline do not count."))
        return _store(attempt, post, now)


@dataclass
class Submitted:
    attempt: Attempt
    already: bool = False  # a second submit of the same attempt: nothing changed
    late: bool = False  # answers posted after the deadline were not counted
    completed: bool = False  # this attempt completed the quiz in its module


def submit(user, attempt_id, post=None, now=None) -> Submitted:
    """Store the last answers (when still in time), grade every question on the server,
    update the learner's mastery, and complete the quiz in its module when the quiz grade
    reaches the pass mark. Done once: a second submit (a double click, another tab) waits for
    the first on the attempt's row lock, then finds it finished."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked(attempt_id, user)
        if not attempt.is_open:
            return Submitted(attempt, already=True)
        late = attempt.deadline is not None and now > attempt.deadline + LATE_GRACE
        if post is not None and not late:
            _store(attempt, post, now)
        _grade(attempt, now, late)
    completed = False if attempt.practice else _complete_if_passed(user, attempt)
    return Submitted(attempt, late=late, completed=completed)


def finish_if_expired(attempt: Attempt, now=None) -> Attempt:
    """An open attempt past its deadline is submitted with the answers saved in time (Moodle's
    "open attempts are submitted automatically")."""
    now = now or timezone.now()
    if attempt.is_open and attempt.deadline and now > attempt.deadline + LATE_GRACE:
        return submit(attempt.user, attempt.pk, None, now).attempt
    return attempt


def _rewrite(questions: list[AttemptQuestion], fields: list[str]) -> None:
    """Write these fields of rows already locked (through their attempt) in one statement:
    an upsert on (attempt, slot), which costs a fraction of `bulk_update`'s CASE per row."""
    if not questions:
        return
    AttemptQuestion.objects.bulk_create(
        [
            AttemptQuestion(
                attempt_id=q.attempt_id,
                slot=q.slot,
                version_id=q.version_id,
                max_points=q.max_points,
                response=q.response,
                saved_at=q.saved_at,
                fraction=q.fraction,
                state=q.state,
            )
            for q in questions
        ],
        update_conflicts=True,
        unique_fields=["attempt", "slot"],
        update_fields=fields,
    )


def _grade(attempt: Attempt, now, late: bool) -> None:
    questions = list(attempt.questions.select_related("version"))
    points = Decimal("0")
    evidence = []
    for question in questions:
        data = question.version.data
        result = grade(data, responses.for_grading(data, question.response))
        question.fraction, question.state = result.fraction, result.state
        points += question.max_points * Decimal(str(round(result.fraction, 7)))
        evidence.append((question, result.fraction, data.get("indicators", [])))
    _rewrite(questions, ["fraction", "state"])
    attempt.state, attempt.finished_at, attempt.late = Attempt.State.FINISHED, now, late
    attempt.points = points.quantize(Decimal("0.01"))
    attempt.save(update_fields=["state", "finished_at", "late", "points"])
    record_evidence(attempt.user_id, evidence, attempt.practice, now)


def _complete_if_passed(user, attempt: Attempt) -> bool:
    quiz = QuizPage.objects.filter(translation_key=attempt.quiz_key).live().first()
    if quiz is None:
        return False
    if not selectors.quiz_passed(quiz, user):
        return False
    try:
        return complete_item(user, quiz.translation_key, course_of(quiz).translation_key).created
    except CourseActionRefused:  # the quiz is not (or no longer) part of a published course
        return False


# --- mastery ---------------------------------------------------------------------------------


def record_evidence(user_id, graded, practice: bool, now=None) -> None:
    """Each graded response is evidence about every indicator its question tests: log it and
    update the learner's P(known) of each (BKT, `quizzes.mastery`), in the order answered.
    Four queries, whatever the number of responses; the rows are locked, so two attempts
    submitted at once never lose an update (and the write is one upsert)."""
    now = now or timezone.now()
    ids = {pk for _question, _fraction, indicators in graded for pk in indicators}
    if not ids:
        return
    known = {
        indicator: (value, count)
        for indicator, value, count in Mastery.objects.select_for_update()
        .filter(user_id=user_id, indicator_id__in=ids)
        .values_list("indicator_id", "known", "responses")
    }
    fitted = {
        p.indicator_id: p.as_parameters()
        for p in IndicatorParameters.objects.filter(indicator_id__in=ids)
    }
    log = []
    for question, fraction, indicators in graded:
        for pk in indicators:
            params = fitted.get(pk, mastery.DEFAULT)
            value, count = known.get(pk, (params.prior, 0))
            known[pk] = (mastery.update(value, fraction, params), count + 1)
            log.append(
                Evidence(
                    user_id=user_id,
                    indicator_id=pk,
                    question=question,
                    fraction=fraction,
                    practice=practice,
                    created_at=now,
                )
            )
    Evidence.objects.bulk_create(log)
    Mastery.objects.bulk_create(
        [
            Mastery(user_id=user_id, indicator_id=pk, known=value, responses=count, updated_at=now)
            for pk, (value, count) in known.items()
        ],
        update_conflicts=True,
        unique_fields=["user", "indicator"],
        update_fields=["known", "responses", "updated_at"],
    )


# --- practice --------------------------------------------------------------------------------


def start_practice(user, size: int = PRACTICE_SIZE, now=None) -> Attempt:
    """A short ungraded quiz on the learner's weakest indicators: those where mastery is
    lowest and most uncertain (`selectors.practice_targets`), one question each, preferring
    questions the learner has not seen lately."""
    targets = selectors.practice_targets(user, size)
    if not targets:
        raise QuizActionRefused(
            _("There is nothing to practise yet: enrol in a course to practise its indicators.")
        )
    rng = random.Random()  # noqa: S311
    seen = set(
        AttemptQuestion.objects.filter(attempt__user=user)
        .order_by("-attempt__started_at")
        .values_list("version__question_id", flat=True)[:200]
    )
    tagged = (
        Question.objects.tagged().filter(indicators__in=targets).values_list("pk", "indicators")
    )
    by_indicator: dict[int, list[int]] = {}
    for pk, indicator in tagged:
        if indicator in targets:
            by_indicator.setdefault(indicator, []).append(pk)
    chosen: list[int] = []
    for indicator in targets:
        pool = sorted(set(by_indicator.get(indicator, [])) - set(chosen))
        fresh = [pk for pk in pool if pk not in seen] or pool
        if fresh:
            chosen.append(rng.choice(fresh))
    if not chosen:
        raise QuizActionRefused(_("There are no questions yet for the indicators you need."))
    questions = Question.objects.filter(pk__in=chosen).prefetch_related("choices", "indicators")
    by_pk = {question.pk: question for question in questions}
    with transaction.atomic():
        return _create_attempt(
            user, [(by_pk[pk], None) for pk in chosen], practice=True, rng=rng, now=now
        )


# --- the shipped courses' quizzes ------------------------------------------------------------

# Every module of the shipped courses ends with a quiz drawing from its criterion's questions
# (at least eight per module ship in quizzes/content): formative, so unlimited attempts, the
# best grade counts, and the review teaches (feedback and right answers once submitted).
MODULE_QUIZ = {
    "title": "Check your understanding",
    "summary": "Five questions on this module's indicators. Pass with 60% to complete the module.",
    "intro": (
        "Each attempt draws five questions on the indicators this module teaches. Your answers "
        "save as you go; after you submit, the review explains every answer, and your progress "
        "by indicator updates."
    ),
    "questions_per_page": 5,
    "pass_mark": Decimal("60"),
    "after_submit_answers": True,
}
MODULE_QUIZ_DRAW = 5


def ensure_module_quizzes(outcomes: Outcomes, modules=None) -> list[QuizPage]:
    """Give each module with a criterion (of the default language) its quiz, once: a module
    that has a quiz keeps it as editors left it."""
    if modules is None:
        modules = ModulePage.objects.live().filter(
            criterion__isnull=False, locale__language_code=settings.LANGUAGE_CODE
        )
    created = []
    with transaction.atomic(), deferred_sync():
        for module in modules.order_by("path"):
            if QuizPage.objects.child_of(module).exists():
                outcomes.add(UNCHANGED)
                continue
            quiz = QuizPage(slug=f"{module.slug}-quiz", **MODULE_QUIZ)
            quiz.slots = [QuizSlot(draw_count=MODULE_QUIZ_DRAW, draw_criterion=module.criterion)]
            module.add_child(instance=quiz)
            quiz.save_revision().publish()
            outcomes.add(CREATED)
            created.append(quiz)
    return created
