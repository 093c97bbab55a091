"""Writes of the question bank: saving an import plan, and the export entries."""

from __future__ import annotations

from cms.imports import CREATED, UNCHANGED, Outcomes
from quizzes.models import Question, QuestionCategory
from quizzes.tags import TagBook


def save_plan(plan, outcomes: Outcomes, progress=None) -> list[Question]:
    """Create the plan's questions (inside the import's transaction). A question whose ID
    number is already in its category is kept as it is (Moodle's ID numbers are unique per
    category): importing the same file twice adds nothing, and never overwrites an edit."""
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
    """(category path, data, name, tags, idnumber) for each question, for the writers."""
    book = TagBook()
    for question in questions:
        data = question.snapshot()
        yield (
            question.category.path,
            data,
            question.name,
            [book.tag(pk) for pk in data["indicators"]],
            question.idnumber,
        )
