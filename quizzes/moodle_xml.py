"""Moodle XML question files, read and written (https://docs.moodle.org/en/Moodle_XML_format).

Read with defusedxml: a file that declares entities or a DTD (the "billion laughs" bomb,
external entities) is refused, and nothing is fetched from the network. Supported: category
records (nested `$course$/top/...` paths), multichoice (single and multiple, fractions in
percent, penalties), truefalse, shortanswer (`usecase`), numerical (tolerance, units, unit
penalty), matching, ordering (Moodle 4.4's core type; answers in their right order), cloze
(multianswer syntax in the text), general and per-answer feedback, default grade, penalty,
idnumber and tags (indicator tags such as `LOSI-2024:#236`). Embedded files
(`@@PLUGINFILE@@`) are counted and left out for now. Other types (essay, description,
calculated, drag and drop...) are listed by name.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError, SubElement, indent, tostring  # noqa: S405

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from cms.sanitize import markdown_to_html, plain_text, sanitize_html
from quizzes import cloze
from quizzes.formats import ParsedQuestion
from quizzes.grading import (
    CLOZE,
    MATCHING,
    MULTIPLE,
    NUMERICAL,
    ORDERING,
    SHORT_ANSWER,
    SINGLE,
    TRUE_FALSE,
)

TYPE_NAMES = {
    "multichoice": None,  # single or multiple, by <single>
    "truefalse": TRUE_FALSE,
    "shortanswer": SHORT_ANSWER,
    "numerical": NUMERICAL,
    "matching": MATCHING,
    "ordering": ORDERING,
    "cloze": CLOZE,
}
PLUGINFILE = "@@PLUGINFILE@@"


class MoodleXmlError(ValueError):
    def __init__(self, message: str, place: str):
        super().__init__(message)
        self.place = place


def _text(element, path: str = "text", default: str = "") -> str:
    node = element.find(path) if element is not None else None
    return (node.text or "").strip() if node is not None and node.text else default


def _rich(element) -> tuple[str, int]:
    """A text element's HTML, sanitised, and how many embedded files it carried."""
    if element is None:
        return "", 0
    files = len(element.findall("file"))
    html = _text(element)
    if element.get("format") in ("plain_text", "markdown"):
        html = markdown_to_html(html)
    return sanitize_html(html.replace(PLUGINFILE + "/", "")), files


def _fraction(value: str | None, place: str) -> float:
    try:
        return float(value or 0) / 100
    except ValueError as exc:
        raise MoodleXmlError(f"fraction {value!r} is not a number", place) from exc


def _answers(question, place) -> list[dict]:
    answers = []
    for answer in question.findall("answer"):
        feedback, _files = _rich(answer.find("feedback"))
        entry = {
            "text": _text(answer),
            "fraction": _fraction(answer.get("fraction"), place),
            "feedback": feedback,
        }
        if answer.find("tolerance") is not None:
            try:
                entry["tolerance"] = abs(float(_text(answer, "tolerance", "0")))
            except ValueError as exc:
                raise MoodleXmlError("tolerance is not a number", place) from exc
        answers.append(entry)
    return answers


def parse(raw: bytes) -> list[ParsedQuestion]:
    """Every question of the file, in order; raises MoodleXmlError naming the line (for XML
    that does not parse) or the question (for content that makes no sense)."""
    try:
        root = SafeTree.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise MoodleXmlError(
            "the file declares a DTD or entities: refused (XML bombs and external entities "
            "are never read)",
            "line 1",
        ) from exc
    except ParseError as exc:
        line, column = exc.position
        raise MoodleXmlError(
            f"not well-formed XML ({exc.msg if hasattr(exc, 'msg') else exc})",
            f"line {line}, column {column}",
        ) from exc
    if root.tag != "quiz":
        raise MoodleXmlError(f"the root element is <{root.tag}>, not <quiz>", "line 1")
    questions: list[ParsedQuestion] = []
    category = ""
    for number, element in enumerate(root.findall("question"), start=1):
        kind = element.get("type", "")
        place = f"question {number} ({kind or 'no type'})"
        if kind == "category":
            category = _text(element, "category/text")
            category = category.split("$/", 1)[-1] if category.startswith("$") else category
            continue
        name = _text(element, "name/text") or f"Question {number}"
        stem, files = _rich(element.find("questiontext"))
        general, general_files = _rich(element.find("generalfeedback"))
        parsed = ParsedQuestion(
            line=place,
            qtype=kind,
            name=name,
            stem=stem,
            general_feedback=general,
            category=category,
            tags=[_text(tag) for tag in element.findall("tags/tag") if _text(tag)],
            idnumber=(element.findtext("idnumber") or "").strip(),
            dropped_files=files + general_files,
        )
        try:
            parsed.points = float(element.findtext("defaultgrade") or 1)
            penalty = element.findtext("penalty")
            parsed.penalty = float(penalty) if penalty not in (None, "") else None
        except ValueError as exc:
            raise MoodleXmlError("defaultgrade or penalty is not a number", place) from exc
        if kind not in TYPE_NAMES:
            parsed.unsupported = kind or "no type"
            questions.append(parsed)
            continue
        if kind == "multichoice":
            single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
            parsed.qtype = SINGLE if single else MULTIPLE
            parsed.choices = _answers(element, place)
            parsed.options["shuffle"] = (
                element.findtext("shuffleanswers") or "1"
            ).strip().lower() in ("1", "true")
        elif kind == "truefalse":
            answers = _answers(element, place)
            by_text = {a["text"].lower(): a for a in answers}
            true, false = by_text.get("true"), by_text.get("false")
            if true is None or false is None:
                raise MoodleXmlError(
                    "a true/false question needs a 'true' and a 'false' answer", place
                )
            parsed.options = {
                "correct": true["fraction"] >= 1,
                "feedback_true": true["feedback"],
                "feedback_false": false["feedback"],
            }
        elif kind == "shortanswer":
            parsed.choices = _answers(element, place)
            parsed.options["case_sensitive"] = (element.findtext("usecase") or "0").strip() == "1"
        elif kind == "numerical":
            parsed.choices = _answers(element, place)
            units = [
                {
                    "unit": (unit.findtext("unit_name") or "").strip(),
                    "multiplier": float(unit.findtext("multiplier") or 1),
                }
                for unit in element.findall("units/unit")
            ]
            if units:
                parsed.options["units"] = units
                parsed.options["unit_penalty"] = float(element.findtext("unitpenalty") or 0)
        elif kind == "matching":
            for sub in element.findall("subquestion"):
                prompt, _f = _rich(sub)
                parsed.choices.append(
                    {
                        "prompt": plain_text(prompt, multiline=False),
                        "text": _text(sub, "answer/text"),
                        "fraction": 0,
                    }
                )
        elif kind == "ordering":
            parsed.choices = [
                {"text": a["text"], "fraction": 0, "feedback": ""} for a in _answers(element, place)
            ]
            grading = (element.findtext("gradingtype") or "ABSOLUTE_POSITION").strip().upper()
            parsed.options["ordering_grading"] = (
                "all_or_nothing" if grading == "ALL_OR_NOTHING" else "absolute"
            )
        elif kind == "cloze":
            try:
                cloze.parse(stem)
            except cloze.ClozeError as exc:
                raise MoodleXmlError(str(exc), place) from exc
        questions.append(parsed)
    return questions


# --- writing ---------------------------------------------------------------------------------


def _text_element(parent, tag, text, html=True):
    element = SubElement(parent, tag, {"format": "html"} if html else {})
    SubElement(element, "text").text = text or ""
    return element


def write(entries) -> tuple[str, list[str]]:
    """Moodle XML for (category path, data, name, tags, idnumber) entries. Every type we have
    exists in Moodle 4.4+, so nothing is left out (the list is kept for symmetry with GIFT)."""
    quiz = Element("quiz")
    category = None
    for path, data, name, tags, idnumber in entries:
        if path != category:
            record = SubElement(quiz, "question", {"type": "category"})
            SubElement(SubElement(record, "category"), "text").text = f"$course$/{path}"
            category = path
        kind = data["type"]
        moodle_type = {SINGLE: "multichoice", MULTIPLE: "multichoice"}.get(kind, kind)
        question = SubElement(quiz, "question", {"type": moodle_type})
        SubElement(SubElement(question, "name"), "text").text = name
        stem = data["stem"]
        _text_element(question, "questiontext", stem)
        _text_element(question, "generalfeedback", data.get("general_feedback", ""))
        SubElement(question, "defaultgrade").text = f"{data.get('points', 1):.7f}"
        SubElement(question, "penalty").text = f"{data.get('penalty', 0.3333333):.7f}"
        SubElement(question, "hidden").text = "0"
        SubElement(question, "idnumber").text = idnumber or ""
        options = data.get("options", {})
        if kind in (SINGLE, MULTIPLE):
            SubElement(question, "single").text = "true" if kind == SINGLE else "false"
            SubElement(question, "shuffleanswers").text = (
                "true" if options.get("shuffle", True) else "false"
            )
            SubElement(question, "answernumbering").text = "abc"
        if kind == SHORT_ANSWER:
            SubElement(question, "usecase").text = "1" if options.get("case_sensitive") else "0"
        if kind == TRUE_FALSE:
            for value in ("true", "false"):
                right = options["correct"] == (value == "true")
                answer = SubElement(
                    question,
                    "answer",
                    {"fraction": "100" if right else "0", "format": "moodle_auto_format"},
                )
                SubElement(answer, "text").text = value
                _text_element(answer, "feedback", options.get(f"feedback_{value}", ""))
        elif kind == MATCHING:
            SubElement(question, "shuffleanswers").text = "true"
            for choice in data["choices"]:
                sub = _text_element(question, "subquestion", choice.get("prompt", ""))
                SubElement(SubElement(sub, "answer"), "text").text = choice["text"]
        elif kind == ORDERING:
            SubElement(question, "layouttype").text = "VERTICAL"
            SubElement(question, "selecttype").text = "ALL"
            SubElement(question, "selectcount").text = "0"
            grading = (
                "ALL_OR_NOTHING"
                if options.get("ordering_grading") == "all_or_nothing"
                else "ABSOLUTE_POSITION"
            )
            SubElement(question, "gradingtype").text = grading
            for position, choice in enumerate(data["choices"], start=1):
                answer = SubElement(
                    question,
                    "answer",
                    {"fraction": f"{position:.7f}", "format": "moodle_auto_format"},
                )
                SubElement(answer, "text").text = choice["text"]
        elif kind != CLOZE:
            for choice in data["choices"]:
                answer = SubElement(
                    question,
                    "answer",
                    {
                        "fraction": f"{round(choice['fraction'] * 100, 5):g}",
                        "format": "moodle_auto_format",
                    },
                )
                SubElement(answer, "text").text = choice["text"]
                if kind == NUMERICAL:
                    SubElement(answer, "tolerance").text = f"{choice.get('tolerance', 0):g}"
                _text_element(answer, "feedback", choice.get("feedback", ""))
            if kind == NUMERICAL and options.get("units"):
                SubElement(question, "unitgradingtype").text = (
                    "1" if options.get("unit_penalty") else "0"
                )
                SubElement(question, "unitpenalty").text = f"{options.get('unit_penalty', 0):.7f}"
                units = SubElement(question, "units")
                for unit in options["units"]:
                    element = SubElement(units, "unit")
                    SubElement(element, "multiplier").text = f"{unit['multiplier']:g}"
                    SubElement(element, "unit_name").text = unit["unit"]
        if tags:
            tags_element = SubElement(question, "tags")
            for tag in tags:
                SubElement(SubElement(tags_element, "tag"), "text").text = tag
    indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(
        quiz, encoding="unicode"
    ) + "\n", []
