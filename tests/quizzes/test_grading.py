"""Grading of every question type: partial credit, penalties, tolerance and units,
wildcards, case and accents, matching, ordering and cloze."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes import cloze
from quizzes.grading import grade, wildcard_match


def choices(*rows):
    return [
        {"id": str(n), "text": text, "fraction": fraction, "feedback": f"fb {n}"}
        for n, (text, fraction) in enumerate(rows, start=1)
    ]


SINGLE = {"type": "single", "choices": choices(("Yes", 1.0), ("Partly", 0.5), ("No", 0.0))}
MULTIPLE = {
    "type": "multiple",
    "choices": choices(("A", 0.5), ("B", 0.5), ("C", -0.5), ("D", -0.5)),
}


def test_single_choice():
    assert grade(SINGLE, "1").fraction == 1.0
    assert grade(SINGLE, "2").fraction == 0.5 and grade(SINGLE, "2").state == "partial"
    assert grade(SINGLE, "3").state == "incorrect"
    assert grade(SINGLE, "3").feedback == ["fb 3"]
    assert grade(SINGLE, None).state == "unanswered"
    assert grade(SINGLE, "99").state == "unanswered"  # a forged id counts as nothing


def test_multiple_choice_partial_credit_and_penalties():
    assert grade(MULTIPLE, ["1", "2"]).fraction == 1.0
    assert grade(MULTIPLE, ["1"]).fraction == 0.5
    assert grade(MULTIPLE, ["1", "3"]).fraction == 0.0  # the penalty cancels the half
    assert grade(MULTIPLE, ["1", "2", "3"]).fraction == 0.5
    assert grade(MULTIPLE, ["3", "4"]).fraction == 0.0  # never below zero
    assert grade(MULTIPLE, []).state == "unanswered"


@given(st.lists(st.sampled_from(["1", "2", "3", "4", "x"]), unique=True))
def test_a_fraction_always_stays_between_zero_and_one(picked):
    assert 0.0 <= grade(MULTIPLE, picked).fraction <= 1.0


def test_true_false():
    data = {
        "type": "truefalse",
        "choices": [],
        "options": {"correct": False, "feedback_true": "No: it is false."},
    }
    assert grade(data, "false").correct
    assert grade(data, "true").fraction == 0 and grade(data, "true").feedback == [
        "No: it is false."
    ]
    assert grade(data, "maybe").state == "unanswered"


SHORT = {
    "type": "shortanswer",
    "choices": choices(("open data portal", 1.0), ("open*", 0.5), ("*data*", 0.25)),
    "options": {"case_sensitive": False, "accent_sensitive": False},
}


@pytest.mark.parametrize(
    "answer, fraction",
    [
        ("Open  Data Portal", 1.0),
        ("open government", 0.5),
        ("the data we hold", 0.25),
        ("portal", 0.0),
    ],
)
def test_short_answer_first_matching_pattern_wins(answer, fraction):
    assert grade(SHORT, answer).fraction == fraction


def test_short_answer_case_and_accents_as_the_question_says():
    data = {"type": "shortanswer", "choices": choices(("Données", 1.0)), "options": {}}
    assert grade(data, "données").correct  # case-insensitive by default
    assert not grade(data, "donnees").correct  # accents count unless told otherwise
    data["options"] = {"accent_sensitive": False}
    assert grade(data, "DONNEES").correct
    data["options"] = {"case_sensitive": True}
    assert not grade(data, "données").correct


def test_wildcards_and_escaped_stars():
    assert wildcard_match("e-*", "e-government")
    assert not wildcard_match("e-*", "government")
    assert wildcard_match("5\\*3", "5*3") and not wildcard_match("5\\*3", "5x3")
    assert wildcard_match("a.b", "a.b") and not wildcard_match("a.b", "axb")  # no regex leak


NUMERIC = {
    "type": "numerical",
    "choices": [
        {"id": "1", "text": "1500", "fraction": 1.0, "tolerance": 10, "feedback": "Right"},
        {"id": "2", "text": "1500", "fraction": 0.5, "tolerance": 100, "feedback": "Close"},
        {"id": "3", "text": "*", "fraction": 0.0, "feedback": "Any other"},
    ],
    "options": {"units": [{"unit": "m", "multiplier": 1}, {"unit": "km", "multiplier": 0.001}]},
}


@pytest.mark.parametrize(
    "answer, fraction",
    [
        ("1500", 1.0),
        ("1509.9", 1.0),
        ("1,5 km", 1.0),
        ("1.45 km", 0.5),
        ("1500 m", 1.0),
        ("2000", 0.0),
        ("1500 miles", 0.0),
        ("lots", 0.0),
        ("1e400", 0.0),
    ],
)
def test_numerical_tolerance_and_units(answer, fraction):
    assert grade(NUMERIC, answer).fraction == fraction


def test_numerical_unit_penalty_and_required_unit():
    data = {**NUMERIC, "options": {**NUMERIC["options"], "unit_penalty": 0.1}}
    assert grade(data, "1500").fraction == pytest.approx(0.9)
    data["options"]["unit_required"] = True
    assert grade(data, "1500").fraction == 0.0


MATCHING = {
    "type": "matching",
    "choices": [
        {"id": "1", "prompt": "Budget", "text": "Finance department"},
        {"id": "2", "prompt": "Permits", "text": "Urban planning"},
        {"id": "3", "prompt": "Waste", "text": "Environment"},
        {"id": "4", "prompt": "", "text": "Tourism"},  # a distractor answer
    ],
}


def test_matching_gives_a_share_per_pair():
    assert grade(
        MATCHING, {"1": "Finance department", "2": "Urban planning", "3": "Environment"}
    ).correct
    partial = grade(MATCHING, {"1": "Finance department", "2": "Tourism", "3": ""})
    assert partial.fraction == pytest.approx(1 / 3) and partial.parts == [1.0, 0.0, 0.0]
    assert grade(MATCHING, {}).state == "unanswered"


ORDERING = {"type": "ordering", "choices": [{"id": c, "text": c} for c in "ABCD"], "options": {}}


def test_ordering_absolute_position_and_all_or_nothing():
    assert grade(ORDERING, list("ABCD")).correct
    assert grade(ORDERING, list("ABDC")).fraction == 0.5
    assert grade(ORDERING, list("ABC")).fraction == 0.0  # an item missing
    assert grade(ORDERING, list("ABCX")).fraction == 0.0  # a forged item
    strict = {**ORDERING, "options": {"ordering_grading": "all_or_nothing"}}
    assert grade(strict, list("ABDC")).fraction == 0.0


def test_cloze_parts_are_graded_by_type_and_weighted():
    template, parts = cloze.parse(
        "The capital is {2:SHORTANSWER:=Paris#Right~%50%Lyon#Not the capital}; "
        "it has {1:NUMERICAL:=2100000:100000} people and is in "
        "{1:MULTICHOICE:=Europe#Yes~Asia#No}."
    )
    data = {"type": "cloze", "parts": parts}
    assert template.count("{#") == 3
    assert grade(data, {"1": "paris", "2": "2.1e6", "3": "3.1"}).correct
    half = grade(data, {"1": "Lyon", "2": "2100000", "3": "3.2"})
    assert half.fraction == pytest.approx((2 * 0.5 + 1 + 0) / 4)
    assert "Not the capital" in half.feedback
    assert grade(data, {}).state == "unanswered"
