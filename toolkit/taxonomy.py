"""Reads toolkit/data/frameworks.yaml into plain records and validates all of it before
anything is written. The file mixes several shapes (LOSI 2022 keeps only the verified
participation indicators, LOSI 2024 one code per indicator, OSI several question codes per
toolkit entry), so each framework has its own reader; all of them yield the same records.

Every problem is collected with the path of the entry it concerns, so an editor fixing the
file sees all of them at once; every string is checked against the model field it goes into,
with the limit read from the model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.utils.text import slugify

from cms.imports import Problems, display_path, max_length_problems, read_text_file
from toolkit.models import Criterion, Framework, Indicator, LevelBand, SustainableDevelopmentGoal

DATA_DIR = Path(__file__).resolve().parent / "data"
FRAMEWORKS_FILE = DATA_DIR / "frameworks.yaml"
SDGS_FILE = DATA_DIR / "sdgs.yaml"

# Short codes of the dimensions, as printed in the published LOSI/OSI results tables
# (IF, CP, SP, EPI, TEC). The LOSI toolkit's participation module keeps its 2022 name,
# "Participation and engagement" (PE); E-Government Literacy is a toolkit-only module (EGL).
CRITERION_CODES = {
    "institutional framework": "IF",
    "content provision": "CP",
    "services provision": "SP",
    "participation and engagement": "PE",
    "e-participation": "EPI",
    "e-participation (e-participation index)": "EPI",
    "technology": "TEC",
    "e-government literacy": "EGL",
}
UNSCORED_CRITERIA = {"EGL"}
CONFIDENCE_LEVELS = ("high", "medium", "low", "n/a")


@dataclass
class CriterionRecord:
    code: str
    name: str
    slug: str
    order: int
    description: str = ""
    is_scored: bool = True
    expected_indicator_count: int | None = None
    source: list = field(default_factory=list)
    confidence: str = "medium"
    confidence_detail: str = ""


@dataclass
class IndicatorRecord:
    criterion_code: str
    key: str
    code: str
    question_codes: list
    name: str
    description: str
    order: int
    answer_type: str = ""
    scoring: str = ""
    source: list = field(default_factory=list)
    confidence: str = "medium"
    confidence_detail: str = ""
    notes: dict = field(default_factory=dict)


@dataclass
class LevelBandRecord:
    name: str
    lower_bound: Decimal
    upper_bound: Decimal
    range_label: str
    order: int
    source: list = field(default_factory=list)
    confidence: str = "medium"
    confidence_detail: str = ""


@dataclass
class FrameworkRecord:
    key: str
    name: str
    short_name: str
    level: str
    used_in: str
    order: int
    description: str = ""
    is_reference_only: bool = False
    details: dict = field(default_factory=dict)
    criteria: list[CriterionRecord] = field(default_factory=list)
    indicators: list[IndicatorRecord] = field(default_factory=list)
    level_bands: list[LevelBandRecord] = field(default_factory=list)


@dataclass
class SdgRecord:
    number: int
    name: str


@dataclass
class Taxonomy:
    frameworks: list[FrameworkRecord]
    sdgs: list[SdgRecord]


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_confidence(raw) -> tuple[str, str]:
    """'high', or 'high (name, percentage); medium (2024 code mapping)': the level is the
    first word; the full wording is kept when it says more than the level."""
    text = str(raw).strip()
    first = text.split(" ", 1)[0].split("(", 1)[0].strip().lower().rstrip(";,")
    level = first if first in CONFIDENCE_LEVELS else ""
    detail = "" if text.lower() == level else text
    return level, detail


def criterion_code(name: str) -> str | None:
    return CRITERION_CODES.get(name.strip().lower())


def parse_range(label: str) -> tuple[Decimal, Decimal] | None:
    """'> 0.75' -> (0.75, 1); '0.50 - 0.75' -> (0.50, 0.75); '< 0.25' -> (0, 0.25)."""
    text = label.strip()
    if match := re.fullmatch(r">\s*([0-9.]+)", text):
        return Decimal(match[1]), Decimal("1")
    if match := re.fullmatch(r"<\s*([0-9.]+)", text):
        return Decimal("0"), Decimal(match[1])
    if match := re.fullmatch(r"([0-9.]+)\s*-\s*([0-9.]+)", text):
        return Decimal(match[1]), Decimal(match[2])
    return None


class _Reader:
    """Collects problems while walking the file; each helper names the entry's path."""

    def __init__(self, source_name: str, problems: Problems | None = None):
        self.source_name = source_name
        self.problems = (Problems() if problems is None else problems).at(file=source_name)

    def problem(self, where: str, message: str) -> None:
        self.problems.add(message, element=where)

    def limited(self, model, where: str, record):
        """The record, after checking each string against the model field of its name."""
        values = {name: getattr(record, name) for name in vars(record)}
        for name, value in values.items():
            if (model, name) in TEXT_FIELDS and not isinstance(value, str):
                self.problems.add(
                    f"expected text, not a {type(value).__name__}", element=where, field=name
                )
        for name, message in max_length_problems(model, values).items():
            self.problems.add(message, element=where, field=name)
        return record

    def require(self, entry: dict, where: str, *names: str) -> bool:
        if not isinstance(entry, dict):
            self.problem(where, "expected a mapping")
            return False
        missing = [name for name in names if name not in entry or entry[name] in (None, "", [])]
        for name in missing:
            self.problem(where, f"missing field '{name}'")
        return not missing

    def confidence(self, raw, where: str) -> tuple[str, str]:
        level, detail = parse_confidence(raw)
        if not level:
            self.problem(where, f"unknown confidence {raw!r} (expected high, medium or low)")
        return level or "medium", detail

    def level_bands(self, entries, where: str, name_key: str, default_confidence=None) -> list:
        bands = []
        for index, entry in enumerate(as_list(entries)):
            here = f"{where}[{index}]"
            if not self.require(entry, here, name_key, "range"):
                continue
            bounds = parse_range(str(entry["range"]))
            if bounds is None:
                self.problem(here, f"cannot read range {entry['range']!r}")
                continue
            confidence, detail = self.confidence(
                entry.get("confidence", default_confidence or "medium"), here
            )
            bands.append(
                self.limited(
                    LevelBand,
                    here,
                    LevelBandRecord(
                        name=str(entry[name_key]),
                        lower_bound=bounds[0],
                        upper_bound=bounds[1],
                        range_label=str(entry["range"]),
                        order=index,
                        source=as_list(entry.get("source")),
                        confidence=confidence,
                        confidence_detail=detail,
                    ),
                )
            )
        return bands

    def criteria_from_counts(self, counts, where: str, descriptions: dict) -> list:
        """Toolkit modules in the file's order, e.g. toolkit_by_module: {Content Provision: 30}."""
        if not isinstance(counts, dict) or not counts:
            self.problem(where, "missing the list of toolkit modules and their counts")
            return []
        records = []
        for order, (name, count) in enumerate(counts.items()):
            code = criterion_code(name)
            if code is None:
                self.problem(f"{where}.{name}", f"unknown criterion {name!r}")
                continue
            records.append(
                self.limited(
                    Criterion,
                    f"{where}.{name}",
                    CriterionRecord(
                        code=code,
                        name=name,
                        slug=slugify(name),
                        order=order,
                        description=descriptions.get(code, ""),
                        is_scored=code not in UNSCORED_CRITERIA,
                        expected_indicator_count=count if isinstance(count, int) else None,
                    ),
                )
            )
        return records

    def check_duplicates(self, records: list[IndicatorRecord], where: str, scope: str) -> None:
        """`scope` is 'framework' where question codes are unique in the whole framework
        (LOSI) and 'criterion' where a code may be listed under two modules (OSI #014,
        #117, as the file's notes say)."""
        seen_keys: dict[str, int] = {}
        seen_codes: dict[tuple, int] = {}
        for position, record in enumerate(records):
            here = f"{where}[{position}] ({record.name!r})"
            if record.key in seen_keys:
                self.problem(
                    here, f"duplicate key {record.key!r} (also indicators[{seen_keys[record.key]}])"
                )
            seen_keys.setdefault(record.key, position)
            if not record.code:
                continue
            bucket = (
                (record.code,) if scope == "framework" else (record.criterion_code, record.code)
            )
            if bucket in seen_codes:
                self.problem(
                    here,
                    f"duplicate code {record.code} (also indicators[{seen_codes[bucket]}])",
                )
            seen_codes.setdefault(bucket, position)


CODE_PATTERN = re.compile(r"^#\d{3}[a-z]?$")


def _indicator_key(criterion: str, code: str, name: str) -> str:
    suffix = code.lstrip("#").lower() if code else slugify(name)
    return f"{criterion.lower()}-{suffix}"


def _framework_record(reader, where: str, data: dict, detail_keys=(), **fields) -> FrameworkRecord:
    """A framework's record from its entry: its name and use from the file, the entry's
    `detail_keys` kept as details (with any `details` given), checked against the model."""
    details = {key: data[key] for key in detail_keys if key in data}
    details.update(fields.pop("details", {}))
    fields.setdefault("used_in", data.get("used_in", ""))
    record = FrameworkRecord(name=data.get("name", ""), details=details, **fields)
    return reader.limited(Framework, where, record)


def _read_losi_2022(reader: _Reader, data: dict, order: int) -> tuple[FrameworkRecord, dict]:
    where = "frameworks.losi_2022"
    reader.require(data, where, "name", "criteria")
    descriptions = {}
    criteria = []
    for index, entry in enumerate(as_list(data.get("criteria"))):
        here = f"{where}.criteria[{index}]"
        if not reader.require(entry, here, "name"):
            continue
        code = criterion_code(entry["name"])
        if code is None:
            reader.problem(here, f"unknown criterion {entry['name']!r}")
            continue
        confidence, detail = reader.confidence(entry.get("confidence", "medium"), here)
        descriptions[code] = entry.get("description", "")
        criteria.append(
            reader.limited(
                Criterion,
                here,
                CriterionRecord(
                    code=code,
                    name=entry["name"],
                    slug=slugify(entry["name"]),
                    order=index,
                    description=entry.get("description", ""),
                    expected_indicator_count=entry.get("indicator_count"),
                    source=as_list(entry.get("source")),
                    confidence=confidence,
                    confidence_detail=detail,
                ),
            )
        )
    indicator_groups = data.get("indicators") or {}
    verified = indicator_groups.get("participation_and_engagement_verified") or []
    indicators = []
    for index, entry in enumerate(verified):
        here = f"{where}.indicators.participation_and_engagement_verified[{index}]"
        if not reader.require(entry, here, "name", "description", "source", "confidence"):
            continue
        confidence, detail = reader.confidence(entry["confidence"], here)
        notes = {
            key: entry[key]
            for key in ("likely_2024_code", "share_of_146_cities_meeting_it_pct")
            if key in entry
        }
        indicators.append(
            reader.limited(
                Indicator,
                here,
                IndicatorRecord(
                    criterion_code="PE",
                    key=_indicator_key("PE", "", entry["name"]),
                    code="",
                    question_codes=[],
                    name=entry["name"],
                    description=entry["description"],
                    order=index,
                    answer_type="binary",
                    source=as_list(entry["source"]),
                    confidence=confidence,
                    confidence_detail=detail,
                    notes=notes,
                ),
            )
        )
    reader.check_duplicates(indicators, f"{where}.indicators", "framework")
    groups = {
        name: indicator_groups.get(name) for name in ("other_criteria", "numbering_hypothesis")
    }
    record = _framework_record(
        reader,
        where,
        data,
        ("owner", "coverage", "indicator_count", "methodology_changes_vs_2020"),
        details=groups,
        key="losi_2022",
        short_name="LOSI 2022",
        level="local",
        order=order,
        is_reference_only=True,
        criteria=criteria,
        indicators=indicators,
    )
    return record, descriptions


def _read_toolkit_indicators(
    reader: _Reader,
    entries,
    where: str,
    criteria: list[CriterionRecord],
    codes_field: str,
    scope: str,
    extra_note_fields: tuple[str, ...],
) -> list[IndicatorRecord]:
    known = {criterion.name.lower(): criterion.code for criterion in criteria}
    per_criterion_order: dict[str, int] = {}
    records = []
    if not isinstance(entries, list) or not entries:
        reader.problem(where, "missing the list of indicators")
        return records
    for index, entry in enumerate(entries):
        label = entry.get("name") if isinstance(entry, dict) else None
        here = f"{where}[{index}]" + (f" ({label!r})" if label else "")
        if not reader.require(
            entry, here, "name", "toolkit_module", "description", "source", "confidence"
        ):
            continue
        if codes_field not in entry:
            reader.problem(here, f"missing field '{codes_field}'")
            continue
        module = str(entry["toolkit_module"])
        code_of_criterion = known.get(module.lower())
        if code_of_criterion is None:
            reader.problem(here, f"unknown criterion {module!r}")
            continue
        codes = [c for c in as_list(entry[codes_field]) if c is not None]
        if codes_field == "codes" and not codes:
            reader.problem(here, "missing field 'codes'")
            continue
        bad = [c for c in codes if not CODE_PATTERN.match(str(c))]
        if bad:
            reader.problem(here, f"malformed code {bad[0]!r} (expected e.g. '#281' or '#269a')")
            continue
        primary = str(codes[0]) if codes else ""
        confidence, detail = reader.confidence(entry["confidence"], here)
        order = per_criterion_order.get(code_of_criterion, 0)
        per_criterion_order[code_of_criterion] = order + 1
        notes = {key: entry[key] for key in extra_note_fields if key in entry}
        records.append(
            reader.limited(
                Indicator,
                here,
                IndicatorRecord(
                    criterion_code=code_of_criterion,
                    key=_indicator_key(code_of_criterion, primary, entry["name"]),
                    code=primary,
                    question_codes=[str(c) for c in codes],
                    name=entry["name"],
                    description=entry["description"],
                    order=order,
                    answer_type=str(entry.get("answer_type", "binary")),
                    scoring=str(entry.get("scoring", "")),
                    source=as_list(entry["source"]),
                    confidence=confidence,
                    confidence_detail=detail,
                    notes=notes,
                ),
            )
        )
    reader.check_duplicates(records, where, scope)
    return records


def _read_losi_2024(reader, data, order, descriptions_2022, level_bands) -> FrameworkRecord:
    where = "frameworks.losi_2024"
    reader.require(data, where, "name", "indicator_count", "indicators")
    counts = (data.get("indicator_count") or {}).get("toolkit_by_module")
    criteria = reader.criteria_from_counts(
        counts, f"{where}.indicator_count.toolkit_by_module", descriptions_2022
    )
    indicators = _read_toolkit_indicators(
        reader,
        data.get("indicators"),
        f"{where}.indicators",
        criteria,
        codes_field="code",
        scope="framework",
        extra_note_fields=(
            "official_criterion_2024",
            "in_losi_2022",
            "code_note",
            "note_2022",
            "name_in_survey_2022_fig_3_10",
            "name_corroborated_by",
            "share_of_146_cities_meeting_it_2022_pct",
        ),
    )
    return _framework_record(
        reader,
        where,
        data,
        (
            "published_criteria",
            "answer_to_brief_question_renamed_or_added_criteria",
            "indicator_count",
            "code_gaps",
        ),
        key="losi_2024",
        short_name="LOSI 2024",
        level="local",
        order=order,
        criteria=criteria,
        indicators=indicators,
        level_bands=level_bands,
    )


def _read_osi(reader, data, order) -> FrameworkRecord:
    where = "frameworks.osi_national"
    reader.require(data, where, "name", "subindices", "indicator_count", "indicators")
    counts = (data.get("indicator_count") or {}).get("toolkit_entries_by_module")
    criteria = reader.criteria_from_counts(
        counts, f"{where}.indicator_count.toolkit_entries_by_module", {}
    )
    by_code = {criterion.code: criterion for criterion in criteria}
    for index, entry in enumerate(as_list(data.get("subindices"))):
        here = f"{where}.subindices[{index}]"
        if not reader.require(entry, here, "code", "name"):
            continue
        criterion = by_code.get(entry["code"])
        if criterion is None:
            reader.problem(here, f"unknown criterion {entry['code']!r}")
            continue
        criterion.source = as_list(entry.get("source"))
        criterion.confidence, criterion.confidence_detail = reader.confidence(
            entry.get("confidence", "medium"), here
        )
    indicators = _read_toolkit_indicators(
        reader,
        data.get("indicators"),
        f"{where}.indicators",
        criteria,
        codes_field="codes",
        scope="criterion",
        extra_note_fields=("osi_subindex", "sectors_in_code_order", "note", "code_note"),
    )
    return _framework_record(
        reader,
        where,
        data,
        (
            "subindices_note",
            "subindex_weights",
            "assessment_process",
            "code_system_note",
            "indicator_count",
        ),
        key="osi_national",
        short_name="OSI 2024",
        level="national",
        order=order,
        criteria=criteria,
        indicators=indicators,
    )


def _read_index(reader, key, data, order, short_name, level_bands) -> FrameworkRecord:
    reader.require(data, f"frameworks.{key}", "name")
    return _framework_record(
        reader,
        f"frameworks.{key}",
        data,
        [name for name in data if name not in ("name", "level_groups")],
        key=key,
        short_name=short_name,
        level="national",
        used_in="",
        order=order,
        description=str(data.get("formula") or data.get("role") or ""),
        is_reference_only=True,
        level_bands=level_bands,
    )


# Text columns of the taxonomy models, to refuse a list or a number where text belongs.
TEXT_FIELDS = {
    (model, field.name)
    for model in (Framework, Criterion, Indicator, LevelBand, SustainableDevelopmentGoal)
    for field in model._meta.concrete_fields
    if field.get_internal_type() in ("CharField", "SlugField", "TextField")
}

KNOWN_FRAMEWORKS = ("losi_2022", "losi_2024", "osi_national", "egdi", "e_participation_index")


def _load_yaml(text: str, problems: Problems):
    """The parsed document, or None with the problem (and its line) recorded."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(f"not valid YAML ({exc})", line=mark.line + 1 if mark else None)
    except RecursionError:
        problems.add("not readable: values are nested too deeply")
    return None


def parse_taxonomy(
    text: str, source_name: str, sdg_text: str, sdg_source_name: str = ""
) -> Taxonomy:
    """Parse and validate both files; raise ImportProblems listing every problem."""
    reader = _Reader(source_name)
    data = _load_yaml(text, reader.problems)
    reader.problems.raise_if_any()
    if not isinstance(data, dict) or not isinstance(data.get("frameworks"), dict):
        reader.problem("top level", "missing 'frameworks' mapping")
        reader.problems.raise_if_any()
    frameworks_data = data["frameworks"]
    unknown = sorted(set(frameworks_data) - set(KNOWN_FRAMEWORKS))
    for key in unknown:
        reader.problem(f"frameworks.{key}", "unknown framework (no reader for its shape)")
    missing = [key for key in KNOWN_FRAMEWORKS if key not in frameworks_data]
    for key in missing:
        reader.problem(f"frameworks.{key}", "missing framework")
    if missing:
        reader.problems.raise_if_any()

    losi_scoring = (data.get("scoring") or {}).get("losi") or {}
    losi_bands = reader.level_bands(
        losi_scoring.get("level_bands"), "scoring.losi.level_bands", "level"
    )
    egdi = frameworks_data["egdi"]
    egdi_bands = reader.level_bands(
        egdi.get("level_groups"),
        "frameworks.egdi.level_groups",
        "group",
        default_confidence=egdi.get("level_groups_confidence"),
    )
    for band in egdi_bands:
        band.source = as_list(egdi.get("level_groups_source"))

    losi_2022, descriptions = _read_losi_2022(reader, frameworks_data["losi_2022"], 2)
    losi_2022.level_bands = [LevelBandRecord(**vars(band)) for band in losi_bands]
    losi_2022.details["scoring"] = losi_scoring
    losi_2024 = _read_losi_2024(reader, frameworks_data["losi_2024"], 0, descriptions, losi_bands)
    losi_2024.details["scoring"] = losi_scoring
    osi = _read_osi(reader, frameworks_data["osi_national"], 1)
    osi.details["scoring"] = (data.get("scoring") or {}).get("osi")
    frameworks = [
        losi_2024,
        osi,
        losi_2022,
        _read_index(reader, "egdi", egdi, 3, "EGDI", egdi_bands),
        _read_index(
            reader, "e_participation_index", frameworks_data["e_participation_index"], 4, "EPI", []
        ),
    ]
    sdgs = _parse_sdgs(reader, sdg_text, sdg_source_name or display_path(SDGS_FILE))
    reader.problems.raise_if_any()
    return Taxonomy(frameworks=frameworks, sdgs=sdgs)


def _parse_sdgs(reader: _Reader, text: str, source_name: str) -> list[SdgRecord]:
    sdg_reader = _Reader(source_name, reader.problems)
    data = _load_yaml(text, sdg_reader.problems)
    goals = data.get("goals") if isinstance(data, dict) else None
    if not isinstance(goals, list):
        sdg_reader.problem("goals", "missing the list of goals")
        return []
    records = []
    for index, goal in enumerate(goals):
        extra = set(goal) - {"number", "name"} if isinstance(goal, dict) else set()
        if extra:
            sdg_reader.problem(f"goals[{index}]", f"unexpected field(s) {sorted(map(str, extra))}")
        if not sdg_reader.require(goal, f"goals[{index}]", "number", "name"):
            continue
        if not isinstance(goal["number"], int):
            sdg_reader.problem(f"goals[{index}]", f"{goal['number']!r} is not a whole number")
        else:
            records.append(
                sdg_reader.limited(
                    SustainableDevelopmentGoal,
                    f"goals[{index}]",
                    SdgRecord(number=int(goal["number"]), name=str(goal["name"])),
                )
            )
    if sorted(record.number for record in records) != list(range(1, 18)):
        sdg_reader.problem("goals", "must list each of the 17 goals exactly once")
    return records


def read_taxonomy(path: Path = FRAMEWORKS_FILE, sdg_path: Path = SDGS_FILE) -> Taxonomy:
    problems = Problems()
    text = read_text_file(Path(path), problems)
    sdg_text = read_text_file(Path(sdg_path), problems)
    problems.raise_if_any()
    return parse_taxonomy(text, display_path(path), sdg_text, display_path(sdg_path))
