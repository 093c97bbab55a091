"""Builders for course pages and learners' records, on the real taxonomy and page tree
(publishing goes through revisions, so the completion rules sync as in production)."""

from __future__ import annotations

import uuid

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from tests.toolkit.factories import publish
from toolkit.models import Criterion, Framework, Indicator

PROMPTS = ("What share of households own a smartphone?", "Which spaces offer public Wi-Fi?")


def lesson_body(guide=None, prompts=PROMPTS, exercise_id=None):
    body = [
        {
            "type": "text",
            "value": {"heading": "Why it matters", "body": "<p>Residents act online.</p>"},
        }
    ]
    if guide is not None:
        body.append(
            {
                "type": "guide_excerpt",
                "value": {"guide": guide.pk, "part": "definition", "intro": "From the guide."},
            }
        )
    if prompts:
        body.append(
            {
                "type": "exercise",
                "id": exercise_id or str(uuid.uuid4()),
                "value": {
                    "title": "Exercise",
                    "intro": "<p>Answer for your city.</p>",
                    "prompts": [
                        {"type": "item", "value": text, "id": str(uuid.uuid4())} for text in prompts
                    ],
                },
            }
        )
    body.append({"type": "key_points", "value": ["Know your residents."]})
    return body


def make_course_index(home, **kwargs):
    return publish(home, CourseIndexPage(**{"title": "Courses", "slug": "courses", **kwargs}))


def make_course(index, framework_key="losi_2024", **kwargs):
    defaults = {"title": "Local course", "slug": "local-course", "summary": "A course."}
    framework = Framework.objects.get(key=framework_key)
    return publish(index, CoursePage(framework=framework, **{**defaults, **kwargs}))


def make_module(course, code="IF", **kwargs):
    criterion = Criterion.objects.get(framework=course.framework, code=code)
    defaults = {"title": f"Module {code}", "slug": f"module-{code.lower()}"}
    return publish(course, ModulePage(criterion=criterion, **{**defaults, **kwargs}))


def make_lesson(module, number=1, indicators=(), guide=None, **kwargs):
    defaults = {
        "title": f"Lesson {number} of {module.title}",
        "slug": f"{module.slug}-lesson-{number}",
        "body": lesson_body(guide),
    }
    lesson = LessonPage(**{**defaults, **kwargs})
    if indicators:
        lesson.indicators = list(indicators)
    return publish(module, lesson)


def make_small_course(home, modules=("IF", "CP"), lessons=2, **kwargs):
    """An index, a course with these modules and `lessons` lessons each."""
    index = make_course_index(home)
    course = make_course(index, **kwargs)
    built = []
    for code in modules:
        module = make_module(course, code)
        indicator = Indicator.objects.filter(criterion=module.criterion).order_by("order").first()
        built.append((module, [make_lesson(module, n, [indicator]) for n in range(1, lessons + 1)]))
    return course, built
