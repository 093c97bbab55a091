"""The shipped courses import completely and idempotently; a malformed file changes nothing
and says where the problem is; re-importing keeps learners' answers attached."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from courses import services
from courses.importer import CONTENT_DIR
from courses.models import CoursePage, ExerciseAnswer, LessonPage, ModulePage, Requirement

pytestmark = pytest.mark.django_db

BAD_EXCERPT = """---
type: lesson
title: T
estimated_minutes: 10
indicators: [nope]
---
## Guide excerpt: if-242 chapter

x
"""
DIAGNOSIS = (
    "mobile phone, a smartphone, a tablet and a computer",
    "public Wi-Fi",
    "already start, complete or pay online",
    "already digitised",
    "most at ease with digital tools",
    "programmes, competitions or calls",
    "dematerialisation",
    "participatory processes",
    "personal data and to online files",
    "pay local taxes and fees online or by mobile",
)


@pytest.fixture
def toolkit_imported(taxonomy, home_page):
    call_command("import_toolkit", stdout=StringIO(), stderr=StringIO(), verbosity=0)


def run(*args):
    out = StringIO()
    call_command("import_courses", *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def test_the_shipped_courses(toolkit_imported, learner, tmp_path):
    output = run()
    assert "Local E-Government Toolkit: 6 modules" in output
    assert "National E-Government Toolkit: 6 modules" in output
    local = CoursePage.objects.get(title="Local E-Government Toolkit")
    national = CoursePage.objects.get(title="National E-Government Toolkit")
    assert local.framework.key == "losi_2024" and national.framework.key == "osi_national"
    for course, low, high in ((local, 3, 6), (national, 3, 6)):
        modules = ModulePage.objects.child_of(course)
        assert modules.count() == 6
        # One module per criterion of the framework.
        assert sorted(m.criterion.code for m in modules) == sorted(
            course.framework.criteria.values_list("code", flat=True)
        )
        for module in modules:
            lessons = LessonPage.objects.child_of(module)
            assert low <= lessons.count() <= high, module.title
            kinds = [[block.block_type for block in lesson.body] for lesson in lessons]
            assert all("key_points" in lesson_kinds for lesson_kinds in kinds), module.title
            assert any("exercise" in lesson_kinds for lesson_kinds in kinds), module.title
            assert all(lesson.indicators.exists() for lesson in lessons), module.title
    # Every lesson is in its module's completion rule.
    assert Requirement.objects.filter(course_key=local.translation_key).count() == (
        LessonPage.objects.descendant_of(local).count()
    )
    # The quick diagnosis covers each point of the brief.
    diagnosis = LessonPage.objects.get(title__startswith="Quick diagnosis")
    prompts = " ".join(text for _key, text in diagnosis.exercise_prompts())
    for point in DIAGNOSIS:
        assert point in prompts, point
    # Guide excerpts point at live guides of the course's framework.
    excerpts = [
        block.value["guide"]
        for lesson in LessonPage.objects.descendant_of(local)
        for block in lesson.body
        if block.block_type == "guide_excerpt"
    ]
    assert excerpts and all(
        g.live and g.specific.indicator.framework_id == local.framework_id for g in excerpts
    )

    # A second run changes nothing, and answers stay attached to their prompts.
    services.enrol(learner, local)
    key, _text = diagnosis.exercise_prompts()[0]
    services.save_answers(learner, diagnosis, {key: "Mostly smartphones."})
    assert "pages unchanged: 60" in run()
    # Rewording a prompt in the file updates that page only, and keeps the prompt's key.
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    lesson_file = copy / "local" / diagnosis.source_path.split("/", 1)[1]
    lesson_file.write_text(
        lesson_file.read_text().replace("What share of", "Roughly what share of")
    )
    output = run("--content-dir", str(copy))
    assert "pages updated: 1" in output and "pages created: 0" in output
    diagnosis = LessonPage.objects.get(pk=diagnosis.pk)
    assert diagnosis.exercise_prompts()[0][1].startswith("Roughly what share of")
    assert diagnosis.exercise_prompts()[0][0] == key
    assert ExerciseAnswer.objects.get(user=learner).prompt_key.hex == key.replace("-", "")


@pytest.mark.parametrize(
    "damage, message",
    [
        (
            lambda d: (d / "local/02-content-provision/_module.md").write_text("no front matter"),
            "missing front matter",
        ),
        (
            lambda d: (
                d / "local/01-institutional-framework/01-how-losi-reads-a-city-portal.md"
            ).write_text(BAD_EXCERPT),
            "part one of",
        ),
        (
            lambda d: (
                d / "local/01-institutional-framework/01-how-losi-reads-a-city-portal.md"
            ).write_bytes(b"\xff\xfe\x00bad"),
            "01-how-losi-reads-a-city-portal.md",
        ),
    ],
)
def test_a_malformed_file_changes_nothing_and_names_its_place(
    taxonomy, home_page, tmp_path, damage, message
):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    damage(content)
    with pytest.raises(CommandError) as error:
        run("--content-dir", str(content))
    assert message in str(error.value)
    assert "nothing was written" in str(error.value)
    assert not CoursePage.objects.exists() and not Requirement.objects.exists()


def test_the_demo_cohort_shows_every_stage(toolkit_imported):
    """What `make run` shows the demo trainer: learners from not started to finished, one
    module overdue, a certificate, exercise answers; and it can be loaded twice."""
    from cms.demo import ensure_demo_accounts
    from courses import selectors
    from courses.demo import ensure_demo_cohort
    from courses.models import Certificate, ExerciseAnswer

    run()
    ensure_demo_accounts()
    cohort = ensure_demo_cohort()
    assert ensure_demo_cohort() == cohort  # idempotent
    matrix = selectors.cohort_matrix(cohort)
    assert matrix.member_count == 9 and len(matrix.columns) == 6
    states = {cell.status for row in matrix.rows for cell in row.cells}
    assert states == {"done", "in_progress", "not_started", "overdue"}
    assert Certificate.objects.filter(user__email="learner01@example.org").exists()
    assert ExerciseAnswer.objects.filter(user__email="learner@example.org").exists()
    learner = cohort.members.get(user__email="learner@example.org").user
    progress = selectors.my_learning(learner)
    assert progress.courses[0].done == 7 and progress.assignments
