"""A question as the learner sees it: the stem and plain form controls, from a version's
data. Only what a learner may see goes out: choice texts and opaque ids, never fractions,
tolerances or feedback (the review, a separate step, shows those when the quiz allows).
Every control works without JavaScript; labels are tied to inputs for screen readers."""

from __future__ import annotations

import random
import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from cms.sanitize import sanitize_html
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


def rich_text(markup: str) -> str:
    """A question's rich text for the page: sanitised again on the way out, its image embeds
    (an image id, nothing else) then rendered by Wagtail."""
    return mark_safe(expand_db_html(sanitize_html(markup or "", image_embeds=True)))  # noqa: S308


def shuffled(items, seed):
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def _choices(data, name, kind, response, seed, shuffle=True):
    selected = {str(v) for v in (response or [])} if kind == "checkbox" else {str(response)}
    choices = data["choices"]
    if shuffle and data.get("options", {}).get("shuffle", True):
        choices = shuffled(choices, seed)
    return format_html(
        '<ul class="choices">{}</ul>',
        format_html_join(
            "",
            '<li class="choice"><input type="{}" name="{}" id="{}-{}" value="{}"{}>'
            ' <label for="{}-{}">{}</label></li>',
            (
                (
                    kind,
                    name,
                    name,
                    n,
                    c["id"],
                    mark_safe(" checked") if str(c["id"]) in selected else "",  # noqa: S308
                    name,
                    n,
                    c["text"],
                )
                for n, c in enumerate(choices, start=1)
            ),
        ),
    )


def _text_input(name, response, label, inputmode="text"):
    return format_html(
        '<label class="visually-hidden" for="{}">{}</label>'
        '<input type="text" name="{}" id="{}" value="{}" inputmode="{}" autocomplete="off"'
        ' maxlength="200">',
        name,
        label,
        name,
        name,
        response or "",
        inputmode,
    )


def _select(name, options, response, label):
    return format_html(
        '<label class="visually-hidden" for="{}">{}</label><select name="{}" id="{}">'
        '<option value="">{}</option>{}</select>',
        name,
        label,
        name,
        name,
        _("Choose…"),
        format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    value,
                    mark_safe(" selected") if str(value) == str(response) else "",  # noqa: S308
                    text,
                )
                for value, text in options
            ),
        ),
    )


def controls(data: dict, name: str, response=None, seed=0):
    """The answer controls of one question (or one cloze part)."""
    kind = data["type"]
    if kind == SINGLE:
        return _choices(data, name, "radio", response, seed)
    if kind == MULTIPLE:
        return _choices(data, name, "checkbox", response, seed)
    if kind == TRUE_FALSE:
        options = {
            "choices": [{"id": "true", "text": _("True")}, {"id": "false", "text": _("False")}]
        }
        return _choices(options, name, "radio", response, seed, shuffle=False)
    if kind in (SHORT_ANSWER, NUMERICAL):
        mode = "decimal" if kind == NUMERICAL else "text"
        return format_html(
            '<p class="answer-field">{}</p>', _text_input(name, response, _("Your answer"), mode)
        )
    if kind == MATCHING:
        answers = sorted({c["text"] for c in data["choices"] if c["text"]}, key=str.casefold)
        answers = shuffled(answers, seed)
        response = response or {}
        rows = [
            format_html(
                '<tr><th scope="row">{}</th><td>{}</td></tr>',
                c["prompt"],
                _select(
                    f"{name}-{c['id']}",
                    [(a, a) for a in answers],
                    response.get(str(c["id"])),
                    c["prompt"],
                ),
            )
            for c in shuffled([c for c in data["choices"] if c.get("prompt")], seed)
        ]
        return format_html('<table class="matching">{}</table>', mark_safe("".join(rows)))  # noqa: S308
    if kind == ORDERING:
        items = shuffled(data["choices"], seed)
        if isinstance(response, dict):  # as stored: {item id: position}
            order = {str(item): n for item, n in response.items()}
        else:
            order = {str(item): n for n, item in enumerate(response or [], start=1)}
        positions = [(n, str(n)) for n in range(1, len(items) + 1)]
        rows = [
            format_html(
                "<li>{} {}</li>",
                c["text"],
                _select(
                    f"{name}-{c['id']}",
                    positions,
                    order.get(str(c["id"]), ""),
                    _("Position of: %(item)s") % {"item": c["text"]},
                ),
            )
            for c in items
        ]
        return format_html('<ul class="ordering">{}</ul>', mark_safe("".join(rows)))  # noqa: S308
    raise ValueError(f"no controls for {kind}")


def render_question(data: dict, name: str, response=None, seed=0):
    """The whole question: stem (sanitised again on the way out) and its controls."""
    if data["type"] == CLOZE:
        response = response or {}
        template = rich_text(data["template"])

        def part(match):
            number = int(match[1])
            part_data = data["parts"][number - 1]
            field = f"{name}-{number}"
            value = response.get(str(number))
            if part_data["type"] == SINGLE and part_data["options"].get("display") == "dropdown":
                options = [
                    (c["id"], c["text"]) for c in shuffled(part_data["choices"], seed + number)
                ]
                return str(
                    _select(field, options, value, _("Blank %(number)s") % {"number": number})
                )
            if part_data["type"] in (SINGLE, MULTIPLE):
                return str(controls(part_data, field, value, seed + number))
            return str(_text_input(field, value, _("Blank %(number)s") % {"number": number}))

        body = re.sub(r"\{#(\d+)\}", part, template)
        return format_html('<div class="question-text cloze">{}</div>', mark_safe(body))  # noqa: S308
    return format_html(
        '<div class="question-text">{}</div>{}',
        rich_text(data["stem"]),
        controls(data, name, response, seed),
    )


# --- review: what was answered and what was right, as plain text -----------------------------


def _choice_text(data, choice_id) -> str:
    for choice in data.get("choices", []):
        if str(choice["id"]) == str(choice_id):
            return choice["text"]
    return ""


def response_text(data: dict, response) -> str:
    """The learner's response in words, for the review (never the right answer)."""
    if response in (None, "", [], {}):
        return ""
    kind = data["type"]
    if kind == SINGLE:
        return _choice_text(data, response)
    if kind == MULTIPLE:
        return "; ".join(_choice_text(data, item) for item in response)
    if kind == TRUE_FALSE:
        return _("True") if response in ("true", True) else _("False")
    if kind in (SHORT_ANSWER, NUMERICAL):
        return str(response)
    if kind == MATCHING:
        prompts = {str(c["id"]): c.get("prompt", "") for c in data["choices"]}
        return "; ".join(f"{prompts.get(key, '')} → {value}" for key, value in response.items())
    if kind == ORDERING:
        items = response
        if isinstance(response, dict):
            items = sorted(response, key=lambda key: response[key])
        return " → ".join(_choice_text(data, item) for item in items)
    if kind == CLOZE:
        return "; ".join(
            f"{number}: {response_text(data['parts'][int(number) - 1], value)}"
            for number, value in sorted(response.items(), key=lambda item: int(item[0]))
            if 0 < int(number) <= len(data["parts"])
        )
    return ""


def right_answer_text(data: dict) -> str:
    """The right answer in words, as Moodle's review shows it ("The correct answer is: …")."""
    kind = data["type"]
    choices = data.get("choices", [])
    best = [c for c in choices if c["fraction"] >= 0.999_999]
    if kind == SINGLE or kind in (SHORT_ANSWER, NUMERICAL):
        if not best:
            return ""
        choice = best[0]
        text = choice["text"]
        if kind == NUMERICAL and choice.get("tolerance"):
            text = f"{text} ± {choice['tolerance']:g}"
        if kind == NUMERICAL and data.get("options", {}).get("units"):
            text = f"{text} {data['options']['units'][0]['unit']}"
        return text
    if kind == MULTIPLE:
        return "; ".join(c["text"] for c in choices if c["fraction"] > 0)
    if kind == TRUE_FALSE:
        return _("True") if data["options"].get("correct") else _("False")
    if kind == MATCHING:
        return "; ".join(f"{c['prompt']} → {c['text']}" for c in choices if c.get("prompt"))
    if kind == ORDERING:
        return " → ".join(c["text"] for c in choices)
    if kind == CLOZE:
        return "; ".join(
            f"{number}: {right_answer_text(part)}"
            for number, part in enumerate(data["parts"], start=1)
        )
    return ""
