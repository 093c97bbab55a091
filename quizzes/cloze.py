"""Moodle's embedded-answers (cloze, "multianswer") syntax, read and written.

    The capital of France is {1:SHORTANSWER:=Paris#Right~%50%Lyon#A big city, not the capital}.

A part is `{weight:TYPE:answers}`; answers are separated by `~`, each optionally starting with
`=` (full marks) or `%n%` (n percent), then the answer, then `#feedback`. NUMERICAL answers
are `value:tolerance`. `\\}`, `\\#`, `\\~`, `\\/`, `\\"` and `\\\\` escape those characters.
Types and their short names follow Moodle's documentation; the display variants of multiple
choice (dropdown, vertical, horizontal, shuffled) are kept so an export gives them back.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from quizzes.formats import read_number
from quizzes.grading import MULTIPLE, NUMERICAL, SHORT_ANSWER, SINGLE

TYPES = {
    "SHORTANSWER": (SHORT_ANSWER, {"case_sensitive": False}),
    "SA": (SHORT_ANSWER, {"case_sensitive": False}),
    "MW": (SHORT_ANSWER, {"case_sensitive": False}),
    "SHORTANSWER_C": (SHORT_ANSWER, {"case_sensitive": True}),
    "SAC": (SHORT_ANSWER, {"case_sensitive": True}),
    "MWC": (SHORT_ANSWER, {"case_sensitive": True}),
    "NUMERICAL": (NUMERICAL, {}),
    "NM": (NUMERICAL, {}),
    "MULTICHOICE": (SINGLE, {"display": "dropdown"}),
    "MC": (SINGLE, {"display": "dropdown"}),
    "MULTICHOICE_V": (SINGLE, {"display": "vertical"}),
    "MCV": (SINGLE, {"display": "vertical"}),
    "MULTICHOICE_H": (SINGLE, {"display": "horizontal"}),
    "MCH": (SINGLE, {"display": "horizontal"}),
    "MULTICHOICE_S": (SINGLE, {"display": "dropdown", "shuffle": True}),
    "MCS": (SINGLE, {"display": "dropdown", "shuffle": True}),
    "MULTICHOICE_VS": (SINGLE, {"display": "vertical", "shuffle": True}),
    "MCVS": (SINGLE, {"display": "vertical", "shuffle": True}),
    "MULTICHOICE_HS": (SINGLE, {"display": "horizontal", "shuffle": True}),
    "MCHS": (SINGLE, {"display": "horizontal", "shuffle": True}),
    "MULTIRESPONSE": (MULTIPLE, {"display": "vertical"}),
    "MR": (MULTIPLE, {"display": "vertical"}),
    "MULTIRESPONSE_H": (MULTIPLE, {"display": "horizontal"}),
    "MRH": (MULTIPLE, {"display": "horizontal"}),
    "MULTIRESPONSE_S": (MULTIPLE, {"display": "vertical", "shuffle": True}),
    "MRS": (MULTIPLE, {"display": "vertical", "shuffle": True}),
    "MULTIRESPONSE_HS": (MULTIPLE, {"display": "horizontal", "shuffle": True}),
    "MRHS": (MULTIPLE, {"display": "horizontal", "shuffle": True}),
}
# A part: an opening brace, then the weight (optional) and a known type name, then the answers
# up to the first unescaped closing brace.
PART = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")
ESCAPED = re.compile(r"\\(.)")
SPECIAL = '}#~/"\\'


class ClozeError(ValueError):
    """A malformed embedded answer; the message says which part and why."""


def unescape(text: str) -> str:
    return ESCAPED.sub(lambda m: m[1], text)


def escape(text: str) -> str:
    return "".join("\\" + c if c in SPECIAL else c for c in str(text))


def split_unescaped(text: str, separator: str) -> list[str]:
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def _answer(raw: str, number: int, index: int, kind: str) -> dict:
    fraction = 0.0
    raw = raw.strip()
    if raw.startswith("="):
        fraction, raw = 1.0, raw[1:]
    else:
        match = re.match(r"^%(-?\d+(?:\.\d+)?)%", raw)
        if match:
            fraction, raw = float(match[1]) / 100, raw[match.end() :]
    text, *feedback = split_unescaped(raw, "#")
    answer = {
        "id": f"{number}.{index}",
        "text": unescape(text).strip(),
        "fraction": fraction,
        "feedback": unescape("#".join(feedback)).strip(),
    }
    if kind == NUMERICAL:
        value, _sep, tolerance = answer["text"].partition(":")
        answer["text"] = value.strip()
        answer["tolerance"] = _tolerance(answer["text"], tolerance.strip(), number)
    return answer


def _tolerance(value: str, tolerance: str, number: int) -> float:
    """A NUMERICAL answer's tolerance (0 when none), once its value is checked to be a finite
    number (or `*`, any number); ClozeError naming the part otherwise."""
    try:
        if value != "*":
            read_number(value)
    except ValueError as exc:
        raise ClozeError(
            # Translators: %(answer)s is the answer as the text writes it, in quotes.
            _("part %(number)s: %(answer)s is not a number")
            % {"number": number, "answer": repr(value)}
        ) from exc
    try:
        return read_number(tolerance, default=0.0)
    except ValueError as exc:
        raise ClozeError(
            # Translators: the tolerance follows the answer after a colon (=5:0.5); both are
            # quoted as the text writes them.
            _("part %(number)s: the tolerance %(tolerance)s of %(answer)s is not a number")
            % {"number": number, "tolerance": repr(tolerance), "answer": repr(value)}
        ) from exc


def parse(text: str) -> tuple[str, list[dict]]:
    """The question text with each part replaced by `{#n}`, and the parts (graded by
    `quizzes.grading`). Raises ClozeError naming the part for anything Moodle would refuse."""
    parts: list[dict] = []

    def replace(match: re.Match) -> str:
        number = len(parts) + 1
        weight, name, body = match[1], match[2], match[3]
        if name not in TYPES:
            raise ClozeError(
                # Translators: %(number)s counts the embedded answers of the text from 1;
                # %(type)s is the Moodle type name the text writes (SHORTANSWER...), in quotes.
                _("part %(number)s: unknown type %(type)s") % {"number": number, "type": repr(name)}
            )
        kind, options = TYPES[name]
        answers = [
            _answer(raw, number, index, kind)
            for index, raw in enumerate(split_unescaped(body, "~"), start=1)
            if raw.strip()
        ]
        if not answers:
            raise ClozeError(_("part %(number)s: no answer") % {"number": number})
        if not any(answer["fraction"] > 0 for answer in answers):
            raise ClozeError(
                # Translators: = and %%n%% (shown as %n%) are Moodle syntax, written as they are.
                _("part %(number)s: no answer gives marks (start one with = or %%n%%)")
                % {"number": number}
            )
        parts.append(
            {
                "type": kind,
                "name": name,
                "weight": int(weight or 1),
                "choices": answers,
                "options": dict(options),
            }
        )
        return "{#" + str(number) + "}"

    template = PART.sub(replace, text)
    if not parts:
        # Translators: {1:SHORTANSWER:=answer} is Moodle syntax, written as it is.
        raise ClozeError(_("no embedded answer ({1:SHORTANSWER:=answer} and the like)"))
    return template, parts


def unparse(template: str, parts: list[dict]) -> str:
    """The Moodle syntax again, from `parse`'s result (for exports and the round trip)."""

    def answer(choice: dict, kind: str) -> str:
        fraction = choice["fraction"]
        prefix = "=" if fraction >= 1 else f"%{round(fraction * 100, 5):g}%" if fraction else ""
        text = escape(choice["text"])
        if kind == NUMERICAL and choice["text"] != "*":
            text = f"{choice['text']}:{choice.get('tolerance', 0):g}"
        feedback = f"#{escape(choice['feedback'])}" if choice.get("feedback") else ""
        return prefix + text + feedback

    def replace(match: re.Match) -> str:
        part = parts[int(match[1]) - 1]
        body = "~".join(answer(choice, part["type"]) for choice in part["choices"])
        return "{" + f"{part['weight']}:{part['name']}:{body}" + "}"

    return re.sub(r"\{#(\d+)\}", replace, template)
