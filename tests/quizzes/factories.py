"""Questions for tests, built through the models as the admin and importers build them."""

from decimal import Decimal

from quizzes.models import Choice, Question, QuestionCategory
from toolkit.models import Indicator


def make_question(qtype="single", choices=(("Right", 1), ("Wrong", 0)), indicators=None, **kwargs):
    category = kwargs.pop("category", None) or QuestionCategory.from_path("top/Tests")
    question = Question(
        category=category,
        name=kwargs.pop("name", f"A {qtype} question"),
        qtype=qtype,
        stem=kwargs.pop("stem", "<p>What does the portal need?</p>"),
        **kwargs,
    )
    question.choices = [
        Choice(
            text=text,
            fraction=Decimal(str(fraction)),
            feedback=f"Feedback for {text}",
            **(extra[0] if extra else {}),
        )
        for text, fraction, *extra in choices
    ]
    if indicators is None:
        indicators = list(
            Indicator.objects.filter(framework__key="losi_2024").order_by("order")[:1]
        )
    question.indicators = indicators
    question.save()
    return question


def make_quiz(module, slots=None, **kwargs):
    """A published quiz in `module`; by default three questions drawn from its criterion."""
    from quizzes.models import QuizPage, QuizSlot
    from tests.toolkit.factories import publish

    defaults = {
        "title": f"Quiz of {module.title}",
        "slug": f"{module.slug}-quiz",
        "shuffle_questions": False,
    }
    quiz = QuizPage(**{**defaults, **kwargs})
    quiz.slots = slots or [QuizSlot(draw_count=3, draw_criterion=module.criterion)]
    return publish(module, quiz)


def make_bank(criterion, count=4):
    """`count` single-choice questions, one per indicator of `criterion` (cycling)."""
    indicators = list(Indicator.objects.filter(criterion=criterion).order_by("order"))
    return [
        make_question(
            name=f"{criterion.code} question {n}",
            choices=((f"Right {n}", 1), (f"Wrong {n}", 0)),
            indicators=[indicators[n % len(indicators)]],
        )
        for n in range(count)
    ]
