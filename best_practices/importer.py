"""Reading and validating compendium cases from CSV, JSON or the shipped Markdown files.

Every source becomes the same rows (one dict per case); each row is validated completely and
every problem is reported with its row (CSV: spreadsheet row, header = row 1; JSON: item number
from 1; Markdown: file path) and field. Nothing is written here: see best_practices.services."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from best_practices.models import CASE_LANGUAGES, FIRST_YEAR, CaseStatus
from best_practices.regions import area_for
from cms.content_files import ContentError, read_content_file, split_sections
from cms.sanitize import markdown_to_html, plain_text
from toolkit.models import GovernmentLevel, Indicator

CONTENT_DIR = Path(__file__).resolve().parent / "content" / "cases"

# Column order of CSV/JSON files, also the export's.
COLUMNS = [
    "slug",
    "title",
    "summary",
    "country",
    "city",
    "level",
    "year_started",
    "status",
    "language",
    "indicators",
    "sdgs",
    "themes",
    "contact_organisation",
    "sources",
    "context",
    "what_was_done",
    "results",
    "lessons_learned",
]
LIST_COLUMNS = {"indicators", "sdgs", "themes", "sources"}
BODY_SECTIONS = {
    "Context": "context",
    "What was done": "what_was_done",
    "Results": "results",
    "Lessons learned": "lessons_learned",
}
REQUIRED = ("slug", "title", "summary", "country", "level", "year_started", "indicators", "context")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SUMMARY_MAX = 300
LANGUAGE_CODES = {code for code, _ in CASE_LANGUAGES}


@dataclass
class CaseRow:
    where: str  # "row 3", "item 2" or a file path, for messages
    slug: str
    values: dict
    indicators: list = field(default_factory=list)
    sdgs: list[int] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    body: list[dict] = field(default_factory=list)
    digest: str = ""


def _split_list(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _sources(value) -> list:
    """JSON: [{"title", "url"}]; CSV: 'Title|https://...; Title|https://...'."""
    items = []
    for item in _split_list(value):
        if isinstance(item, dict):
            items.append({"title": str(item.get("title", "")), "url": str(item.get("url", ""))})
        else:
            title, _, url = str(item).rpartition("|")
            items.append({"title": title.strip(), "url": url.strip()})
    return items


def rows_from_csv(text: str) -> list[tuple[str, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in ("slug", "title") if column not in (reader.fieldnames or [])]
    if missing:
        raise ContentError([f"header: missing column(s) {', '.join(missing)}"])
    return [(f"row {number}", row) for number, row in enumerate(reader, start=2)]


def rows_from_json(text: str) -> list[tuple[str, dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError([f"line {exc.lineno}: not valid JSON ({exc.msg})"]) from exc
    items = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ContentError(['top level: expected a list of cases (or {"cases": [...]})'])
    return [(f"item {number}", item) for number, item in enumerate(items, start=1)]


def rows_from_markdown(folder: Path) -> list[tuple[str, dict]]:
    problems: list[str] = []
    rows = []
    for path in sorted(folder.glob("*.md")):
        content = read_content_file(path, problems)
        if content is None:
            continue
        _, sections = split_sections(content.body)
        row = dict(content.meta)
        row["level"] = row.pop("level", row.get("government_level"))
        for heading, text in sections.items():
            if heading not in BODY_SECTIONS:
                problems.append(
                    f"{content.label}: unknown section '## {heading}' "
                    f"(expected: {', '.join(BODY_SECTIONS)})"
                )
                continue
            row[BODY_SECTIONS[heading]] = text
        if row.get("slug") and row["slug"] != path.stem:
            problems.append(f"{content.label}: slug '{row['slug']}' differs from the file name")
        rows.append((content.label, row))
    if problems:
        raise ContentError(problems)
    return rows


def read_rows(path: Path) -> list[tuple[str, dict]]:
    if path.is_dir():
        return rows_from_markdown(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ContentError([f"{path}: cannot read ({exc.strerror})"]) from exc
    except UnicodeDecodeError as exc:
        raise ContentError([f"{path}: not UTF-8 text (byte {exc.start})"]) from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return rows_from_csv(text)
    if suffix == ".json":
        return rows_from_json(text)
    raise ContentError([f"{path}: unknown format '{suffix}' (use .csv, .json or a folder of .md)"])


def _indicator_lookup() -> dict[str, Indicator]:
    return {
        f"{indicator.framework.key}:{indicator.key}": indicator
        for indicator in Indicator.objects.select_related("framework")
    }


def validate_rows(raw_rows: list[tuple[str, dict]]) -> list[CaseRow]:
    """Validate every row; raise ContentError naming each row and field at fault."""
    import hashlib

    problems: list[str] = []
    indicators = _indicator_lookup()
    url_validator = URLValidator(schemes=["http", "https"])
    this_year = datetime.date.today().year
    seen: dict[str, str] = {}
    rows = []
    for where, raw in raw_rows:
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected an object with the case's fields")
            continue

        def bad(field_name, message, where=where):
            problems.append(f"{where}, field '{field_name}': {message}")

        for name in REQUIRED:
            if raw.get(name) in (None, "", []):
                bad(name, "is required")
        slug = str(raw.get("slug") or "").strip()
        if slug and not SLUG.match(slug):
            bad("slug", f"'{slug}' must be lowercase letters, digits and hyphens")
        if slug in seen:
            bad("slug", f"'{slug}' is also used by {seen[slug]}")
        seen.setdefault(slug, where)
        title = plain_text(str(raw.get("title") or ""))
        if len(title) > 255:
            bad("title", "is longer than 255 characters")
        summary = plain_text(str(raw.get("summary") or ""))
        if len(summary) > SUMMARY_MAX:
            bad("summary", f"is longer than {SUMMARY_MAX} characters")
        country = str(raw.get("country") or "").strip().upper()
        if country and area_for(country) is None:
            bad("country", f"unknown ISO 3166 country code '{country}'")
        level = str(raw.get("level") or "").strip().lower()
        if level and level not in GovernmentLevel.values:
            bad("level", f"'{level}' must be local or national")
        city = plain_text(str(raw.get("city") or ""))
        if level == GovernmentLevel.LOCAL and not city:
            bad("city", "a local case names its city")
        year = raw.get("year_started")
        try:
            year = int(year) if year not in (None, "") else None
        except (TypeError, ValueError):
            bad("year_started", f"'{year}' is not a year")
            year = None
        if year is not None and not FIRST_YEAR <= year <= this_year + 1:
            bad("year_started", f"{year} is outside {FIRST_YEAR}-{this_year + 1}")
        status = str(raw.get("status") or CaseStatus.ONGOING).strip().lower()
        if status not in CaseStatus.values:
            bad("status", f"'{status}' must be ongoing or completed")
        language = str(raw.get("language") or "en").strip().lower()
        if language not in LANGUAGE_CODES:
            bad("language", f"unsupported language '{language}'")
        chosen = []
        for key in _split_list(raw.get("indicators")):
            indicator = indicators.get(str(key).strip())
            if indicator is None:
                bad(
                    "indicators",
                    f"unknown indicator '{key}' (use framework:key, e.g. losi_2024:pe-275)",
                )
            else:
                chosen.append(indicator)
        sdgs = []
        for number in _split_list(raw.get("sdgs")):
            try:
                value = int(number)
            except (TypeError, ValueError):
                value = 0
            if not 1 <= value <= 17:
                bad("sdgs", f"'{number}' is not an SDG number (1-17)")
            else:
                sdgs.append(value)
        sources = _sources(raw.get("sources"))
        for source in sources:
            try:
                url_validator(source["url"])
            except ValidationError:
                bad("sources", f"'{source['url']}' is not an http(s) address")
            if not source["title"]:
                bad("sources", f"the source {source['url']} needs a title")
        body = [
            {"type": block, "value": markdown_to_html(str(raw[block]))}
            for block in ("context", "what_was_done", "results", "lessons_learned")
            if raw.get(block)
        ]
        themes = [plain_text(str(theme)).lower()[:100] for theme in _split_list(raw.get("themes"))]
        values = {
            "title": title,
            "summary": summary,
            "country": country,
            "city": city,
            "government_level": level,
            "year_started": year,
            "status": status,
            "language": language,
            "contact_organisation": plain_text(str(raw.get("contact_organisation") or ""))[:200],
        }
        canonical = json.dumps(
            [values, [i.pk for i in chosen], sdgs, themes, sources, body],
            sort_keys=True,
            default=str,
        )
        rows.append(
            CaseRow(
                where=where,
                slug=slug,
                values=values,
                indicators=chosen,
                sdgs=sorted(set(sdgs)),
                themes=themes,
                sources=sources,
                body=body,
                digest=hashlib.sha256(canonical.encode()).hexdigest(),
            )
        )
    if problems:
        raise ContentError(problems)
    return rows
