"""Demo quiz attempts for `make run`: the demo cohort's learners take the quizzes of the
modules they have finished reading, answering as people of different strength would, so
"My progress", the review and the trainer's heatmap show real mastery. The answers go through
the same services as a learner's (start, save, submit), never written as results.
Development only (load_demo_content refuses production settings). `right_response` and
`wrong_response` also serve the benchmarks and the load scenario."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.http import QueryDict

from courses.demo import DEMO_LEARNERS, local_course
from courses.models import ItemCompletion, LessonPage, ModulePage
from quizzes import services
from quizzes.grading import (
    CLOZE,
    MATCHING,
    MULTIPLE,
    NUMERICAL,
    ORDERING,
    SHORT_ANSWER,
    SINGLE,
    TRUE_FALSE,
)
from quizzes.models import Attempt, QuizPage

# Chance of answering each question right, by demo learner (in DEMO_LEARNERS order), and for
# the demo learner learner@example.org.
STRENGTH = (0.92, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35)
DEMO_LEARNER_STRENGTH = 0.55
RETAKES = 3


def right_response(data: dict):
    """A response that earns full marks (as stored: the shapes quizzes.responses reads)."""
    kind = data["type"]
    choices = data.get("choices", [])
    full = next((c for c in choices if c["fraction"] >= 0.999_999), None)
    if kind == SINGLE:
        return full["id"]
    if kind == MULTIPLE:
        return sorted(c["id"] for c in choices if c["fraction"] > 0)
    if kind == TRUE_FALSE:
        return "true" if data["options"].get("correct") else "false"
    if kind == SHORT_ANSWER:
        return full["text"].replace("*", "x")
    if kind == NUMERICAL:
        units = data.get("options", {}).get("units") or []
        main = next((u["unit"] for u in units if float(u.get("multiplier") or 1) == 1), "")
        return f"{full['text']} {main}".strip()
    if kind == MATCHING:
        return {c["id"]: c["text"] for c in choices if c.get("prompt")}
    if kind == ORDERING:
        return {c["id"]: n for n, c in enumerate(choices, start=1)}
    if kind == CLOZE:
        return {str(n): right_response(part) for n, part in enumerate(data["parts"], start=1)}
    raise ValueError(kind)


def wrong_response(data: dict):
    """A response that earns nothing (or as little as the question allows)."""
    kind = data["type"]
    choices = data.get("choices", [])
    if kind in (SINGLE, MULTIPLE):
        worst = min(choices, key=lambda c: c["fraction"])
        return worst["id"] if kind == SINGLE else [worst["id"]]
    if kind == TRUE_FALSE:
        return "false" if data["options"].get("correct") else "true"
    if kind == SHORT_ANSWER:
        return "I do not know"
    if kind == NUMERICAL:
        return "-987654"
    if kind == MATCHING:
        prompts = [c for c in choices if c.get("prompt")]
        texts = [c["text"] for c in prompts]
        return dict(zip([c["id"] for c in prompts], texts[1:] + texts[:1], strict=True))
    if kind == ORDERING:
        return {c["id"]: n for n, c in enumerate(reversed(choices), start=1)}
    if kind == CLOZE:
        return {str(n): wrong_response(part) for n, part in enumerate(data["parts"], start=1)}
    raise ValueError(kind)


def as_post(slot: int, data: dict, response) -> QueryDict:
    """The form post that gives `response` to the question in `slot` (the attempt form's
    field names), so demo answers take the learner's own path through quizzes.responses."""
    post = QueryDict(mutable=True)
    post.appendlist("slots", str(slot))
    _fields(post, f"q{slot}", data, response)
    return post


def _fields(post, name, data, response):
    kind = data["type"]
    if kind == MULTIPLE:
        for value in response:
            post.appendlist(name, value)
    elif kind in (MATCHING, ORDERING):
        for key, value in response.items():
            post[f"{name}-{key}"] = str(value)
    elif kind == CLOZE:
        for number, value in response.items():
            _fields(post, f"{name}-{number}", data["parts"][int(number) - 1], value)
    else:
        post[name] = str(response)


def take(user, quiz: QuizPage, strength: float, rng: random.Random) -> Attempt:
    """Start an attempt, answer each question right with probability `strength`, submit."""
    attempt = services.start_attempt(user, quiz)
    for question in attempt.questions.select_related("version"):
        data = question.version.data
        response = right_response(data) if rng.random() < strength else wrong_response(data)
        services.save_responses(user, attempt.pk, as_post(question.slot, data, response))
    services.submit(user, attempt.pk)
    return attempt


def ensure_demo_attempts(seed: int = 2026) -> int:
    """Each demo learner takes the quiz of every module whose lessons they have all done
    (a second attempt when the first fails), and practises once. Idempotent: a learner who
    has attempts is left as they are. Returns the number of attempts made."""
    course = local_course()
    if course is None:
        return 0
    User = get_user_model()
    emails = [f"learner{n:02d}@example.org" for n in range(1, len(DEMO_LEARNERS) + 1)]
    people = [
        (User.objects.filter(email=email).first(), strength)
        for email, strength in zip(emails, STRENGTH, strict=True)
    ]
    demo_learner = User.objects.filter(email="learner@example.org").first()
    people.append((demo_learner, DEMO_LEARNER_STRENGTH))
    rng = random.Random(seed)
    made = 0
    for user, strength in people:
        if user is None or Attempt.objects.filter(user=user).exists():
            continue
        done = set(ItemCompletion.objects.filter(user=user).values_list("item_id", flat=True))
        for module in ModulePage.objects.live().child_of(course):
            lessons = (
                LessonPage.objects.live().child_of(module).values_list("translation_key", flat=True)
            )
            quiz = QuizPage.objects.live().child_of(module).first()
            if quiz is None or not lessons or not set(lessons) <= done:
                continue
            # Strong learners retake quizzes to consolidate; others retake once if they failed.
            for _round in range(RETAKES if strength >= 0.8 else 1):
                attempt = take(user, quiz, strength, rng)
                made += 1
            attempt.refresh_from_db()
            if (attempt.percent or 0) < float(quiz.pass_mark):
                take(user, quiz, min(1.0, strength + 0.15), rng)
                made += 1
        if made:
            try:
                practice = services.start_practice(user)
            except services.QuizActionRefused:
                continue
            for question in practice.questions.select_related("version"):
                data = question.version.data
                response = right_response(data) if rng.random() < strength else None
                if response is not None:
                    services.save_responses(
                        user, practice.pk, as_post(question.slot, data, response)
                    )
            services.submit(user, practice.pk)
            made += 1
    return made
