"""Moodle's embedded-answers syntax: every type name, escapes, malformed parts, and the round
trip text -> parts -> text."""

import pytest

from quizzes import cloze


def test_types_and_display_variants():
    _t, parts = cloze.parse(
        "{1:SAC:=Lagos}{1:MCV:=a~b}{1:MRH:%50%a~%50%b~%-100%c}{3:NM:=4:0.5}{1:MCS:=x~y}"
    )
    assert [(p["type"], p["options"].get("display"), p["weight"]) for p in parts] == [
        ("shortanswer", None, 1),
        ("single", "vertical", 1),
        ("multiple", "horizontal", 1),
        ("numerical", None, 3),
        ("single", "dropdown", 1),
    ]
    assert parts[0]["options"]["case_sensitive"] is True
    assert parts[2]["choices"][2]["fraction"] == -1.0
    assert parts[3]["choices"][0] == {
        "id": "4.1",
        "text": "4",
        "fraction": 1.0,
        "feedback": "",
        "tolerance": 0.5,
    }
    assert parts[4]["options"]["shuffle"] is True


def test_escaped_characters():
    _t, parts = cloze.parse(r"{1:SHORTANSWER:=a\}b\#c\~d#feed\#back}")
    choice = parts[0]["choices"][0]
    assert choice["text"] == "a}b#c~d" and choice["feedback"] == "feed#back"


@pytest.mark.parametrize(
    "text, message",
    [
        ("No part here.", "no embedded answer"),
        ("{1:ESSAY:=x}", "unknown type 'ESSAY'"),
        ("{1:SHORTANSWER:Paris~Lyon}", "no answer gives marks"),
        ("{1:NUMERICAL:=many}", "is not a number"),
    ],
)
def test_malformed_parts_are_refused_with_the_reason(text, message):
    with pytest.raises(cloze.ClozeError, match=message):
        cloze.parse(text)


def test_round_trip():
    text = (
        r"Pay {1:MULTICHOICE:=online#Yes~%0%by post#No} within {2:NUMERICAL:=30:2#Right} days; "
        r"name the portal: {1:SHORTANSWER_C:=eCitizen~%50%e\~citizen#Almost}."
    )
    template, parts = cloze.parse(text)
    again = cloze.unparse(template, parts)
    assert cloze.parse(again) == (template, parts)
