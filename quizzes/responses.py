"""What a learner's form post means for each question type: the stored response, in the
shapes `quizzes.grading` grades (one exception: ordering is stored as {item id: position}, so
a half-ordered list survives a reload; `for_grading` turns it into the ordered list).

Field names: `q{slot}` for a question; `q{slot}-{choice id}` for a matching row or an
ordering item; `q{slot}-{part}` for a cloze part (and `q{slot}-{part}` again for its choices).
"""

from __future__ import annotations

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

MAX_TEXT = 200  # the answer fields' maxlength: longer posts are cut, never stored whole


def _text(value) -> str:
    return str(value or "").strip()[:MAX_TEXT]


def read(data: dict, name: str, post) -> object | None:
    """The response posted for one question (None when nothing was given). `post` is a
    QueryDict (or anything with get and getlist)."""
    kind = data["type"]
    ids = {str(c["id"]) for c in data.get("choices", [])}
    if kind in (SINGLE, TRUE_FALSE):
        value = _text(post.get(name))
        allowed = ids if kind == SINGLE else {"true", "false"}
        return value if value in allowed else None
    if kind == MULTIPLE:
        values = sorted({str(v) for v in post.getlist(name) if str(v) in ids})
        return values or None
    if kind in (SHORT_ANSWER, NUMERICAL):
        return _text(post.get(name)) or None
    if kind == MATCHING:
        answers = {c["text"] for c in data["choices"] if c.get("text")}
        given = {}
        for choice in data["choices"]:
            if choice.get("prompt"):
                value = _text(post.get(f"{name}-{choice['id']}"))
                if value in answers:
                    given[str(choice["id"])] = value
        return given or None
    if kind == ORDERING:
        positions = {}
        for choice in data["choices"]:
            value = _text(post.get(f"{name}-{choice['id']}"))
            if value.isdigit() and 1 <= int(value) <= len(data["choices"]):
                positions[str(choice["id"])] = int(value)
        return positions or None
    if kind == CLOZE:
        parts = {}
        for number, part in enumerate(data["parts"], start=1):
            value = read(part, f"{name}-{number}", post)
            if value is not None:
                parts[str(number)] = value
        return parts or None
    raise ValueError(f"no reader for {kind}")


def for_grading(data: dict, response):
    """The stored response in the shape the grader takes."""
    if data["type"] == ORDERING and isinstance(response, dict):
        if not response:
            return []
        order = sorted(response, key=lambda item: response[item])
        positions = sorted(response.values())
        if positions != list(range(1, len(data["choices"]) + 1)):
            return ["(incomplete)"]  # a gap or a repeated position: not a full order
        return order
    return response


def is_answered(response) -> bool:
    return response not in (None, "", [], {})
