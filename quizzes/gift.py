"""Moodle's GIFT format, read and written (https://docs.moodle.org/en/GIFT_format).

Read: comments (`//`, with Moodle's `// [id:...] [tag:...]` line before a question),
`$CATEGORY: $course$/top/...`, titles (`::name::`), text formats (`[html]`, `[moodle]`,
`[plain]`, `[markdown]`), multiple choice (single and weighted `%n%`), true/false with its two
feedbacks, short answer, matching, numerical (`value:tolerance`, `min..max`, several
answers), "missing word" (answers inside the text), per-answer feedback (`#`), general
feedback (`####`) and the escapes `\\~ \\= \\# \\{ \\} \\: \\\\` and `\\n`. Files may be UTF-8 or
Windows-1252, as Moodle writes on some systems. Essays and descriptions are recognised and
listed as unsupported; GIFT itself has no ordering or cloze questions (use Moodle XML).

Written: the same constructs, one question per block, tags and id on the comment line. GIFT
cannot carry files: an image is written as its alt text in square brackets.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from cms.sanitize import markdown_to_html, plain_text, sanitize_html
from quizzes.files import replace_image_embeds
from quizzes.formats import NotFinite, ParsedQuestion, read_number
from quizzes.grading import MATCHING, MULTIPLE, NUMERICAL, SHORT_ANSWER, SINGLE, TRUE_FALSE

ESCAPABLE = "~=#{}:\\"
FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
TITLE = re.compile(r"^::((?:\\.|[^:\\]|:(?!:))*)::", re.DOTALL)
META = re.compile(r"\[(id|tag):([^\]]+)\]")
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
# What GIFT can hold: ordering and cloze questions exist in Moodle XML only.
HELD_TYPES = (TRUE_FALSE, MATCHING, NUMERICAL, SINGLE, MULTIPLE, SHORT_ANSWER)


class GiftError(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def decode(raw: bytes) -> tuple[str, list[GiftError]]:
    """The file's text, UTF-8 (with or without BOM), else Windows-1252: Moodle writes both.

    With it, a problem for each line holding a byte neither encoding reads; the byte becomes
    U+FFFD so the rest of the file is still read and checked in the same pass. A NUL byte
    means the file is not text at all (UTF-16, or binary), and PostgreSQL refuses NUL in
    text: GiftError, and nothing is read."""
    position = raw.find(b"\x00")
    if position != -1:
        raise GiftError(
            _("not a text file (it holds NUL bytes); save it as UTF-8 text"),
            raw.count(b"\n", 0, position) + 1,
        )
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    pieces, problems, start, line = [], [], 0, 1
    while True:
        try:
            pieces.append(raw[start:].decode("cp1252"))
            return "".join(pieces), problems
        except UnicodeDecodeError as exc:
            byte = start + exc.start
            pieces += [raw[start:byte].decode("cp1252"), "\ufffd"]
            line_of_byte = line + raw.count(b"\n", start, byte)
            if not problems or problems[-1].line != line_of_byte:
                problems.append(
                    GiftError(
                        _(
                            # Translators: %(byte)s is the position of the byte in the file,
                            # counted from 0.
                            "not text in UTF-8 or Windows-1252 (byte %(byte)s): "
                            "save the file as UTF-8"
                        )
                        % {"byte": byte},
                        line_of_byte,
                    )
                )
            start, line = byte + 1, line_of_byte


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            following = text[i + 1]
            out.append("\n" if following == "n" else following)
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def escape(text: str) -> str:
    text = "".join("\\" + c if c in ESCAPABLE else c for c in str(text))
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """Split on unescaped separator characters, keeping which separator led each piece."""
    pieces, current, lead, i = [], [], "", 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if char in separators:
            pieces.append((lead, "".join(current)))
            current, lead = [], char
        else:
            current.append(char)
        i += 1
    pieces.append((lead, "".join(current)))
    return pieces


def find_unescaped(text: str, char: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def _blocks(text: str):
    """(first line number, block text, comment lines before it) for each question, and
    category commands in file order."""
    block, comments, start = [], [], None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            if not block:
                comments.append(stripped[2:])
            continue
        if not stripped:
            if block:
                yield start, "\n".join(block), comments
                block, comments = [], []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, "\n".join(block), comments


def _text(raw: str, text_format: str) -> str:
    raw = raw.strip()
    if text_format == "markdown":
        return markdown_to_html(unescape(raw))
    if text_format in ("html", "moodle"):
        return sanitize_html(unescape(raw))
    return sanitize_html("<p>" + _html_escape(unescape(raw)).replace("\n", "<br>") + "</p>")


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _answer_text(raw: str) -> tuple[str, str]:
    """'answer#feedback' -> (answer, feedback), both unescaped."""
    pieces = split_unescaped(raw, "#")
    text = pieces[0][1]
    feedback = "#".join(piece for _lead, piece in pieces[1:])
    return unescape(text).strip(), unescape(feedback).strip()


def parse_answers(body: str, line: int) -> tuple[str, list[dict], dict, str]:
    """The answer block between braces -> (type, choices, options, general feedback)."""
    general = ""
    marker = body.find("####")
    while marker != -1 and marker > 0 and body[marker - 1] == "\\":
        marker = body.find("####", marker + 1)
    if marker != -1:
        body, general = body[:marker], unescape(body[marker + 4 :]).strip()
    stripped = body.strip()
    if not stripped:
        return "essay", [], {}, general
    upper = stripped.split("#", 1)[0].strip().upper()
    if upper in ("T", "TRUE", "F", "FALSE"):
        pieces = [unescape(p) for _lead, p in split_unescaped(stripped, "#")]
        options = {"correct": upper.startswith("T")}
        # Moodle: the first feedback is for a wrong answer, the second for a right one.
        wrong = pieces[1].strip() if len(pieces) > 1 else ""
        right = pieces[2].strip() if len(pieces) > 2 else ""
        options["feedback_true"] = right if options["correct"] else wrong
        options["feedback_false"] = wrong if options["correct"] else right
        return TRUE_FALSE, [], options, general
    if stripped.startswith("#"):
        return NUMERICAL, _numerical(stripped[1:], line), {}, general
    pieces = [
        (lead, text) for lead, text in split_unescaped(stripped, "=~") if text.strip() or lead
    ]
    if pieces and not pieces[0][0] and not pieces[0][1].strip():
        pieces = pieces[1:]
    if any(not lead for lead, _text in pieces):
        raise GiftError(_("every answer must start with = (right) or ~ (wrong)"), line)
    choices = []
    is_matching = all(lead == "=" and "->" in text for lead, text in pieces) and len(pieces) > 1
    if is_matching:
        for _lead, text in pieces:
            prompt, _arrow, answer = text.partition("->")
            choices.append(
                {
                    "prompt": unescape(prompt).strip(),
                    "text": unescape(answer).strip(),
                    "fraction": 0,
                }
            )
        return MATCHING, choices, {}, general
    weighted = False
    for lead, text in pieces:
        text = text.strip()
        fraction = 1.0 if lead == "=" else 0.0
        match = WEIGHT.match(text)
        if match:
            fraction, text, weighted = float(match[1]) / 100, text[match.end() :], True
        answer, feedback = _answer_text(text)
        choices.append({"text": answer, "fraction": fraction, "feedback": feedback})
    if all(lead == "=" for lead, _t in pieces):
        return SHORT_ANSWER, choices, {}, general
    if weighted and sum(c["fraction"] > 0 for c in choices) > 1:
        return MULTIPLE, choices, {}, general
    if not any(c["fraction"] >= 1 for c in choices):
        # Translators: = and %100% are GIFT syntax, written as they are.
        raise GiftError(_("no right answer (start one with = or give it %100%)"), line)
    return SINGLE, choices, {}, general


def _numerical(body: str, line: int) -> list[dict]:
    body = body.strip()
    entries = split_unescaped(body, "=") if body.startswith("=") else [("=", body)]
    choices = []
    for _lead, raw in entries:
        raw = raw.strip()
        if not raw:
            continue
        fraction = 1.0
        match = WEIGHT.match(raw)
        if match:
            fraction, raw = float(match[1]) / 100, raw[match.end() :]
        value, feedback = _answer_text(raw)
        try:
            if ".." in value:
                low, high = (read_number(v) for v in value.split("..", 1))
                tolerance = (high - low) / 2
                target = low + tolerance  # not (low + high) / 2, which overflows near 1e308
            else:
                number, _colon, margin = value.partition(":")
                target, tolerance = read_number(number), read_number(margin, default=0.0)
        except NotFinite as exc:
            raise GiftError(
                # Translators: %(answer)s is the answer as the file writes it, in quotes.
                _("%(answer)s holds a number that is not finite (nan, inf, or past 1e308)")
                % {"answer": repr(value)},
                line,
            ) from exc
        except ValueError as exc:
            raise GiftError(
                # Translators: %(answer)s is the answer as the file writes it, in quotes;
                # number:tolerance and min..max are the two other ways GIFT writes an answer.
                _("%(answer)s is not a number, a number:tolerance or a min..max")
                % {"answer": repr(value)},
                line,
            ) from exc
        choices.append(
            {
                "text": f"{target:g}",
                "tolerance": tolerance,
                "fraction": fraction,
                "feedback": feedback,
            }
        )
    if not choices:
        raise GiftError(_("a numerical question needs an answer"), line)
    return choices


def parse(text: str) -> list[ParsedQuestion]:
    """Every question of a GIFT file. A malformed one is returned `unreadable`, with its
    problem (and its line), so the rest of the file is still read and checked."""
    questions, category = [], ""
    for line, block, comments in _blocks(text):
        stripped = block.strip()
        if stripped.startswith("$CATEGORY:"):
            category = stripped[len("$CATEGORY:") :].strip()
            category = re.sub(r"^\$(course|module|system|cat\d*)\$/", "", category)
            continue
        try:
            questions.append(_question(line, stripped, comments, category))
        except GiftError as exc:
            questions.append(
                ParsedQuestion(
                    line,
                    "",
                    f"Question at line {line}",
                    "",
                    category=category,
                    problems=[str(exc)],
                    unreadable=True,
                )
            )
    return questions


def _question(line: int, stripped: str, comments: list[str], category: str) -> ParsedQuestion:
    """One question block; raises GiftError for a malformed one."""
    meta = [m for comment in comments for m in META.findall(comment)]
    name = ""
    title = TITLE.match(stripped)
    if title:
        name = unescape(title[1]).strip()
        stripped = stripped[title.end() :].lstrip()
    text_format = "moodle"
    fmt = FORMAT.match(stripped)
    if fmt:
        text_format = fmt[1].lower()
        stripped = stripped[fmt.end() :].lstrip()
    opening = find_unescaped(stripped, "{")
    if opening == -1:
        return ParsedQuestion(
            line,
            "description",
            name,
            _text(stripped, text_format),
            unsupported="description",
        )
    closing = find_unescaped(stripped, "}", opening)
    if closing == -1:
        raise GiftError(_("an answer block opened with { is never closed with }"), line)
    before, body, after = (
        stripped[:opening],
        stripped[opening + 1 : closing],
        stripped[closing + 1 :],
    )
    if find_unescaped(after, "{") != -1:
        raise GiftError(_("only one answer block per question (use Moodle XML for cloze)"), line)
    qtype, choices, options, general = parse_answers(body, line)
    missing_word = bool(after.strip())
    stem_raw = before + (" _____ " + after if missing_word else "")
    stem = _text(stem_raw, text_format)
    question = ParsedQuestion(
        line=line,
        qtype=qtype,
        name=name or plain_stem(stem)[:80] or f"Question at line {line}",
        stem=stem,
        choices=choices,
        general_feedback=_text(general, text_format) if general else "",
        options=options,
        category=category,
        tags=[value.strip() for kind, value in meta if kind == "tag"],
        idnumber=next((value.strip() for kind, value in meta if kind == "id"), ""),
    )
    if qtype == "essay":
        question.unsupported = "essay"
    return question


def plain_stem(html: str) -> str:
    return plain_text(html, multiline=False)


# --- writing ---------------------------------------------------------------------------------


def _fraction(value: float) -> str:
    return f"%{round(value * 100, 5):g}%"


def _images_as_text(html: str) -> str:
    return replace_image_embeds(html, lambda _pk, alt: _html_escape(f"[{alt or 'image'}]"))


def write_question(data: dict, name: str, tags: list[str], idnumber: str = "") -> str | None:
    """One question (a version's data) in GIFT, or None for a type GIFT cannot hold."""
    kind = data["type"]
    if kind not in HELD_TYPES:
        return None
    body: list[str] = []
    if kind == TRUE_FALSE:
        options = data["options"]
        correct = options["correct"]
        right = options.get("feedback_true" if correct else "feedback_false", "")
        wrong = options.get("feedback_false" if correct else "feedback_true", "")
        body.append(
            ("TRUE" if correct else "FALSE")
            + (f"#{escape(wrong)}#{escape(right)}" if right or wrong else "")
        )
    elif kind == MATCHING:
        body += [
            f"={escape(c['prompt'])} -> {escape(c['text'])}"
            for c in data["choices"]
            if c.get("prompt")
        ]
    elif kind == NUMERICAL:
        answers = []
        for c in data["choices"]:
            if c["text"].strip() == "*":
                continue
            weight = "" if c["fraction"] == 1 else _fraction(c["fraction"])
            feedback = f"#{escape(c['feedback'])}" if c.get("feedback") else ""
            answers.append(f"={weight}{c['text']}:{c.get('tolerance', 0):g}{feedback}")
        body.append("#" + " ".join(answers))
    else:  # SINGLE, MULTIPLE, SHORT_ANSWER
        for choice in data["choices"]:
            fraction = choice["fraction"]
            if kind == SHORT_ANSWER:
                lead = "=" + ("" if fraction == 1 else _fraction(fraction))
            elif kind == SINGLE:
                lead = "=" if fraction == 1 else "~" + (_fraction(fraction) if fraction else "")
            else:
                lead = "~" + _fraction(fraction)
            feedback = f"#{escape(choice['feedback'])}" if choice.get("feedback") else ""
            body.append(f"{lead}{escape(choice['text'])}{feedback}")
    general_feedback = _images_as_text(data.get("general_feedback", ""))
    general = f"####{escape(general_feedback)}" if general_feedback else ""
    meta = " ".join([*([f"[id:{idnumber}]"] if idnumber else []), *(f"[tag:{t}]" for t in tags)])
    lines = [f"// {meta}"] if meta else []
    joiner = "\n\t" if kind != TRUE_FALSE else ""
    closing = "\n}" if joiner else "}"
    answers = joiner + joiner.join(body) + general
    stem = _images_as_text(data["stem"])
    lines.append(f"::{escape(name)}::[html]{escape(stem)}{{{answers}{closing}")
    return "\n".join(lines)


def write(entries) -> tuple[str, list[str]]:
    """GIFT text for (category path, data, name, tags, idnumber) entries, and the names of the
    questions left out because GIFT cannot hold their type."""
    out, skipped, category = [], [], None
    for path, data, name, tags, idnumber in entries:
        text = write_question(data, name, tags, idnumber)
        if text is None:
            skipped.append(f"{name} ({data['type']})")
            continue
        if path != category:
            out.append(f"$CATEGORY: $course$/{path}\n")
            category = path
        out.append(text + "\n")
    return "\n".join(out), skipped
