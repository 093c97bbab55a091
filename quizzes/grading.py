"""Server-side grading of every question type, on a question version's frozen data (a plain
dict, see `quizzes.models.Question.snapshot`), so a grade never depends on later edits.

Scores follow Moodle's rules: a choice carries a fraction of the question's points (negative
fractions are penalties for wrong choices in multiple choice); a question's fraction is kept
between 0 and 1. Every function is pure: data and response in, `Grade` out.

Response shapes (what the attempt form posts, normalised by `quizzes.responses`):
- single: a choice id; multiple: a list of choice ids; truefalse: "true" or "false";
- shortanswer, numerical: the text typed;
- matching: {prompt choice id: the answer text chosen};
- ordering: the choice ids in the learner's order;
- cloze: {part number as text: that part's response, in the shapes above}.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "truefalse"
SHORT_ANSWER, NUMERICAL, MATCHING, ORDERING, CLOZE = (
    "shortanswer",
    "numerical",
    "matching",
    "ordering",
    "cloze",
)
TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, SHORT_ANSWER, NUMERICAL, MATCHING, ORDERING, CLOZE)
NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


@dataclass
class Grade:
    fraction: float  # 0..1 of the question's points
    feedback: list[str] = field(default_factory=list)  # feedback of the choices that applied
    parts: list[float] = field(default_factory=list)  # per part (cloze, matching, ordering)
    answered: bool = True

    @property
    def correct(self) -> bool:
        return self.fraction >= 0.999_999

    @property
    def state(self) -> str:
        if not self.answered:
            return "unanswered"
        if self.correct:
            return "correct"
        return "partial" if self.fraction > 0 else "incorrect"


def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def fold(text: str, case_sensitive: bool = False, accent_sensitive: bool = True) -> str:
    """Text compared as the question asks: spaces collapsed, optionally case and accents
    ignored (NFKD, combining marks removed), so "Données" matches "donnees" when allowed."""
    text = " ".join(unicodedata.normalize("NFC", str(text)).split())
    if not accent_sensitive:
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return text if case_sensitive else text.casefold()


def wildcard_match(pattern: str, answer: str) -> bool:
    """Moodle's short-answer patterns: `*` stands for any characters; `\\*` for a star."""
    parts = re.split(r"(?<!\\)\*", pattern)
    regex = ".*".join(re.escape(part.replace("\\*", "*")) for part in parts)
    return re.fullmatch(regex, answer, flags=re.DOTALL) is not None


def grade_single(data: dict, response) -> Grade:
    choice = next((c for c in data["choices"] if str(c["id"]) == str(response)), None)
    if choice is None:
        return Grade(0.0, answered=False)
    return Grade(clamp(choice["fraction"]), [choice.get("feedback", "")])


def grade_multiple(data: dict, response) -> Grade:
    chosen = {str(item) for item in (response or [])}
    if not chosen:
        return Grade(0.0, answered=False)
    picked = [c for c in data["choices"] if str(c["id"]) in chosen]
    return Grade(clamp(sum(c["fraction"] for c in picked)), [c.get("feedback", "") for c in picked])


def grade_truefalse(data: dict, response) -> Grade:
    if response not in ("true", "false", True, False):
        return Grade(0.0, answered=False)
    said = response in ("true", True)
    correct = bool(data["options"]["correct"])
    feedback = data["options"].get("feedback_true" if said else "feedback_false", "")
    return Grade(1.0 if said == correct else 0.0, [feedback])


def grade_shortanswer(data: dict, response) -> Grade:
    text = str(response or "").strip()
    if not text:
        return Grade(0.0, answered=False)
    options = data.get("options", {})
    case_sensitive = options.get("case_sensitive", False)
    accent_sensitive = options.get("accent_sensitive", True)
    given = fold(text, case_sensitive, accent_sensitive)
    for choice in data["choices"]:  # first matching answer wins, as in Moodle
        pattern = fold(choice["text"], case_sensitive, accent_sensitive)
        if wildcard_match(pattern, given):
            return Grade(clamp(choice["fraction"]), [choice.get("feedback", "")])
    return Grade(0.0)


def parse_number(text: str, units: list[dict]) -> float | None:
    """The number in a response like "12.5", "12,5 km" or "1e3 m", in the question's main unit
    (each unit has a multiplier: value in main unit = typed value / multiplier, as Moodle)."""
    match = NUMBER.match(str(text or ""))
    if not match:
        return None
    try:
        value = float(match[1].replace(",", "."))
    except ValueError:
        return None
    unit = match[2]
    if not unit:
        return value
    for candidate in units:
        if candidate["unit"].strip() == unit:
            multiplier = float(candidate.get("multiplier") or 1)
            return value / multiplier if multiplier else None
    return None


def grade_numerical(data: dict, response) -> Grade:
    text = str(response or "").strip()
    if not text:
        return Grade(0.0, answered=False)
    options = data.get("options", {})
    units = options.get("units", [])
    value = parse_number(text, units)
    if value is None or not math.isfinite(value):
        return Grade(0.0, [options.get("unit_error", "")])
    has_unit = bool(NUMBER.match(text)[2])
    unit_penalty = float(options.get("unit_penalty", 0)) if units and not has_unit else 0.0
    if options.get("unit_required") and units and not has_unit:
        return Grade(0.0)
    for choice in data["choices"]:
        if choice["text"].strip() == "*":  # Moodle's "any other answer"
            return Grade(clamp(choice["fraction"]), [choice.get("feedback", "")])
        try:
            target = float(str(choice["text"]).replace(",", "."))
        except ValueError:
            continue
        tolerance = abs(float(choice.get("tolerance") or 0))
        if abs(value - target) <= tolerance + 1e-12 * max(1.0, abs(target)):
            fraction = clamp(choice["fraction"] - unit_penalty * choice["fraction"])
            return Grade(fraction, [choice.get("feedback", "")])
    return Grade(0.0)


def grade_matching(data: dict, response) -> Grade:
    response = response or {}
    prompts = [c for c in data["choices"] if c.get("prompt")]
    if not prompts:
        return Grade(0.0, answered=False)
    if not any(str(v).strip() for v in response.values()):
        return Grade(0.0, answered=False)
    parts = [
        1.0
        if fold(response.get(str(c["id"]), ""), True) == fold(c["text"], True) and c["text"]
        else 0.0
        for c in prompts
    ]
    return Grade(sum(parts) / len(parts), parts=parts)


def grade_ordering(data: dict, response) -> Grade:
    """Partial credit per item in its right place (Moodle ordering's "absolute position"), or
    all or nothing when the question says so."""
    correct = [str(c["id"]) for c in data["choices"]]
    given = [str(item) for item in (response or [])]
    if not given:
        return Grade(0.0, answered=False)
    if sorted(given) != sorted(correct):
        return Grade(0.0)
    parts = [1.0 if a == b else 0.0 for a, b in zip(given, correct, strict=True)]
    if data.get("options", {}).get("ordering_grading") == "all_or_nothing":
        return Grade(1.0 if all(parts) else 0.0, parts=parts)
    return Grade(sum(parts) / len(parts), parts=parts)


def grade_cloze(data: dict, response) -> Grade:
    """Each embedded part graded by its own type, weighted by its marks, as Moodle's
    multianswer does."""
    response = response or {}
    total_weight = sum(part["weight"] for part in data["parts"]) or 1
    score = 0.0
    parts, feedback = [], []
    answered = False
    for number, part in enumerate(data["parts"], start=1):
        grade = GRADERS[part["type"]](part, response.get(str(number)))
        answered = answered or grade.answered
        parts.append(grade.fraction)
        feedback.extend(grade.feedback)
        score += grade.fraction * part["weight"]
    return Grade(clamp(score / total_weight), feedback, parts, answered)


GRADERS = {
    SINGLE: grade_single,
    MULTIPLE: grade_multiple,
    TRUE_FALSE: grade_truefalse,
    SHORT_ANSWER: grade_shortanswer,
    NUMERICAL: grade_numerical,
    MATCHING: grade_matching,
    ORDERING: grade_ordering,
    CLOZE: grade_cloze,
}


def grade(data: dict, response) -> Grade:
    """Grade one response to one question version."""
    return GRADERS[data["type"]](data, response)
