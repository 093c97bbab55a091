"""Reads and validates the shipped toolkit content (toolkit/content/<toolkit>/...) into plans
of pages to build. Nothing is written here: `toolkit.services.apply_toolkit_plan` writes a
plan only when every file passed.

    <toolkit>/_toolkit.md                    type: toolkit
    <toolkit>/sections/<slug>.md             type: section
    <toolkit>/<dimension>/_dimension.md      type: dimension
    <toolkit>/<dimension>/<indicator key>.md type: indicator
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from cms.content_files import (
    ContentFile,
    bold_lead,
    first_link,
    inline_text,
    list_items,
    read_content_file,
    split_dash,
    split_sections,
)
from cms.imports import Problems, display_path, max_length_problems
from cms.sanitize import markdown_to_html
from toolkit.models import (
    Criterion,
    DimensionPage,
    Framework,
    Indicator,
    IndicatorGuidePage,
    ToolkitPage,
    ToolkitSectionPage,
)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
TRANSLATIONS_DIR = "translations"

GUIDE_SECTIONS = {
    "Definition": "definition",
    "Why it matters": "why_it_matters",
    "How it is assessed": "how_assessed",
    "Indicative steps": "steps",
    "Self-check": "self_check",
    "Case examples": "case_examples",
    "Resources": "resources",
}
REQUIRED_GUIDE_SECTIONS = ("Definition", "Why it matters", "How it is assessed", "Indicative steps")
MAX_STEPS = 12


@dataclass
class PagePlan:
    source: ContentFile
    title: str
    slug: str
    summary: str
    fields: dict = field(default_factory=dict)
    sdgs: list[int] = field(default_factory=list)


@dataclass
class DimensionPlan(PagePlan):
    criterion: Criterion | None = None
    guides: list[PagePlan] = field(default_factory=list)


@dataclass
class ToolkitPlan(PagePlan):
    framework: Framework | None = None
    sections: list[PagePlan] = field(default_factory=list)
    dimensions: list[DimensionPlan] = field(default_factory=list)
    missing_indicators: list[Indicator] = field(default_factory=list)

    @property
    def guide_count(self) -> int:
        return sum(len(dimension.guides) for dimension in self.dimensions)


def check_limits(item: PagePlan, model, problems: Problems) -> None:
    """Title, slug and summary within the page model's field limits (read from the model)."""
    values = {"title": item.title, "slug": item.slug, "summary": item.summary}
    for name, message in max_length_problems(model, values).items():
        problems.add(message, file=item.source.label, field=name)


def read_summary(content: ContentFile, problems: Problems) -> str:
    return inline_text(str(content.meta.get("summary") or ""))


def expect_type(content: ContentFile, expected: str, problems: Problems) -> bool:
    if content.meta.get("type") != expected:
        problems.add(
            f"'type' must be '{expected}', not {content.meta.get('type')!r}",
            file=content.label,
        )
        return False
    return True


def read_framework(content: ContentFile, problems: Problems) -> Framework | None:
    key = content.meta.get("framework")
    framework = Framework.objects.filter(key=key, is_reference_only=False).first()
    if framework is None:
        problems.add(
            f"unknown framework {key!r} (run load_frameworks first; "
            "expected losi_2024 or osi_national)",
            file=content.label,
        )
    return framework


def _sdgs(content: ContentFile, problems: Problems) -> list[int]:
    raw = content.meta.get("sdgs") or []
    if not isinstance(raw, list) or not all(isinstance(n, int) and 1 <= n <= 17 for n in raw):
        problems.add(
            "'sdgs' must be a list of goal numbers from 1 to 17",
            file=content.label,
        )
        return []
    return sorted(set(raw))


# Section headings of guides written in other languages (toolkit/content/translations/):
# the file's own heading -> the English heading that names the block.
GUIDE_HEADINGS = {
    "fr": {
        "Définition": "Definition",
        "Pourquoi c'est important": "Why it matters",
        "Comment il est évalué": "How it is assessed",
        "Étapes indicatives": "Indicative steps",
        "Auto-évaluation": "Self-check",
        "Exemples": "Case examples",
        "Ressources": "Resources",
    },
}


def _guide_body(content: ContentFile, problems: Problems) -> list[dict]:
    """The guide's Markdown sections as StreamField blocks, in the file's order. A file in
    another language (front matter `language`) uses that language's headings."""
    _, sections = split_sections(content.body)
    headings = GUIDE_HEADINGS.get(content.meta.get("language"), {})
    sections = {headings.get(heading, heading): text for heading, text in sections.items()}
    unknown = [heading for heading in sections if heading not in GUIDE_SECTIONS]
    if unknown:
        problems.add(
            f"unknown section '## {unknown[0]}' (expected: {', '.join(GUIDE_SECTIONS)})",
            file=content.label,
        )
    for heading in REQUIRED_GUIDE_SECTIONS:
        if not sections.get(heading):
            problems.add(
                f"missing section '## {heading}'",
                file=content.label,
            )
    blocks = []
    for heading, text in sections.items():
        block_type = GUIDE_SECTIONS.get(heading)
        if block_type is None or not text:
            continue
        if block_type in ("definition", "why_it_matters", "how_assessed"):
            blocks.append({"type": block_type, "value": markdown_to_html(text)})
        elif block_type == "steps":
            steps = []
            for item in list_items(text):
                title, rest = bold_lead(item)
                steps.append({"title": title[:200], "body": markdown_to_html(rest) if rest else ""})
            if not 1 <= len(steps) <= MAX_STEPS:
                problems.add(
                    f"'Indicative steps' needs 1 to {MAX_STEPS} numbered steps, found {len(steps)}",
                    file=content.label,
                )
            blocks.append({"type": "steps", "value": steps})
        elif block_type == "self_check":
            blocks.append(
                {"type": "self_check", "value": [inline_text(i)[:300] for i in list_items(text)]}
            )
        elif block_type == "case_examples":
            examples = []
            for item in list_items(text):
                head, description = split_dash(item)
                link = first_link(head)
                examples.append(
                    {
                        "case": None,
                        "place": inline_text(link[0] if link else head)[:120],
                        "description": inline_text(description)[:800],
                        "url": link[1] if link and link[1].startswith("http") else "",
                    }
                )
            blocks.append({"type": "case_examples", "value": examples})
        elif block_type == "resources":
            blocks.append({"type": "resources", "value": resource_items(text, content, problems)})
    return blocks


def resource_items(text: str, content: ContentFile, problems: Problems) -> list[dict]:
    """A '## Resources' list: each item a [title](https://...) link, then ' - description'."""
    resources = []
    for item in list_items(text):
        head, description = split_dash(item)
        link = first_link(head) or first_link(item)
        if link is None or not link[1].startswith("http"):
            problems.add(
                f"resource '{inline_text(item)[:60]}' needs a [title](https://...) link",
                file=content.label,
            )
            continue
        resources.append(
            {
                "title": inline_text(link[0])[:200],
                "url": link[1],
                "document": None,
                "description": inline_text(description)[:300],
            }
        )
    return resources


def guide_slug(indicator: Indicator, title: str) -> str:
    code = indicator.code.lstrip("#")
    return slugify(f"{code} {title}" if code else title)[:80].strip("-")


def _read_guide(content, framework, criterion, seen, problems) -> PagePlan | None:
    if not expect_type(content, "indicator", problems):
        return None
    key = content.meta.get("indicator")
    indicator = (
        Indicator.objects.with_taxonomy().filter(framework=framework, key=key).first()
        if framework
        else None
    )
    if indicator is None:
        problems.add(
            f"unknown indicator {key!r} in {framework}",
            file=content.label,
        )
        return None
    if criterion is not None and indicator.criterion_id != criterion.pk:
        problems.add(
            f"indicator {key} belongs to {indicator.criterion.name}, "
            f"not to this folder's dimension {criterion.name}",
            file=content.label,
        )
    if indicator.pk in seen:
        problems.add(
            f"indicator {key} already has a guide in {seen[indicator.pk]}",
            file=content.label,
        )
        return None
    seen[indicator.pk] = content.label
    title = inline_text(str(content.meta.get("title") or indicator.name))
    body = _guide_body(content, problems)
    return PagePlan(
        source=content,
        title=title,
        slug=guide_slug(indicator, title),
        summary=read_summary(content, problems),
        fields={"indicator": indicator, "body": body},
        sdgs=_sdgs(content, problems),
    )


def read_toolkit(folder: Path, problems: Problems) -> ToolkitPlan | None:
    root_file = folder / "_toolkit.md"
    if not root_file.exists():
        problems.add(
            "missing _toolkit.md",
            file=display_path(folder),
        )
        return None
    root = read_content_file(root_file, problems)
    if root is None or not expect_type(root, "toolkit", problems):
        return None
    framework = read_framework(root, problems)
    if framework is None:
        return None
    title = inline_text(str(root.meta.get("title") or framework.name))
    plan = ToolkitPlan(
        source=root,
        title=title,
        slug=slugify(f"{folder.name} toolkit"),
        summary=read_summary(root, problems),
        fields={"intro": markdown_to_html(root.body)},
        framework=framework,
    )

    sections_dir = folder / "sections"
    section_files = sorted(sections_dir.glob("*.md")) if sections_dir.exists() else []
    sections = []
    for path in section_files:
        content = read_content_file(path, problems)
        if content is None or not expect_type(content, "section", problems):
            continue
        order = content.meta.get("order")
        if not isinstance(order, int):
            problems.add(
                "'order' must be a whole number",
                file=content.label,
            )
            continue
        if not content.meta.get("title"):
            problems.add(
                "missing 'title'",
                file=content.label,
            )
            continue
        sections.append(
            (
                order,
                PagePlan(
                    source=content,
                    title=inline_text(str(content.meta["title"])),
                    slug=slugify(path.stem),
                    summary=read_summary(content, problems),
                    fields={"body": markdown_to_html(content.body)},
                ),
            )
        )
    plan.sections = [section for _, section in sorted(sections, key=lambda pair: pair[0])]

    seen: dict[int, str] = {}
    dimensions = []
    for dimension_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != "sections"):
        dimension_file = dimension_dir / "_dimension.md"
        if not dimension_file.exists():
            problems.add(
                "missing _dimension.md",
                file=display_path(dimension_dir),
            )
            continue
        content = read_content_file(dimension_file, problems)
        if content is None or not expect_type(content, "dimension", problems):
            continue
        code = content.meta.get("criterion")
        criterion = framework.criteria.filter(code=code).first()
        if criterion is None:
            problems.add(
                f"unknown criterion {code!r} in {framework}",
                file=content.label,
            )
            continue
        dimension = DimensionPlan(
            source=content,
            title=inline_text(str(content.meta.get("title") or criterion.name)),
            slug=slugify(dimension_dir.name),
            summary=read_summary(content, problems),
            fields={"intro": markdown_to_html(content.body)},
            criterion=criterion,
        )
        for path in sorted(dimension_dir.glob("*.md")):
            if path.name.startswith("_"):
                continue
            guide_file = read_content_file(path, problems)
            if guide_file is None:
                continue
            guide = _read_guide(guide_file, framework, criterion, seen, problems)
            if guide is not None:
                dimension.guides.append(guide)
        dimension.guides.sort(key=lambda g: g.fields["indicator"].order)
        dimensions.append(dimension)
    plan.dimensions = sorted(dimensions, key=lambda d: d.criterion.order)
    _check_unique_slugs(plan.sections + plan.dimensions, problems)
    for dimension in plan.dimensions:
        _check_unique_slugs(dimension.guides, problems)
    check_limits(plan, ToolkitPage, problems)
    for section in plan.sections:
        check_limits(section, ToolkitSectionPage, problems)
    for dimension in plan.dimensions:
        check_limits(dimension, DimensionPage, problems)
        for guide in dimension.guides:
            check_limits(guide, IndicatorGuidePage, problems)
    plan.missing_indicators = list(
        Indicator.objects.filter(framework=framework)
        .exclude(pk__in=seen)
        .order_by("criterion__order", "order")
    )
    return plan


def _check_unique_slugs(siblings: list[PagePlan], problems: Problems) -> None:
    """Pages under one parent need distinct slugs (their URLs)."""
    seen: dict[str, str] = {}
    for item in siblings:
        if item.slug in seen:
            problems.add(
                f"its URL slug '{item.slug}' is already used by "
                f"{seen[item.slug]}; rename one of the files",
                file=item.source.label,
            )
        seen.setdefault(item.slug, item.source.label)


def read_content(content_dir: Path = CONTENT_DIR) -> list[ToolkitPlan]:
    """Every toolkit folder, validated; raises ImportProblems listing all problems."""
    problems = Problems()
    if not content_dir.is_dir():
        problems.add("no such folder", file=display_path(content_dir))
        problems.raise_if_any()
    # translations/ holds other languages' versions of these files, not a toolkit.
    plans = [
        plan
        for folder in sorted(p for p in content_dir.iterdir() if p.is_dir())
        if folder.name != TRANSLATIONS_DIR and (plan := read_toolkit(folder, problems)) is not None
    ]
    problems.raise_if_any()
    return plans
