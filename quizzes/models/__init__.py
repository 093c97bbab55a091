from quizzes.models.bank import (
    Choice,
    Question,
    QuestionCategory,
    QuestionQuerySet,
    QuestionVersion,
)
from quizzes.models.pages import QuizPage, QuizSlot
from quizzes.models.records import (
    Attempt,
    AttemptQuestion,
    Evidence,
    IndicatorParameters,
    Mastery,
)

__all__ = [
    "Attempt",
    "AttemptQuestion",
    "Choice",
    "Evidence",
    "IndicatorParameters",
    "Mastery",
    "Question",
    "QuestionCategory",
    "QuestionQuerySet",
    "QuestionVersion",
    "QuizPage",
    "QuizSlot",
]
