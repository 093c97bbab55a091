"""Reads and validates the shipped courses (courses/content/<course>/...) into plans; nothing
is written until every file passed (courses.services_import writes them).

    <course>/_course.md                    type: course
    <course>/<NN-module>/_module.md        type: module
    <course>/<NN-module>/<NN-lesson>.md    type: lesson

A lesson's H2 sections become its blocks: a free heading is text; `Guide excerpt: <indicator
key> <part>` shows that part of the indicator's guide; `Exercise` is an intro and numbered
prompts; `Key points` and `Resources` are lists. Block and prompt ids are derived from the
file and the heading, so re-importing a lesson keeps the learners' answers attached."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify
from wagtail.models import Locale

from cms.content_files import (
    LIST_ITEM,
    ContentFile,
    inline_text,
    list_items,
    read_content_file,
    split_sections,
)
from cms.imports import Problems, display_path
from cms.sanitize import markdown_to_html
from courses.blocks import GUIDE_PARTS
from courses.models import CoursePage, LessonPage, ModulePage
from toolkit.importer import check_limits, expect_type, read_framework, read_summary, resource_items
from toolkit.models import Criterion, Framework, Indicator, IndicatorGuidePage

CONTENT_DIR = Path(__file__).resolve().parent / "content"
BLOCK_NAMESPACE = uuid.UUID("1c0d2a6e-4a57-4a43-9a43-6b1b8e0c0de5")
EXCERPT_PREFIX = "Guide excerpt:"
PARTS = {key for key, _label in GUIDE_PARTS}
LISTS = {"Key points": "key_points", "Resources": "resources"}


@dataclass
class LessonPlan:
    source: ContentFile
    title: str
    slug: str
    summary: str
    fields: dict = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    key: str = ""  # the file's path inside the content folder: the page's identity

    def __post_init__(self):
        parts = self.source.path.parts
        self.key = self.key or "/".join(parts[-3:] if parts[-1] != "_course.md" else parts[-2:])


@dataclass
class ModulePlan(LessonPlan):
    lessons: list[LessonPlan] = field(default_factory=list)


@dataclass
class CoursePlan(LessonPlan):
    framework: Framework | None = None
    modules: list[ModulePlan] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + sum(1 + len(module.lessons) for module in self.modules)


def block_id(content: ContentFile, *parts) -> str:
    """A stable id for a block: the same file and heading give the same id on every import."""
    name = "/".join([content.path.parent.name, content.path.name, *map(str, parts)])
    return str(uuid.uuid5(BLOCK_NAMESPACE, name))


def _slug(content: ContentFile) -> str:
    """Files are named NN-slug.md (or folders NN-slug): the slug without the number."""
    stem = content.path.parent.name if content.path.name.startswith("_") else content.path.stem
    return slugify(stem.split("-", 1)[-1] if stem[:2].isdigit() else stem)


def _indicators(content, framework, problems, criterion=None) -> list[Indicator]:
    keys = content.meta.get("indicators") or []
    if not isinstance(keys, list):
        problems.add("'indicators' must be a list of indicator keys", file=content.label)
        return []
    found = {
        indicator.key: indicator
        for indicator in Indicator.objects.filter(framework=framework, key__in=keys)
    }
    for key in keys:
        if key not in found:
            problems.add(f"unknown indicator {key!r} in {framework}", file=content.label)
        elif criterion is not None and found[key].criterion_id != criterion.pk:
            problems.add(
                f"indicator {key} is not in criterion {criterion.code}", file=content.label
            )
    return [found[key] for key in keys if key in found]


def _minutes(content, problems, key="estimated_minutes", low=1, high=1000) -> int:
    value = content.meta.get(key)
    if not isinstance(value, int) or not low <= value <= high:
        problems.add(f"'{key}' must be a whole number from {low} to {high}", file=content.label)
        return low
    return value


def _lesson_body(content: ContentFile, framework, guides, problems) -> list[dict]:
    _intro, sections = split_sections(content.body)
    blocks = []
    for heading, text in sections.items():
        place = {"file": content.label, "item": f"## {heading}"}
        if heading.startswith(EXCERPT_PREFIX):
            words = heading[len(EXCERPT_PREFIX) :].split()
            if len(words) != 2 or words[1] not in PARTS:
                problems.add(
                    f"write '## {EXCERPT_PREFIX} <indicator key> <part>', part one of "
                    + ", ".join(sorted(PARTS)),
                    **place,
                )
                continue
            guide = guides.get(words[0])
            if guide is None:
                problems.add(f"no guide for indicator {words[0]!r} in {framework}", **place)
                continue
            value = {"guide": guide.pk, "part": words[1], "intro": inline_text(text)[:400]}
        elif heading == "Exercise":
            prompts = list_items(text)
            lines = text.splitlines()
            first = next((n for n, line in enumerate(lines) if LIST_ITEM.match(line)), len(lines))
            intro = "\n".join(lines[:first]).strip()
            if not prompts:
                problems.add("an exercise needs numbered prompts", **place)
                continue
            value = {
                "title": "Exercise",
                "intro": markdown_to_html(intro) if intro else "",
                "prompts": [
                    {
                        "type": "item",
                        "value": inline_text(prompt)[:600],
                        "id": block_id(content, heading, n),
                    }
                    for n, prompt in enumerate(prompts, start=1)
                ],
            }
        elif heading == "Key points":
            value = [
                {
                    "type": "item",
                    "value": inline_text(item)[:400],
                    "id": block_id(content, heading, n),
                }
                for n, item in enumerate(list_items(text), start=1)
            ]
        elif heading == "Resources":
            value = [
                {"type": "item", "value": item, "id": block_id(content, heading, n)}
                for n, item in enumerate(resource_items(text, content, problems), start=1)
            ]
        else:
            if not text:
                problems.add("empty section", **place)
                continue
            value = {"heading": inline_text(heading)[:200], "body": markdown_to_html(text)}
        block_type = (
            "guide_excerpt"
            if heading.startswith(EXCERPT_PREFIX)
            else "exercise"
            if heading == "Exercise"
            else LISTS.get(heading, "text")
        )
        blocks.append({"type": block_type, "value": value, "id": block_id(content, heading)})
    if not blocks:
        problems.add("a lesson needs at least one '## ' section", file=content.label)
    return blocks


def _lines(content, key, problems) -> str:
    value = content.meta.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.add(f"'{key}' must be a list", file=content.label)
        return ""
    return "\n".join(inline_text(str(item)) for item in value)


def _read_course(folder: Path, problems: Problems) -> CoursePlan | None:
    content = read_content_file(folder / "_course.md", problems)
    if content is None or not expect_type(content, "course", problems):
        return None
    framework = read_framework(content, problems)
    if framework is None:
        return None
    level = content.meta.get("level", "introductory")
    if level not in CoursePage.Level.values:
        problems.add(
            f"'level' must be one of {', '.join(CoursePage.Level.values)}", file=content.label
        )
    enrolment = content.meta.get("enrolment", "open")
    if enrolment not in CoursePage.Enrolment.values:
        problems.add(
            f"'enrolment' must be one of {', '.join(CoursePage.Enrolment.values)}",
            file=content.label,
        )
    course = CoursePlan(
        source=content,
        title=inline_text(str(content.meta.get("title") or "")),
        slug=slugify(folder.name) or "course",
        summary=read_summary(content, problems),
        framework=framework,
        fields={
            "intro": markdown_to_html(content.body),
            "audience": inline_text(str(content.meta.get("audience") or ""))[:600],
            "level": level,
            "estimated_hours": _minutes(content, problems, "estimated_hours", 1, 500),
            "enrolment": enrolment,
            "enrolment_key": str(content.meta.get("enrolment_key") or ""),
            "learning_outcomes": _lines(content, "learning_outcomes", problems),
            "prerequisites": _lines(content, "prerequisites", problems),
            "framework": framework,
        },
    )
    if not course.title:
        problems.add("missing 'title'", file=content.label)
    check_limits(course, CoursePage, problems)
    guides = {
        guide.indicator.key: guide
        for guide in IndicatorGuidePage.objects.filter(
            indicator__framework=framework, locale=Locale.get_default()
        ).select_related("indicator")
    }
    criteria = {
        criterion.code: criterion for criterion in Criterion.objects.filter(framework=framework)
    }
    for module_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        module_content = read_content_file(module_dir / "_module.md", problems)
        if module_content is None or not expect_type(module_content, "module", problems):
            continue
        criterion = criteria.get(module_content.meta.get("criterion"))
        if module_content.meta.get("criterion") and criterion is None:
            problems.add(
                f"unknown criterion {module_content.meta.get('criterion')!r} in {framework}",
                file=module_content.label,
            )
        module = ModulePlan(
            source=module_content,
            title=inline_text(str(module_content.meta.get("title") or "")),
            slug=_slug(module_content),
            summary=read_summary(module_content, problems),
            fields={
                "intro": markdown_to_html(module_content.body),
                "criterion": criterion,
                "estimated_minutes": _minutes(module_content, problems),
            },
            indicators=_indicators(module_content, framework, problems, criterion),
        )
        check_limits(module, ModulePage, problems)
        for lesson_path in sorted(module_dir.glob("*.md")):
            if lesson_path.name.startswith("_"):
                continue
            lesson_content = read_content_file(lesson_path, problems)
            if lesson_content is None or not expect_type(lesson_content, "lesson", problems):
                continue
            lesson = LessonPlan(
                source=lesson_content,
                title=inline_text(str(lesson_content.meta.get("title") or "")),
                slug=_slug(lesson_content),
                summary=read_summary(lesson_content, problems),
                fields={
                    "estimated_minutes": _minutes(lesson_content, problems),
                    "body": _lesson_body(lesson_content, framework, guides, problems),
                },
                indicators=_indicators(lesson_content, framework, problems),
            )
            if not lesson.title:
                problems.add("missing 'title'", file=lesson_content.label)
            check_limits(lesson, LessonPage, problems)
            module.lessons.append(lesson)
        if not module.lessons:
            problems.add("a module needs at least one lesson", file=display_path(module_dir))
        course.modules.append(module)
    return course


def read_courses(content_dir: Path = CONTENT_DIR) -> list[CoursePlan]:
    """Every course folder (one holding _course.md), validated; raises ImportProblems with the
    place of every problem found."""
    problems = Problems()
    courses = []
    for folder in sorted(p for p in content_dir.iterdir() if (p / "_course.md").exists()):
        course = _read_course(folder, problems)
        if course is not None:
            courses.append(course)
    if not courses:
        problems.add("no course found (a folder with _course.md)", file=display_path(content_dir))
    problems.raise_if_any()
    return courses
