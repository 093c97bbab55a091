"""Reading and validating compendium cases from CSV, JSON or the shipped Markdown files.

Every source becomes the same rows (one dict per case); each row is validated completely and
every problem is reported with its place (CSV: spreadsheet row, header = row 1; JSON: item
number from 1; Markdown: file path) and field. The rules themselves live beside the model
(best_practices.models.case_rule_errors), shared with CaseStudyPage.clean() and the proposal
form. Nothing is written here: see best_practices.services."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from taggit.models import Tag
from wagtail.models import Page

from best_practices.models import (
    CASE_LANGUAGES,
    CASE_TEXT_SECTIONS,
    REQUIRED_CASE_SECTIONS,
    CaseSource,
    CaseStatus,
    case_rule_errors,
)
from cms.content_files import read_content_file, split_sections
from cms.imports import Problems, display_path, max_length_problems, read_text_file
from cms.sanitize import markdown_to_html, plain_text, restore_formula
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
    *CASE_TEXT_SECTIONS,
]
LIST_COLUMNS = {"indicators", "sdgs", "themes", "sources"}
# Markdown heading -> column, e.g. "What was done" -> what_was_done.
BODY_SECTIONS = {heading: name for name, heading in CASE_TEXT_SECTIONS.items()}
REQUIRED = (
    "slug",
    "title",
    "summary",
    "country",
    "level",
    "year_started",
    "indicators",
    *REQUIRED_CASE_SECTIONS,
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_CODES = {code for code, _ in CASE_LANGUAGES}
# Model field names whose column has another name in the files.
COLUMN_OF_FIELD = {"government_level": "level"}


@dataclass
class CaseRow:
    where: str  # "cases.csv, row 3", for messages
    slug: str
    values: dict
    indicators: list = field(default_factory=list)
    sdgs: list[int] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    body: list[dict] = field(default_factory=list)
    digest: str = ""


@dataclass
class RawRow:
    place: dict  # Problem place: {"file": ..., "row": 3}
    values: object  # a dict when the source is well formed


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return (
            f"a value is longer than {csv.field_size_limit()} characters, far beyond any "
            "field's limit"
        )
    if "unexpected end of data" in text:
        return 'the file ends inside a quoted value (a closing " is missing)'
    return f"not valid CSV ({text})"


def rows_from_csv(text: str, label: str, problems: Problems) -> list[RawRow]:
    """Strict CSV: a quote left open is an error rather than rows merged into one value.
    A leading apostrophe that export_cases put before a formula character is removed."""
    here = problems.at(file=label)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    rows = []
    number = 1
    try:
        header = reader.fieldnames or []
        missing = [column for column in ("slug", "title") if column not in header]
        if missing:
            here.add(f"missing column(s) {', '.join(missing)}", row=1)
        unknown = [column for column in header if column not in COLUMNS]
        if unknown:
            here.add(
                f"unknown column(s) {', '.join(map(repr, unknown))} (expected: "
                f"{', '.join(COLUMNS)})",
                row=1,
            )
        if missing or unknown:
            return rows
        for number, row in enumerate(reader, start=2):
            extra = row.pop(None, None)
            if extra:
                here.add(f"{len(extra)} value(s) more than the header has columns", row=number)
                continue
            values = {
                key: restore_formula(value) if isinstance(value, str) else value
                for key, value in row.items()
            }
            rows.append(RawRow({"file": label, "row": number}, values))
    except csv.Error as exc:
        here.add(_csv_problem(exc), row=number + 1)
    return rows


def rows_from_json(text: str, label: str, problems: Problems) -> list[RawRow]:
    here = problems.at(file=label)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        here.add(f"not valid JSON ({exc.msg})", line=exc.lineno)
        return []
    except RecursionError:
        here.add("not readable: values are nested too deeply")
        return []
    items = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(items, list):
        here.add('expected a list of cases (or {"cases": [...]}) at the top level')
        return []
    return [
        RawRow({"file": label, "item": number}, item) for number, item in enumerate(items, start=1)
    ]


def rows_from_markdown(folder: Path, problems: Problems) -> list[RawRow]:
    rows = []
    for path in sorted(folder.glob("*.md")):
        content = read_content_file(path, problems)
        if content is None:
            continue
        here = problems.at(file=content.label)
        _, sections = split_sections(content.body)
        row = dict(content.meta)
        row["level"] = row.pop("level", row.get("government_level"))
        row.pop("government_level", None)
        for heading, text in sections.items():
            if heading not in BODY_SECTIONS:
                here.add(f"unknown section '## {heading}' (expected: {', '.join(BODY_SECTIONS)})")
                continue
            row[BODY_SECTIONS[heading]] = text
        if row.get("slug") and row["slug"] != path.stem:
            here.add(f"'{row['slug']}' differs from the file name", field="slug")
        rows.append(RawRow({"file": content.label}, row))
    return rows


def read_rows(path: Path, problems: Problems) -> list[RawRow]:
    if path.is_dir():
        return rows_from_markdown(path, problems)
    label = display_path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        problems.add(f"unknown format '{suffix}' (use .csv, .json or a folder of .md)", file=label)
        return []
    text = read_text_file(path, problems, encoding="utf-8-sig")
    if text is None:
        return []
    if suffix == ".csv":
        return rows_from_csv(text, label, problems)
    return rows_from_json(text, label, problems)


def _indicator_lookup() -> dict[str, Indicator]:
    return {
        f"{indicator.framework.key}:{indicator.key}": indicator
        for indicator in Indicator.objects.select_related("framework")
    }


SCALARS = (str, int, float)


class _RowReader:
    """Typed access to one raw row; a value of the wrong shape is a problem, never a crash."""

    def __init__(self, raw: dict, here: Problems):
        self.raw = raw
        self.here = here

    def bad(self, name: str, message: str) -> None:
        self.here.add(message, field=COLUMN_OF_FIELD.get(name, name))

    def text(self, name: str) -> str:
        value = self.raw.get(name)
        if value is None or isinstance(value, bool):
            return "" if value is None else str(value).lower()
        if isinstance(value, SCALARS):
            return str(value)
        self.bad(name, f"expected text, not a {type(value).__name__}")
        return ""

    def items(self, name: str) -> list:
        """A list column: a JSON list of values, or 'a; b; c' in CSV and Markdown."""
        value = self.raw.get(name)
        if value in (None, ""):
            return []
        if isinstance(value, list):
            allowed = (*SCALARS, dict) if name == "sources" else SCALARS
            if all(isinstance(item, allowed) for item in value):
                return value
            self.bad(name, "expected a list of values")
            return []
        if isinstance(value, SCALARS):
            return [part.strip() for part in str(value).split(";") if part.strip()]
        self.bad(name, f"expected a list, not a {type(value).__name__}")
        return []

    def sources(self) -> list[dict]:
        """JSON: [{"title", "url"}]; CSV: 'Title|https://...; Title|https://...'."""
        found = []
        for item in self.items("sources"):
            if isinstance(item, dict):
                title, url = item.get("title", ""), item.get("url", "")
                if not isinstance(title, str) or not isinstance(url, str):
                    self.bad("sources", "a source's title and url must be text")
                    continue
            else:
                title, _, url = str(item).rpartition("|")
            found.append({"title": plain_text(title, multiline=False), "url": url.strip()})
        return found


def validate_rows(raw_rows: list[RawRow], problems: Problems) -> list[CaseRow]:
    """Validate every row, adding each problem with its row and field."""
    indicators = _indicator_lookup()
    url_validator = URLValidator(schemes=["http", "https"])
    slug_limit = Page._meta.get_field("slug").max_length
    seen: dict[str, str] = {}
    rows = []
    for raw_row in raw_rows:
        here = problems.at(**raw_row.place)
        if not isinstance(raw_row.values, dict):
            here.add("expected an object with the case's fields")
            continue
        raw = raw_row.values
        reader = _RowReader(raw, here)
        place = raw_row.place
        where = next(
            (f"{label} {place[label]}" for label in ("row", "item") if label in place),
            place.get("file", ""),
        )

        for name in REQUIRED:
            if raw.get(name) in (None, "", []):
                reader.bad(name, "is required")
        slug = reader.text("slug").strip()
        if len(slug) > slug_limit:
            reader.bad("slug", f"is {len(slug)} characters long; the limit is {slug_limit}")
        elif slug and not SLUG.match(slug):
            reader.bad("slug", f"'{slug}' must be lowercase letters, digits and hyphens")
        if slug and slug in seen:
            reader.bad("slug", f"'{slug}' is also used by {seen[slug]}")
        seen.setdefault(slug, where)

        level = reader.text("level").strip().lower()
        if level and level not in GovernmentLevel.values:
            reader.bad("level", f"'{level}' must be local or national")
        year_text = reader.text("year_started").strip()
        year = None
        if year_text:
            try:
                year = int(year_text)
            except ValueError:
                reader.bad("year_started", f"'{year_text}' is not a year")
        status = (reader.text("status") or CaseStatus.ONGOING).strip().lower()
        if status not in CaseStatus.values:
            reader.bad("status", f"'{status}' must be ongoing or completed")
        language = (reader.text("language") or "en").strip().lower()
        if language not in LANGUAGE_CODES:
            reader.bad("language", f"unsupported language '{language}'")

        values = {
            "title": plain_text(reader.text("title"), multiline=False),
            "summary": plain_text(reader.text("summary")),
            "country": reader.text("country").strip().upper(),
            "city": plain_text(reader.text("city"), multiline=False),
            "government_level": level,
            "year_started": year,
            "status": status,
            "language": language,
            "contact_organisation": plain_text(
                reader.text("contact_organisation"), multiline=False
            ),
        }
        sections = {name: reader.text(name) for name in CASE_TEXT_SECTIONS}
        checked = {**values, **sections}
        if raw.get("title") in (None, "", []):
            checked.pop("title")  # already reported as required
        for name, message in case_rule_errors(checked).items():
            reader.bad(name, str(message))

        chosen = []
        for key in reader.items("indicators"):
            indicator = indicators.get(str(key).strip())
            if indicator is None:
                reader.bad(
                    "indicators",
                    f"unknown indicator '{key}' (use framework:key, e.g. losi_2024:pe-275)",
                )
            else:
                chosen.append(indicator)
        sdgs = []
        for number in reader.items("sdgs"):
            try:
                value = int(number)
            except (TypeError, ValueError):
                value = 0
            if not 1 <= value <= 17:
                reader.bad("sdgs", f"'{number}' is not an SDG number (1-17)")
            else:
                sdgs.append(value)
        sources = reader.sources()
        for source in sources:
            try:
                url_validator(source["url"])
            except ValidationError:
                reader.bad("sources", f"'{source['url'][:100]}' is not an http(s) address")
            if not source["title"]:
                reader.bad("sources", f"the source {source['url'][:100]} needs a title")
            for name, message in max_length_problems(CaseSource, source).items():
                reader.bad("sources", f"a source's {name} {message}")
        themes = []
        for theme in reader.items("themes"):
            name = plain_text(str(theme), multiline=False).lower()
            for message in max_length_problems(Tag, {"name": name}).values():
                reader.bad("themes", f"'{name[:40]}…' {message}")
            themes.append(name)
        body = [
            {"type": name, "value": markdown_to_html(text)}
            for name, text in sections.items()
            if text
        ]
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
    return rows


def read_cases(path: Path) -> list[CaseRow]:
    """Read and validate a whole source; raise ImportProblems listing every problem."""
    problems = Problems()
    raw_rows = read_rows(Path(path), problems)
    problems.raise_if_any()
    rows = validate_rows(raw_rows, problems)
    problems.raise_if_any()
    return rows
