"""Moodle XML question files, read and written (https://docs.moodle.org/en/Moodle_XML_format).

Read with defusedxml: a file that declares entities or a DTD (the "billion laughs" bomb,
external entities) is refused, and nothing is fetched from the network. Supported: category
records (nested `$course$/top/...` paths), multichoice (single and multiple, fractions in
percent, penalties), truefalse, shortanswer (`usecase`), numerical (tolerance, units, unit
penalty), matching, ordering (Moodle 4.4's core type; answers in their right order), cloze
(multianswer syntax in the text), general and per-answer feedback, default grade, penalty,
idnumber and tags (indicator tags such as `LOSI-2024:#236`). Other types (essay,
description, calculated, drag and drop...) are listed by name.

Embedded files: a `<file name="diagram.png" path="/" encoding="base64">` beside the text of the
question or its general feedback, shown by `<img src="@@PLUGINFILE@@/diagram.png">` (the name
URL-encoded), becomes a Wagtail image (`quizzes.files`) and the <img> its rich-text embed.
Files anywhere else (answer feedback, matching items) and files no <img> shows (a linked PDF)
are listed as skipped; an <img> naming no <file>, or base64 that does not decode, refuses the
import. Export writes each embed back as an <img> with its <file>, as Moodle's importer reads.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from html import escape
from html.parser import HTMLParser
from urllib.parse import quote, unquote
from xml.etree.ElementTree import Element, ParseError, SubElement, indent, tostring  # noqa: S405

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from cms.sanitize import markdown_to_html, plain_text, sanitize_html
from quizzes import cloze, files
from quizzes.formats import EmbeddedImage, NotFinite, ParsedQuestion, place_label, read_number
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
# The encoding an XML declaration names: <?xml version="1.0" encoding="klingon"?>.
DECLARED_ENCODING = re.compile(
    rb"""(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']*)"""
)
# An href or src pointing into a text's files: a link to a file not kept would lead nowhere.
PLUGINFILE_LINK = re.compile(r"""\s+(?:href|src)\s*=\s*(["'])@@PLUGINFILE@@/.*?\1""", re.IGNORECASE)


class MoodleXmlError(ValueError):
    def __init__(self, message: str, place: str):
        super().__init__(message)
        self.place = place


def _text(element, path: str = "text", default: str = "") -> str:
    node = element.find(path) if element is not None else None
    return (node.text or "").strip() if node is not None and node.text else default


class _ImageTags(HTMLParser):
    """Where each <img> of an HTML text starts and ends, with its attributes. A parser, not a
    regular expression: it knows comments, scripts and a quoted '>' in an alt text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, int, dict]] = []
        self._line_starts = [0, *(match.end() for match in re.finditer("\n", html))]
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            line, column = self.getpos()
            start = self._line_starts[line - 1] + column
            self.found.append((start, start + len(self.get_starttag_text()), dict(attrs)))


def _files(element, parsed: ParsedQuestion) -> dict[str, bytes | None]:
    """The element's <file>s by the path @@PLUGINFILE@@ URLs give them ("/diagram.png"); None
    for one that cannot be read, after saying why in parsed.file_problems."""
    found: dict[str, bytes | None] = {}
    for node in element.findall("file"):
        name = (node.get("name") or "").strip()
        folder = (node.get("path") or "/").strip("/")
        key = f"/{folder}/{name}" if folder else f"/{name}"
        found[key] = None
        encoding = node.get("encoding") or "base64"
        if not name:
            # Translators: <file> is a Moodle XML element, written as it is.
            parsed.file_problems.append(_("a <file> has no name"))
        elif encoding != "base64":
            parsed.file_problems.append(
                # Translators: %(file)s is a file name and %(encoding)s the encoding the file
                # names (in quotes); base64 is the name of an encoding.
                _("file %(file)s: encoding %(encoding)s (Moodle writes base64)")
                % {"file": repr(key[1:]), "encoding": repr(encoding)}
            )
        else:
            try:
                found[key] = base64.b64decode("".join((node.text or "").split()), validate=True)
            except binascii.Error:
                parsed.file_problems.append(
                    # Translators: %(file)s is a file name, in quotes.
                    _("file %(file)s: its base64 content does not decode") % {"file": repr(key[1:])}
                )
    return found


def _mark_images(html: str, carried: dict, parsed: ParsedQuestion) -> tuple[str, list]:
    """The HTML with each <img> of a carried file replaced by a marker (random, so no text can
    forge one), and the images; an <img> naming a file not carried is a problem."""
    images, pieces, end = [], [], 0
    for start, stop, attributes in _ImageTags(html).found:
        source = (attributes.get("src") or "").strip()
        if not source.startswith(PLUGINFILE + "/"):
            continue  # an outside address: dropped by the sanitiser, as before
        # Moodle URL-encodes the name; a query (?time=...) is not part of it.
        key = unquote(source[len(PLUGINFILE) :].split("?", 1)[0].split("#", 1)[0])
        if key not in carried:
            parsed.file_problems.append(
                # Translators: <img> and <file> are HTML and Moodle XML elements, written as they
                # are; %(source)s is the address the <img> gives, %(file)s a file name (in quotes).
                _("an <img> shows %(source)s but no <file> is %(file)s")
                % {"source": repr(source), "file": repr(key[1:])}
            )
            continue
        if carried[key] is None:
            continue  # unreadable: already a problem
        marker = f"quizimage{secrets.token_hex(12)}"
        alt = plain_text(attributes.get("alt") or "", multiline=False)
        images.append(EmbeddedImage(marker, key[1:], carried[key], alt))
        pieces += [html[end:start], marker]
        end = stop
    return "".join([*pieces, html[end:]]), images


def _rich(element, parsed: ParsedQuestion, where: str, shows_images: bool = False) -> str:
    """A text element's HTML, sanitised. With `shows_images` (question text, general feedback)
    each <img> of a file it carries joins parsed.images, its place held by a marker; every
    other file it carries is listed in parsed.skipped_files, with `where` it was."""
    if element is None:
        return ""
    html = _text(element)
    carried = _files(element, parsed)
    images = []
    if shows_images:
        html, images = _mark_images(html, carried, parsed)
    if element.get("format") in ("plain_text", "markdown"):
        html = markdown_to_html(html)
    html = sanitize_html(PLUGINFILE_LINK.sub("", html).replace(PLUGINFILE + "/", ""))
    # An <img> inside a comment or a script left with it: its file is not shown after all.
    shown = [image for image in images if image.marker in html]
    parsed.images += shown
    names = {image.name for image in shown}
    parsed.skipped_files += [
        # Translators: a file not kept, and where the question carried it: "notes.pdf
        # (question text)".
        _("%(file)s (%(where)s)") % {"file": key[1:], "where": where}
        for key, content in carried.items()
        if content is not None and key[1:] not in names
    ]
    return html


def _number(text: str | None, what: str, parsed: ParsedQuestion, default: float) -> float:
    """A number of the question (`default` when absent). One that is not a number is a
    problem of the question, named by its element; `default` stands in for it, so the rest
    of the question and of the file is still read and checked in the same pass."""
    try:
        return read_number(text, default)
    except NotFinite:
        # Translators: %(element)s is a Moodle XML element or attribute (defaultgrade,
        # fraction, tolerance...), written as it is; %(value)s is its value, in quotes.
        message = _("%(element)s %(value)s is not a finite number")
    except ValueError:
        # Translators: %(element)s is a Moodle XML element or attribute (defaultgrade,
        # fraction, tolerance...), written as it is; %(value)s is its value, in quotes.
        message = _("%(element)s %(value)s is not a number")
    parsed.problems.append(message % {"element": what, "value": repr(text.strip())})
    return default


def _answers(question, parsed) -> list[dict]:
    answers = []
    for number, answer in enumerate(question.findall("answer"), start=1):
        # Translators: where the question carries a file; %(number)s counts its answers from 1.
        where = _("feedback of answer %(number)s") % {"number": number}
        feedback = _rich(answer.find("feedback"), parsed, where)
        entry = {
            "text": _text(answer),
            "fraction": _number(answer.get("fraction"), "fraction", parsed, 0) / 100,
            "feedback": feedback,
        }
        if answer.find("tolerance") is not None:
            tolerance = _text(answer, "tolerance")
            entry["tolerance"] = abs(_number(tolerance, "tolerance", parsed, 0))
        answers.append(entry)
    return answers


def parse(raw: bytes) -> list[ParsedQuestion]:
    """Every question of the file, in order; raises MoodleXmlError naming the line (for XML
    that does not parse) or the question (for content that makes no sense)."""
    try:
        root = SafeTree.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise MoodleXmlError(
            _(
                "the file declares a DTD or entities: refused (XML bombs and external entities "
                "are never read)"
            ),
            place_label(1),
        ) from exc
    except ParseError as exc:
        line, column = exc.position
        raise MoodleXmlError(
            # Translators: %(reason)s is the XML parser's own message, in English.
            _("not well-formed XML (%(reason)s)")
            % {"reason": exc.msg if hasattr(exc, "msg") else exc},
            _("line %(line)s, column %(column)s") % {"line": line, "column": column},
        ) from exc
    except (LookupError, ValueError) as exc:
        # expat reads UTF-8, UTF-16 and single-byte codecs: a name Python does not know is a
        # LookupError, a multi-byte codec (Shift JIS, UTF-7) a ValueError.
        declared = DECLARED_ENCODING.match(raw)
        if declared:
            message = _(
                # Translators: %(encoding)s is the name the file gives its encoding, in quotes.
                "cannot be read: its XML declaration names the encoding %(encoding)s, which "
                "cannot be read here; save the file as UTF-8"
            ) % {"encoding": repr(declared[1].decode("ascii", "replace"))}
        else:
            # Translators: %(reason)s is Python's own message, in English.
            message = _("cannot be read: %(reason)s; save the file as UTF-8") % {"reason": exc}
        raise MoodleXmlError(message, place_label(1)) from exc
    if root.tag != "quiz":
        raise MoodleXmlError(
            # Translators: <%(element)s> and <quiz> are XML elements, written as they are.
            _("the root element is <%(element)s>, not <quiz>") % {"element": root.tag},
            place_label(1),
        )
    questions: list[ParsedQuestion] = []
    category = ""
    for number, element in enumerate(root.findall("question"), start=1):
        kind = element.get("type", "")
        # Translators: where a problem is: the question's position in the file, from 1, and
        # its Moodle type name (multichoice, essay...) or "no type".
        place = _("question %(number)s (%(type)s)") % {
            "number": number,
            "type": kind or _("no type"),
        }
        if kind == "category":
            category = _text(element, "category/text")
            category = category.split("$/", 1)[-1] if category.startswith("$") else category
            continue
        name = _text(element, "name/text") or f"Question {number}"
        parsed = ParsedQuestion(
            line=place,
            qtype=kind,
            name=name,
            stem="",
            category=category,
            tags=[_text(tag) for tag in element.findall("tags/tag") if _text(tag)],
            idnumber=(element.findtext("idnumber") or "").strip(),
        )
        try:
            _read_question(element, kind, place, parsed)
        except MoodleXmlError as exc:
            parsed.problems.append(str(exc))
            parsed.unreadable = True
        questions.append(parsed)
    return questions


def _read_question(element, kind: str, place: str, parsed: ParsedQuestion) -> None:
    """The question's content into `parsed`; raises MoodleXmlError for content that makes no
    sense (its values that are not numbers join parsed.problems)."""
    stem = parsed.stem = _rich(element.find("questiontext"), parsed, _("question text"), True)
    parsed.general_feedback = _rich(
        element.find("generalfeedback"), parsed, _("general feedback"), True
    )
    parsed.points = _number(element.findtext("defaultgrade"), "defaultgrade", parsed, 1)
    penalty = element.findtext("penalty")
    if penalty is not None and penalty.strip():
        parsed.penalty = _number(penalty, "penalty", parsed, 0)
    if kind not in TYPE_NAMES:
        parsed.unsupported = kind or _("no type")
        return
    if kind == "multichoice":
        single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
        parsed.qtype = SINGLE if single else MULTIPLE
        parsed.choices = _answers(element, parsed)
        shuffle = (element.findtext("shuffleanswers") or "1").strip().lower()
        parsed.options["shuffle"] = shuffle in ("1", "true")
    elif kind == "truefalse":
        answers = _answers(element, parsed)
        by_text = {a["text"].lower(): a for a in answers}
        true, false = by_text.get("true"), by_text.get("false")
        if true is None or false is None:
            raise MoodleXmlError(
                # Translators: 'true' and 'false' are the texts of the answers in the file,
                # written as they are.
                _("a true/false question needs a 'true' and a 'false' answer"),
                place,
            )
        parsed.options = {
            "correct": true["fraction"] >= 1,
            "feedback_true": true["feedback"],
            "feedback_false": false["feedback"],
        }
    elif kind == "shortanswer":
        parsed.choices = _answers(element, parsed)
        parsed.options["case_sensitive"] = (element.findtext("usecase") or "0").strip() == "1"
    elif kind == "numerical":
        parsed.choices = _answers(element, parsed)
        units = [
            {
                "unit": (unit.findtext("unit_name") or "").strip(),
                "multiplier": _number(unit.findtext("multiplier"), "multiplier", parsed, 1),
            }
            for unit in element.findall("units/unit")
        ]
        if units:
            parsed.options["units"] = units
            parsed.options["unit_penalty"] = _number(
                element.findtext("unitpenalty"), "unitpenalty", parsed, 0
            )
    elif kind == "matching":
        for position, sub in enumerate(element.findall("subquestion"), start=1):
            # Translators: where the question carries a file; %(number)s counts its items from 1.
            where = _("matching item %(number)s") % {"number": position}
            prompt = _rich(sub, parsed, where)
            parsed.choices.append(
                {
                    "prompt": plain_text(prompt, multiline=False),
                    "text": _text(sub, "answer/text"),
                    "fraction": 0,
                }
            )
    elif kind == "ordering":
        parsed.choices = [
            {"text": a["text"], "fraction": 0, "feedback": ""} for a in _answers(element, parsed)
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


# --- writing ---------------------------------------------------------------------------------


def _text_element(parent, tag, text, html=True):
    element = SubElement(parent, tag, {"format": "html"} if html else {})
    SubElement(element, "text").text = text or ""
    return element


def _unique_name(name: str, taken: set[str]) -> str:
    """A file name not yet in this text's file area (Moodle keys a text's files by name)."""
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if dot else (name, "")
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}{suffix}"
    taken.add(candidate)
    return candidate


def _text_with_files(parent, tag, html, images):
    """A text element whose image embeds are written as Moodle writes images: an <img>
    pointing at @@PLUGINFILE@@/name (URL-encoded) and a <file> with the original bytes. An
    image no longer in the library is written as its alt text in brackets, as GIFT writes
    every image."""
    names: dict[int, str] = {}
    taken: set[str] = set()

    def image_tag(pk: int, alt: str) -> str:
        if pk not in images:
            return escape(f"[{alt or 'image'}]")
        if pk not in names:
            names[pk] = _unique_name(images[pk].name, taken)
        return f'<img src="{PLUGINFILE}/{quote(names[pk], safe="")}" alt="{escape(alt)}">'

    element = _text_element(parent, tag, files.replace_image_embeds(html or "", image_tag))
    for pk, name in names.items():
        carried = SubElement(element, "file", {"name": name, "path": "/", "encoding": "base64"})
        carried.text = base64.b64encode(images[pk].content).decode("ascii")
    return element


def write(entries) -> tuple[str, list[str]]:
    """Moodle XML for (category path, data, name, tags, idnumber) entries; data["images"] maps
    the ids of the images its texts embed to their files. Every type we have exists in Moodle
    4.4+, so nothing is left out (the list is kept for symmetry with GIFT)."""
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
        images = data.get("images", {})
        _text_with_files(question, "questiontext", data["stem"], images)
        _text_with_files(question, "generalfeedback", data.get("general_feedback", ""), images)
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
