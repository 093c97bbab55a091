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
