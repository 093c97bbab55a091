"""The shipped question banks: every module of the shipped courses has at least 8 questions,
each tagged with indicators of that module, each with feedback that teaches."""

from collections import defaultdict
from io import StringIO
from pathlib import Path

import frontmatter
import pytest
from django.core.management import call_command

from quizzes.models import Question

pytestmark = pytest.mark.django_db
COURSES = Path(__file__).resolve().parents[2] / "courses" / "content"


def test_every_module_has_eight_tagged_questions_with_feedback(taxonomy):
    out = StringIO()
    call_command("import_questions", stdout=out, stderr=StringIO(), verbosity=0)
    assert "need indicators" not in out.getvalue()
    assert not Question.objects.needs_indicators().exists()
    by_category = defaultdict(list)
    for question in Question.objects.prefetch_related("indicators", "choices").select_related(
        "category"
    ):
        by_category[question.category.path].append(question)
    modules = sorted(COURSES.glob("*/[0-9][0-9]-*/_module.md"))
    assert len(modules) == 12
    for module_file in modules:
        course = "Local" if module_file.parts[-3] == "local" else "National"
        slug = module_file.parent.name.split("-", 1)[1]
        questions = by_category[f"top/{course} E-Government Toolkit/{slug}"]
        assert len(questions) >= 8, module_file
        allowed = set(frontmatter.load(module_file).metadata["indicators"])
        for question in questions:
            keys = {indicator.key for indicator in question.indicators.all()}
            assert keys and keys <= allowed, (question.idnumber, keys - allowed)
            assert question.general_feedback, question.idnumber
            if question.qtype in ("single", "multiple"):
                assert all(choice.feedback for choice in question.choices.all()), question.idnumber
    # Every shipped question can be graded: its data makes a version.
    assert all(q.current_version().data["type"] for q in Question.objects.all()[:20])
