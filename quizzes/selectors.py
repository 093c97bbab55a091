"""Reads for quizzes: a quiz's state for a learner, an attempt's pages and review, the quiz
grade by the quiz's grading method, and mastery ("My progress", practice targets, the cohort
heatmap). Every read runs a fixed number of queries, whatever the number of questions,
responses, indicators or learners."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from wagtail.models import Page

from best_practices.models import CaseStudyPage
from courses.gradebook import GradeColumn
from courses.models import (
    CohortMember,
    CoursePage,
    Enrolment,
    LessonPage,
    ModulePage,
    Requirement,
)
from courses.selectors import active_locale_id, pages_by_key
from quizzes import mastery, responses
from quizzes.grading import grade
from quizzes.models import Attempt, IndicatorParameters, Mastery, Question, QuizPage
from quizzes.rendering import render_question, response_text, rich_text, right_answer_text
from toolkit.models import Criterion, Framework, Indicator, IndicatorGuidePage

# --- a quiz and its attempts -----------------------------------------------------------------


def quiz_grade(percents: list[float], method: str) -> float | None:
    """The quiz grade (percent) from the finished attempts' grades, oldest first."""
    if not percents:
        return None
    if method == QuizPage.Grading.LAST:
        return percents[-1]
    if method == QuizPage.Grading.FIRST:
        return percents[0]
    if method == QuizPage.Grading.AVERAGE:
        return sum(percents) / len(percents)
    return max(percents)


def grade_of(quiz: QuizPage, attempts) -> float | None:
    """The quiz grade of these attempts (oldest first), by the quiz's grading method."""
    percents = [a.percent or 0.0 for a in attempts if not a.is_open]
    return quiz_grade(percents, quiz.grading_method)


def gradebook_columns(module_keys, user_ids) -> list[GradeColumn]:
    """A gradebook column per live quiz of these modules (`courses.gradebook`), in course
    order, titled in the reader's language: each learner's quiz grade by the quiz's grading
    method over their finished attempts. Three queries, whatever the number of quizzes and
    learners."""
    keys = list(
        Requirement.objects.filter(module_key__in=module_keys, kind=Requirement.Kind.QUIZ)
        .order_by("course_key", "order")
        .values_list("item_key", flat=True)
    )
    quizzes = pages_by_key(QuizPage, keys, fields=("grading_method",))
    percents: dict[tuple, list[float]] = defaultdict(list)
    finished = (
        Attempt.objects.filter(
            user_id__in=user_ids, quiz_key__in=quizzes, state=Attempt.State.FINISHED
        )
        .order_by("number")
        .only("user_id", "quiz_key", "points", "max_points")
    )
    for attempt in finished:
        percents[attempt.quiz_key, attempt.user_id].append(attempt.percent or 0.0)
    return [
        GradeColumn(
            f"Quiz: {quizzes[key].title} (Percentage)",  # Moodle's English, as the others
            {
                user_id: quiz_grade(percents[key, user_id], quizzes[key].grading_method)
                for user_id in user_ids
                if (key, user_id) in percents
            },
        )
        for key in keys
        if key in quizzes
    ]


def quiz_passed(quiz: QuizPage, user) -> bool:
    """Whether the learner's finished attempts reach the pass mark (one query)."""
    finished = Attempt.objects.filter(
        user=user, quiz_key=quiz.translation_key, state=Attempt.State.FINISHED
    ).order_by("number")
    return quiz.passes(grade_of(quiz, finished))


def quiz_state(quiz: QuizPage, user) -> dict:
    """What the quiz page shows the reader: their attempts, grade, and whether they may start."""
    attempts = []
    enrolled = False
    if user.is_authenticated:
        attempts = list(
            Attempt.objects.visible_to(user)
            .filter(quiz_key=quiz.translation_key)
            .order_by("number")
        )
        course = Page.objects.ancestor_of(quiz).filter(depth=quiz.depth - 2).first()
        enrolled = course is not None and (
            Enrolment.objects.filter(user=user, course_key=course.translation_key).exists()
        )
    grade_ = grade_of(quiz, attempts)
    left = None if not quiz.attempts_allowed else max(0, quiz.attempts_allowed - len(attempts))
    return {
        "attempts": attempts,
        "open_attempt": next((a for a in attempts if a.is_open), None),
        "quiz_grade": grade_,
        "passed": quiz.passes(grade_),
        "attempts_left": left,
        "enrolled": enrolled,
        "closed_reason": quiz.closed_reason(),
        "module": quiz.get_parent(),
        "review_options": quiz.review_options(),
    }


@dataclass
class ShownQuestion:
    slot: int
    html: str
    answered: bool
    points: float


def _data_for(question, shuffle_choices: bool = True) -> dict:
    """The version's data as the page shows it (choices in their order when not shuffled)."""
    data = question.version.data
    if not shuffle_choices:
        data = {**data, "options": {**data.get("options", {}), "shuffle": False}}
    return data


def attempt_page(attempt: Attempt, page: int, shuffle_choices: bool = True) -> dict:
    """One page of an open attempt: its questions with the learner's saved answers. Only the
    question text and controls go out (quizzes.rendering): no fraction, no feedback."""
    questions = list(attempt.questions.select_related("version"))
    pages = max(1, math.ceil(len(questions) / attempt.questions_per_page))
    page = min(max(1, page), pages)
    size = attempt.questions_per_page
    shown = [
        ShownQuestion(
            slot=q.slot,
            html=render_question(
                _data_for(q, shuffle_choices),
                f"q{q.slot}",
                q.response,  # as stored: the controls show it back, ordering included
                attempt.seed + q.slot,
            ),
            answered=responses.is_answered(q.response),
            points=float(q.max_points),
        )
        for q in questions[(page - 1) * size : page * size]
    ]
    remaining = None
    if attempt.deadline:
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return {
        "attempt": attempt,
        "questions": shown,
        "page": page,
        "pages": pages,
        "page_numbers": range(1, pages + 1),
        "answered": [responses.is_answered(q.response) for q in questions],
        "slots": [q.slot for q in questions],
        "total": len(questions),
        "seconds_left": remaining,
    }


@dataclass
class ReviewedQuestion:
    slot: int
    stem: str
    your_answer: str
    state: str
    points: float | None
    max_points: float
    feedback: list[str] = field(default_factory=list)
    general_feedback: str = ""
    right_answer: str = ""


@dataclass
class IndicatorScore:
    indicator: Indicator
    points: float
    max_points: float

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.max_points) if self.max_points else 0


def review(attempt: Attempt, options: dict[str, bool]) -> dict:
    """A finished attempt as its review options allow: marks, whether correct, feedback, and
    right answers each shown only when allowed. The per-indicator breakdown shows with marks."""
    questions = list(attempt.questions.select_related("version"))
    rows = []
    by_indicator: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for q in questions:
        data = q.version.data
        result = grade(data, responses.for_grading(data, q.response))
        stem = data["template"] if data["type"] == "cloze" else data["stem"]
        stem = re_blank(stem)
        rows.append(
            ReviewedQuestion(
                slot=q.slot,
                stem=rich_text(stem),
                your_answer=response_text(data, q.response),
                state=q.state if options["correctness"] else "",
                points=q.points if options["marks"] else None,
                max_points=float(q.max_points),
                feedback=[f for f in result.feedback if f] if options["feedback"] else [],
                general_feedback=(
                    rich_text(data.get("general_feedback", "")) if options["feedback"] else ""
                ),
                right_answer=right_answer_text(data) if options["answers"] else "",
            )
        )
        for pk in data.get("indicators", []):
            by_indicator[pk][0] += q.points or 0.0
            by_indicator[pk][1] += float(q.max_points)
    breakdown = []
    if options["marks"] and by_indicator:
        indicators = Indicator.objects.with_taxonomy().in_bulk(list(by_indicator))
        breakdown = sorted(
            (
                IndicatorScore(indicators[pk], points, maximum)
                for pk, (points, maximum) in by_indicator.items()
                if pk in indicators
            ),
            key=lambda score: (score.percent, score.indicator.code),
        )
    return {"attempt": attempt, "rows": rows, "breakdown": breakdown, "options": options}


def re_blank(template: str) -> str:
    """A cloze text for the review: each blank shown as a numbered gap."""
    return re.sub(r"\{#(\d+)\}", r"[\1]", template)


# --- mastery ---------------------------------------------------------------------------------


@dataclass
class IndicatorMastery:
    indicator: Indicator
    known: float | None = None
    responses: int = 0

    @property
    def level(self) -> str:
        return mastery.level(self.known, self.responses)

    @property
    def level_label(self) -> str:
        return mastery.LEVEL_LABELS[self.level]

    @property
    def percent(self) -> int | None:
        return None if self.known is None else round(100 * self.known)


@dataclass
class CriterionMastery:
    criterion: Criterion
    indicators: list[IndicatorMastery]

    @property
    def assessed(self) -> list[IndicatorMastery]:
        return [row for row in self.indicators if row.responses]

    @property
    def mastered(self) -> int:
        return sum(row.level == mastery.MASTERED for row in self.indicators)

    @property
    def known(self) -> float | None:
        """The criterion's mastery: the mean P(known) of its assessed indicators."""
        assessed = self.assessed
        return sum(row.known for row in assessed) / len(assessed) if assessed else None

    @property
    def percent(self) -> int | None:
        return None if self.known is None else round(100 * self.known)

    @property
    def level(self) -> str:
        return mastery.level(self.known, len(self.assessed))

    @property
    def level_label(self) -> str:
        return mastery.LEVEL_LABELS[self.level]


@dataclass
class FrameworkMastery:
    framework: Framework
    criteria: list[CriterionMastery]

    @property
    def indicator_count(self) -> int:
        return sum(len(c.indicators) for c in self.criteria)

    @property
    def assessed(self) -> int:
        return sum(len(c.assessed) for c in self.criteria)

    @property
    def mastered(self) -> int:
        return sum(c.mastered for c in self.criteria)

    @property
    def known(self) -> float | None:
        rows = [row for c in self.criteria for row in c.assessed]
        return sum(row.known for row in rows) / len(rows) if rows else None

    @property
    def percent(self) -> int | None:
        return None if self.known is None else round(100 * self.known)


@dataclass
class WeakIndicator:
    row: IndicatorMastery
    guide: Page | None = None
    lessons: list[Page] = field(default_factory=list)
    cases: list[Page] = field(default_factory=list)


def _learner_frameworks(user) -> set[int]:
    """Frameworks the learner studies: those of their courses, and any they have evidence in."""
    keys = Enrolment.objects.filter(user=user).values("course_key")
    ids = set(
        CoursePage.objects.filter(translation_key__in=keys).values_list("framework_id", flat=True)
    )
    ids |= set(Mastery.objects.filter(user=user).values_list("indicator__framework_id", flat=True))
    return ids


def related_pages(indicator_ids, per_indicator: int = 3) -> dict[int, dict]:
    """Guide, lessons and cases for each indicator, in the reader's language: three queries."""
    ids = list(indicator_ids)
    locale_id = active_locale_id()
    found: dict[int, dict] = {pk: {"guide": None, "lessons": [], "cases": []} for pk in ids}
    guides = IndicatorGuidePage.objects.live().filter(indicator_id__in=ids)
    for guide in guides.order_by("pk"):
        current = found[guide.indicator_id]["guide"]
        if current is None or (guide.locale_id == locale_id and current.locale_id != locale_id):
            found[guide.indicator_id]["guide"] = guide
    for model, key in ((LessonPage, "lessons"), (CaseStudyPage, "cases")):
        pages = (
            model.objects.live()
            .filter(indicators__in=ids, locale_id=locale_id)
            .annotate(indicator_id=F("indicators"))
            .order_by("path")
        )
        for page in pages:
            bucket = found[page.indicator_id][key]
            if len(bucket) < per_indicator:
                bucket.append(page)
    return found


def progress(user, weakest: int = 5) -> dict:
    """ "My progress": mastery per indicator, rolled up to criterion and framework, and the
    weakest assessed indicators with what teaches them. Seven queries."""
    frameworks = Framework.objects.filter(pk__in=_learner_frameworks(user)).order_by("order")
    frameworks = list(frameworks)
    indicators = list(
        Indicator.objects.filter(framework__in=frameworks, criterion__is_scored=True)
        .select_related("criterion")
        .filter(pk__in=Question.objects.tagged().values("indicators"))
    )
    rows = {
        m.indicator_id: m
        for m in Mastery.objects.filter(user=user, indicator__in=[i.pk for i in indicators])
    }
    by_criterion: dict[int, list[IndicatorMastery]] = defaultdict(list)
    criteria = {}
    all_rows = []
    for indicator in indicators:
        record = rows.get(indicator.pk)
        row = IndicatorMastery(
            indicator,
            record.known if record else None,
            record.responses if record else 0,
        )
        all_rows.append(row)
        by_criterion[indicator.criterion_id].append(row)
        criteria[indicator.criterion_id] = indicator.criterion
    result = []
    for framework in frameworks:
        result.append(
            FrameworkMastery(
                framework,
                [
                    CriterionMastery(criteria[pk], by_criterion[pk])
                    for pk in sorted(
                        (pk for pk, c in criteria.items() if c.framework_id == framework.pk),
                        key=lambda pk: criteria[pk].order,
                    )
                ],
            )
        )
    assessed = sorted(
        (row for row in all_rows if row.responses), key=lambda row: (row.known, -row.responses)
    )
    weak = [row for row in assessed if row.level != mastery.MASTERED][:weakest]
    related = related_pages([row.indicator.pk for row in weak]) if weak else {}
    return {
        "frameworks": result,
        "weakest": [WeakIndicator(row, **related[row.indicator.pk]) for row in weak],
        "responses": sum(row.responses for row in all_rows),
        "levels": mastery.LEVELS_DOCUMENTED,
    }


def taught_by(course_keys) -> Q:
    """The indicators these courses teach: their modules' indicators and criteria."""
    paths = list(
        CoursePage.objects.filter(translation_key__in=course_keys).values_list("path", flat=True)
    )
    if not paths:
        return Q(pk__in=[])
    under = Q()
    for path in paths:
        under |= Q(path__startswith=path)
    modules = ModulePage.objects.filter(under)
    return Q(pk__in=modules.values("indicators")) | Q(criterion__in=modules.values("criterion"))


def practice_targets(user, size: int) -> list[int]:
    """The indicators to practise: among those the learner's courses teach and any with
    evidence, that have tagged questions, the ones where mastery is lowest and most uncertain:
    score = (1 - P(known)) + uncertainty; unassessed indicators start at the prior."""
    keys = Enrolment.objects.filter(user=user).values("course_key")
    taught = Q(pk__in=Mastery.objects.filter(user=user).values("indicator")) | taught_by(keys)
    candidates = list(
        Indicator.objects.filter(taught)
        .filter(pk__in=Question.objects.tagged().values("indicators"))
        .values_list("pk", flat=True)
    )
    rows = {
        m.indicator_id: m for m in Mastery.objects.filter(user=user, indicator_id__in=candidates)
    }
    priors = dict(
        IndicatorParameters.objects.filter(indicator_id__in=candidates).values_list(
            "indicator_id", "prior"
        )
    )

    def score(pk):
        row = rows.get(pk)
        known = row.known if row else priors.get(pk, mastery.DEFAULT.prior)
        count = row.responses if row else 0
        return (1 - known) + mastery.uncertainty(known, count), -count, -pk

    return sorted(candidates, key=score, reverse=True)[:size]


# --- a cohort × indicator heatmap ------------------------------------------------------------


@dataclass
class HeatRow:
    user: object
    cells: list[IndicatorMastery]


def cohort_indicators(cohort, page: int | str = 1, criterion=None, page_size: int = 100) -> dict:
    """The cohort × indicator heatmap (levels per learner and indicator, 100 learners a page,
    one criterion's indicators at a time so that it fits a screen) and the cohort's weakest
    indicators over all (mean P(known) over the learners assessed). The indicators are those
    the cohort's assigned courses teach. Six queries."""
    indicators = list(
        Indicator.objects.filter(taught_by(cohort.assignments.values("course_key")))
        .filter(pk__in=Question.objects.tagged().values("indicators"))
        .select_related("criterion")
        .order_by("criterion__order", "order")
    )
    criteria = list({i.criterion_id: i.criterion for i in indicators}.values())
    chosen = next((c for c in criteria if str(c.pk) == str(criterion)), None)
    chosen = chosen or (criteria[0] if criteria else None)
    every_indicator = indicators
    indicators = [i for i in indicators if chosen and i.criterion_id == chosen.pk]
    members = CohortMember.objects.filter(cohort=cohort).select_related("user")
    paginator = Paginator(members.order_by("user__last_name", "user__first_name", "pk"), page_size)
    page_obj = paginator.get_page(page)
    users = [member.user for member in page_obj]
    ids = [i.pk for i in every_indicator]
    records = {
        (m.user_id, m.indicator_id): m
        for m in Mastery.objects.filter(user__in=users, indicator_id__in=[i.pk for i in indicators])
    }
    rows = [
        HeatRow(
            user,
            [
                IndicatorMastery(
                    indicator,
                    records[(user.pk, indicator.pk)].known
                    if (user.pk, indicator.pk) in records
                    else None,
                    records[(user.pk, indicator.pk)].responses
                    if (user.pk, indicator.pk) in records
                    else 0,
                )
                for indicator in indicators
            ],
        )
        for user in users
    ]
    summary = (
        Mastery.objects.filter(user__cohort_memberships__cohort=cohort, indicator_id__in=ids)
        .values("indicator_id")
        .annotate(mean=Avg("known"), learners=Count("user", distinct=True))
    )
    by_pk = {i.pk: i for i in every_indicator}
    weakest = sorted(
        (
            (by_pk[row["indicator_id"]], row["mean"], row["learners"])
            for row in summary
            if row["indicator_id"] in by_pk
        ),
        key=lambda item: item[1],
    )[:5]
    return {
        "indicators": indicators,
        "criteria": criteria,
        "criterion": chosen,
        "rows": rows,
        "page": page_obj,
        "weakest": [
            {
                "indicator": indicator,
                "percent": round(100 * mean),
                "learners": learners,
                "level": mastery.level(mean, learners),
                "level_label": mastery.LEVEL_LABELS[mastery.level(mean, learners)],
            }
            for indicator, mean, learners in weakest
        ],
    }
