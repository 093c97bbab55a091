"""What the question-bank reader refuses, or cleans, before anything is written: bytes that
are not text, encodings it cannot read, numbers that are not numbers or that the bank's
fields cannot hold, control characters. Each problem has its place (a GIFT line, a Moodle
XML question), and a file's problems all come in one pass."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes import gift, moodle_xml
from quizzes.models import Question, QuestionCategory

pytestmark = pytest.mark.django_db


def run_import(path):
    out = StringIO()
    call_command("import_questions", str(path), stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def problems_of(path: Path, content: bytes) -> list[str]:
    """The problems the import reports for a file holding `content`, each as "place: message"
    without the file's name; and nothing written."""
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        run_import(path)
    heading, *problems = str(error.value).splitlines()
    assert heading.endswith(f"{len(problems)} problem(s); nothing was written:")
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()
    return [problem.removeprefix(f"{path}, ") for problem in problems]


def moodle(body: bytes, qtype: str = "numerical", name: bytes = b"N") -> bytes:
    return (
        b'<question type="' + qtype.encode() + b'"><name><text>' + name + b"</text></name>"
        b"<questiontext><text>Q</text></questiontext>" + body + b"</question>"
    )


def quiz(*questions: bytes) -> bytes:
    return b"<quiz>" + b"".join(questions) + b"</quiz>"


# --- GIFT --------------------------------------------------------------------------------------


def test_gift_bytes_neither_utf8_nor_windows_1252_are_refused_by_line(tmp_path):
    # 0x81 and 0x8D mean nothing in Windows-1252; one problem per line that holds them.
    content = b"::A::Fine {=a ~b}\n\n::B::Pick {=caf\x81\x8d ~b}\n"
    byte = content.index(b"\x81")
    assert problems_of(tmp_path / "bad.gift", content) == [
        f"line 3: not text in UTF-8 or Windows-1252 (byte {byte}): save the file as UTF-8"
    ]


def test_gift_decode_reports_every_line_and_reads_on():
    text, problems = gift.decode(b"\x81 {=a}\n\n::Q:: b {=x}\n\x90\x9d")
    assert [(problem.line, str(problem)) for problem in problems] == [
        (1, "not text in UTF-8 or Windows-1252 (byte 0): save the file as UTF-8"),
        (4, "not text in UTF-8 or Windows-1252 (byte 21): save the file as UTF-8"),
    ]
    assert text == "\ufffd {=a}\n\n::Q:: b {=x}\n\ufffd\ufffd"


def test_a_gift_file_with_nul_bytes_is_not_text(tmp_path):
    content = b"::A::Fine {=a ~b}\n\n::B::Pick {=a\x00b ~c}\n"
    assert problems_of(tmp_path / "utf16.gift", content) == [
        "line 3: not a text file (it holds NUL bytes); save it as UTF-8 text"
    ]


@pytest.mark.parametrize(
    "answers, message",
    [
        ("~%150%a ~b", "answer 'a': fraction 150% is out of range: the bank keeps -100% to 100%"),
        ("=a ~%-200%b", "answer 'b': fraction -200% is out of range: the bank keeps -100% to 100%"),
    ],
)
def test_a_gift_weight_outside_100_percent_is_refused(tmp_path, answers, message):
    content = f"::A::Fine {{=a ~b}}\n\n::B::Pick {{{answers}}}\n".encode()
    # Only this problem: the type's rule (one answer with full marks) is not checked on top.
    assert problems_of(tmp_path / "bad.gift", content) == [f"line 3: {message}"]


@pytest.mark.parametrize("answer", ["nan", "inf", "-inf", "1e400", "1..1e400", "5:nan"])
def test_a_gift_number_that_is_not_finite_is_refused(tmp_path, answer):
    content = f"::N::How many? {{#{answer}}}".encode()
    assert problems_of(tmp_path / "bad.gift", content) == [
        f"line 1: {answer!r} holds a number that is not finite (nan, inf, or past 1e308)"
    ]


def test_a_gift_tolerance_too_large_for_the_bank_is_refused(tmp_path):
    assert problems_of(tmp_path / "bad.gift", b"::N::How many? {#5:1e9}") == [
        "line 1: answer '5': tolerance 1000000000 is out of range: "
        "the bank keeps -99999999.9999 to 99999999.9999"
    ]


def test_control_characters_in_gift_text_are_dropped(tmp_path):
    path = tmp_path / "controls.gift"
    path.write_bytes(
        b"$CATEGORY: $course$/top/Lo\x01cal\n\n"
        b"// [id:ID\x02-1]\n"
        b"::Na\x03me::Pick \x1b{=ri\x04ght#we\x05ll ~wr\x7fong}\n\n"
        b"::T::True? {T#\x06wrong#right\x07}\n"
    )
    run_import(path)
    question = Question.objects.get(name="Name")
    assert question.category.path == "top/Local" and question.idnumber == "ID-1"
    choices = [(c.text, c.feedback) for c in question.choices.all()]
    assert choices == [("right", "well"), ("wrong", "")]
    options = Question.objects.get(name="T").options
    assert (options["feedback_false"], options["feedback_true"]) == ("wrong", "right")


def test_a_malformed_gift_question_does_not_hide_the_others(tmp_path):
    content = (
        b"::A::Never closed {=a ~b\n\n"
        b"::B::Caf\x81 {=a ~b}\n\n"
        b"::C::Weights {~%150%a ~b}\n\n"
        b"::D::How many? {#nan}\n\n"
        b"::E:: {=x}\n"
    )
    byte = content.index(b"\x81")
    assert problems_of(tmp_path / "bad.gift", content) == [
        f"line 3: not text in UTF-8 or Windows-1252 (byte {byte}): save the file as UTF-8",
        "line 1: an answer block opened with { is never closed with }",
        "line 5: answer 'a': fraction 150% is out of range: the bank keeps -100% to 100%",
        "line 7: 'nan' holds a number that is not finite (nan, inf, or past 1e308)",
        "line 9: no question text",
    ]


# --- Moodle XML --------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["klingon", "rot13", "shift_jis", "utf-7"])
def test_an_xml_encoding_the_reader_cannot_read_is_refused(tmp_path, encoding):
    content = f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + quiz()
    assert problems_of(tmp_path / "odd.xml", content) == [
        f"line 1: cannot be read: its XML declaration names the encoding {encoding!r}, which "
        "cannot be read here; save the file as UTF-8"
    ]


@pytest.mark.parametrize(
    "units, message",
    [
        (
            b"<units><unit><unit_name>m</unit_name><multiplier>abc</multiplier></unit></units>",
            "multiplier 'abc' is not a number",
        ),
        (
            b"<units><unit><unit_name>m</unit_name><multiplier>nan</multiplier></unit></units>",
            "multiplier 'nan' is not a finite number",
        ),
        (
            b"<unitpenalty>lots</unitpenalty>"
            b"<units><unit><unit_name>m</unit_name><multiplier>1</multiplier></unit></units>",
            "unitpenalty 'lots' is not a number",
        ),
        (
            b"<unitpenalty>inf</unitpenalty>"
            b"<units><unit><unit_name>m</unit_name><multiplier>1</multiplier></unit></units>",
            "unitpenalty 'inf' is not a finite number",
        ),
    ],
)
def test_a_unit_number_that_is_not_a_number_is_refused(tmp_path, units, message):
    content = quiz(moodle(b'<answer fraction="100"><text>5</text></answer>' + units))
    assert problems_of(tmp_path / "units.xml", content) == [f"question 1 (numerical): {message}"]


@pytest.mark.parametrize(
    "fraction, message",
    [
        ("nan", "fraction 'nan' is not a finite number"),
        ("inf", "fraction 'inf' is not a finite number"),
        ("-1e999", "fraction '-1e999' is not a finite number"),
        ("150", "answer 'a': fraction 150% is out of range: the bank keeps -100% to 100%"),
        ("-100.5", "answer 'a': fraction -100.5% is out of range: the bank keeps -100% to 100%"),
    ],
)
def test_an_xml_fraction_that_is_not_a_number_or_past_100_percent_is_refused(
    tmp_path, fraction, message
):
    answers = (
        f'<answer fraction="100"><text>right</text></answer>'
        f'<answer fraction="{fraction}"><text>a</text></answer>'
    ).encode()
    content = quiz(moodle(answers, "multichoice"))
    assert problems_of(tmp_path / "bad.xml", content) == [f"question 1 (multichoice): {message}"]


@pytest.mark.parametrize(
    "element, message",
    [
        (
            b"<defaultgrade>1e9</defaultgrade>",
            "default grade 1000000000 is out of range: the bank keeps -9999.99 to 9999.99",
        ),
        (
            b"<defaultgrade>10000</defaultgrade>",
            "default grade 10000 is out of range: the bank keeps -9999.99 to 9999.99",
        ),
        (b"<defaultgrade>inf</defaultgrade>", "defaultgrade 'inf' is not a finite number"),
        (b"<defaultgrade>nan</defaultgrade>", "defaultgrade 'nan' is not a finite number"),
        (b"<penalty>nan</penalty>", "penalty 'nan' is not a finite number"),
        (b"<penalty>-inf</penalty>", "penalty '-inf' is not a finite number"),
        (b"<penalty>much</penalty>", "penalty 'much' is not a number"),
    ],
)
def test_a_default_grade_or_penalty_the_bank_cannot_keep_is_refused(tmp_path, element, message):
    content = quiz(
        moodle(element + b'<answer fraction="100"><text>a</text></answer>', "shortanswer")
    )
    assert problems_of(tmp_path / "bad.xml", content) == [f"question 1 (shortanswer): {message}"]


@pytest.mark.parametrize(
    "tolerance, message",
    [
        (
            "1e8",
            "answer '5': tolerance 100000000 is out of range: "
            "the bank keeps -99999999.9999 to 99999999.9999",
        ),
        ("nan", "tolerance 'nan' is not a finite number"),
        ("inf", "tolerance 'inf' is not a finite number"),
    ],
)
def test_a_tolerance_the_bank_cannot_keep_is_refused(tmp_path, tolerance, message):
    answer = f'<answer fraction="100"><text>5</text><tolerance>{tolerance}</tolerance></answer>'
    content = quiz(moodle(answer.encode()))
    assert problems_of(tmp_path / "bad.xml", content) == [f"question 1 (numerical): {message}"]


def test_values_at_the_edges_of_the_fields_are_kept(tmp_path):
    path = tmp_path / "edges.xml"
    answers = (
        b'<answer fraction="100"><text>5</text><tolerance>99999999.9999</tolerance></answer>'
        b'<answer fraction="-100"><text>6</text><tolerance>0.00001</tolerance></answer>'
    )
    path.write_bytes(quiz(moodle(b"<defaultgrade>9999.99</defaultgrade>" + answers)))
    run_import(path)
    question = Question.objects.get()
    assert question.default_points == Decimal("9999.99")
    values = [(c.fraction, c.tolerance) for c in question.choices.all()]
    assert values == [
        (1, Decimal("99999999.9999")),
        (-1, 0),
    ]  # a tolerance kept to the field's 4 places


def test_control_characters_in_xml_text_are_dropped(tmp_path):
    # XML 1.0 refuses C0 controls (NUL included) itself; C1 controls and DEL it lets through.
    path = tmp_path / "controls.xml"
    units = (
        b"<units><unit><unit_name>k\xc2\x85m</unit_name><multiplier>1</multiplier></unit></units>"
    )
    answer = (
        b'<answer fraction="100"><text>5\xc2\x9f</text><feedback><text>ok\x7f</text></feedback>'
    )
    path.write_bytes(quiz(moodle(answer + b"</answer>" + units, name=b"Dis\xc2\x80tance")))
    run_import(path)
    question = Question.objects.get()
    assert question.name == "Distance" and question.options["units"][0]["unit"] == "km"
    assert [(c.text, c.feedback) for c in question.choices.all()] == [("5", "ok")]


def test_every_question_of_an_xml_file_is_checked_in_one_pass(tmp_path):
    content = quiz(
        moodle(b'<answer fraction="nan"><text>5</text></answer>'),
        moodle(
            b'<answer fraction="100"><text>5</text></answer>'
            b"<units><unit><unit_name>m</unit_name><multiplier>abc</multiplier></unit></units>"
        ),
        moodle(b'<answer fraction="100"><text>true</text></answer>', "truefalse"),
        moodle(
            b"<defaultgrade>1e9</defaultgrade><penalty>nan</penalty>"
            b'<answer fraction="150"><text>a</text></answer>',
            "shortanswer",
        ),
    )
    assert problems_of(tmp_path / "bad.xml", content) == [
        "question 1 (numerical): fraction 'nan' is not a finite number",
        "question 2 (numerical): multiplier 'abc' is not a number",
        "question 3 (truefalse): a true/false question needs a 'true' and a 'false' answer",
        "question 4 (shortanswer): penalty 'nan' is not a finite number",
        "question 4 (shortanswer): default grade 1000000000 is out of range: "
        "the bank keeps -9999.99 to 9999.99",
        "question 4 (shortanswer): answer 'a': fraction 150% is out of range: "
        "the bank keeps -100% to 100%",
    ]


def test_the_xml_reader_returns_its_problems_with_the_question():
    (question,) = moodle_xml.parse(quiz(moodle(b'<answer fraction="x"><text>5</text></answer>')))
    assert question.problems == ["fraction 'x' is not a number"] and not question.unreadable


@pytest.mark.parametrize(
    "part, message",
    [
        ("{1:NUMERICAL:=5:abc}", "part 1: the tolerance 'abc' of '5' is not a number"),
        ("{1:NUMERICAL:=5:inf}", "part 1: the tolerance 'inf' of '5' is not a number"),
        ("{1:NUMERICAL:=nan}", "part 1: 'nan' is not a number"),
    ],
)
def test_a_cloze_number_that_is_not_a_number_is_refused(tmp_path, part, message):
    content = quiz(
        b'<question type="cloze"><name><text>N</text></name><questiontext><text>Pay '
        + part.encode()
        + b" times.</text></questiontext></question>"
    )
    [problem] = problems_of(tmp_path / "bad.xml", content)
    assert problem.startswith("question 1 (cloze)") and problem.endswith(message), problem
