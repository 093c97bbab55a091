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
        template = sanitize_html(data["template"])

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
        mark_safe(sanitize_html(data["stem"])),  # noqa: S308
        controls(data, name, response, seed),
    )
