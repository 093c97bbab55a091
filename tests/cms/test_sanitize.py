"""cms.sanitize: plain text holds no markup even after entity decoding, no control
characters; CSV cells never start a spreadsheet formula, and import restores them exactly."""

import pytest

from cms.sanitize import (
    has_markup,
    is_single_line,
    markdown_to_html,
    neutralise_formula,
    plain_text,
    restore_formula,
)


@pytest.mark.parametrize(
    "text",
    [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
        "<scr<script>ipt>alert(1)</script>",
        "&#60;b&#62;bold&#60;/b&#62;",
    ],
)
def test_plain_text_holds_no_markup_after_decoding(text):
    cleaned = plain_text(f"Budget {text} vote")
    assert not has_markup(cleaned), cleaned
    assert "<script" not in cleaned.lower()
    assert cleaned.startswith("Budget") and cleaned.endswith("vote")


def test_plain_text_keeps_prose_and_entities_as_characters():
    assert plain_text("a < b and c > d") == "a < b and c > d"
    assert plain_text("AT&amp;T &amp; Co") == "AT&T & Co"
    assert plain_text("Café – “quoted”") == "Café – “quoted”"


def test_control_characters_are_removed_everywhere_text_is_stored():
    dirty = "Bud\x00get\x07 \x1bvote\x7f\x85"
    assert plain_text(dirty) == "Budget vote"
    assert "\x00" not in markdown_to_html(dirty) and "Budget" in markdown_to_html(dirty)
    assert plain_text("line one\r\nline\ttwo") == "line one\nline\ttwo"
    # One-line fields: tabs become spaces; line breaks stay for the one-line rule to refuse.
    assert plain_text("a\tb\nc", multiline=False) == "a b\nc"


@pytest.mark.parametrize("text", ["a\nb", "a\rb", "a\u2028b", "a\x85b", "a\x0cb"])
def test_any_line_break_makes_text_multi_line(text):
    assert not is_single_line(text)


def test_single_line_text():
    assert is_single_line("Participatory budgeting in Kumasi\t(2021)")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("https://evil.example","x")', '\'=HYPERLINK("https://evil.example","x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=already", "''=already"),
        ("'plain", "'plain"),
        ("Kumasi", "Kumasi"),
        ("", ""),
    ],
)
def test_formulas_are_neutralised_and_restored_exactly(value, cell):
    assert neutralise_formula(value) == cell
    assert restore_formula(cell) == value
