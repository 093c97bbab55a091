"""GIFT import and export: every type GIFT has, categories, tags, escapes, Windows-1252,
malformed files refused with their line, unsupported types, the round trip."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes import gift
from quizzes.grading import grade
from quizzes.models import Question

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


def run_import(path, *args):
    out = StringIO()
    call_command("import_questions", str(path), *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def data_of(name):
    return Question.objects.get(name=name).snapshot()


def test_every_gift_type(taxonomy):
    output = run_import(SAMPLES / "everything.gift")
    assert "Read 9 question(s)" in output
    assert "Tags that name no indicator (ignored): unrelated-tag" in output
    assert "need indicators" in output
    portal = Question.objects.get(name="Official portal")
    assert portal.category.path == "top/Local/Institutional framework"
    assert portal.idnumber == "IF-1"
    assert [i.code for i in portal.indicators.all()] == ["#281"]
    assert portal.qtype == "single" and "first thing assessors check" in portal.general_feedback
    assert Question.objects.get(name="Short answer").category.path == "top/Local/Services provision"

    assert grade(data_of("Official portal"), str(portal.choices.first().pk)).correct
    truefalse = data_of("Open data, true or false")
    assert truefalse["options"]["correct"] is True
    assert grade(truefalse, "false").feedback == ["Look again at the indicator."]
    assert "<b>policy</b>" in truefalse["stem"]
    two = data_of("Two right choices")
    assert two["type"] == "multiple"
    ids = [c["id"] for c in two["choices"]]
    assert grade(two, ids[:2]).correct and grade(two, [ids[0], ids[2]]).fraction == 0
    short = data_of("Short answer")
    assert grade(short, "Once-Only").correct and grade(short, "only once").fraction == 0.5
    numeric = data_of("Numerical")
    assert grade(numeric, "95").correct and grade(numeric, "98").fraction == 0.5
    assert grade(data_of("Range"), "12").correct and not grade(data_of("Range"), "21").correct
    matching = data_of("Matching")
    answers = {c["id"]: c["text"] for c in matching["choices"]}
    assert grade(matching, answers).correct
    missing = data_of("Missing word")
    assert "_____" in missing["stem"] and missing["type"] == "single"
    escapes = data_of("Escapes")
    assert "2 = 2 {always} true ~ or not: yes or no?" in escapes["stem"]
    assert escapes["choices"][0]["text"] == "yes # indeed"


def test_indicators_option_tags_every_question(taxonomy):
    run_import(SAMPLES / "everything.gift", "--indicators", "LOSI-2024:#281,if-215")
    assert not Question.objects.needs_indicators().exists()
    codes = set(Question.objects.get(name="Matching").indicators.values_list("code", flat=True))
    assert codes == {"#281", "#215"}


def test_an_unknown_indicator_option_refuses_the_import(taxonomy):
    with pytest.raises(CommandError, match="unknown indicator 'LOSI-2024:#999'"):
        run_import(SAMPLES / "everything.gift", "--indicators", "LOSI-2024:#999")
    assert not Question.objects.exists()


def test_windows_1252(taxonomy):
    run_import(SAMPLES / "windows-1252.gift")
    assert grade(data_of("Cafe"), "café").correct
    assert Question.objects.get(name="Fiancee").choices.get().text == "fiancée"


def test_unsupported_types_are_named_and_skipped_only_when_asked(taxonomy):
    with pytest.raises(CommandError, match="line 1: essay; line 3: description"):
        run_import(SAMPLES / "unsupported.gift")
    assert not Question.objects.exists()
    output = run_import(SAMPLES / "unsupported.gift", "--skip-unsupported")
    assert "Skipped, unsupported: line 1: essay" in output
    assert list(Question.objects.values_list("name", flat=True)) == ["Fine"]


@pytest.mark.parametrize(
    "text, message, line",
    [
        ("::A::Question {=right ~wrong\n", "never closed", 1),
        ("\n\n::B::Pick {~a ~b}", "no right answer", 3),
        ("::C::How many? {#lots}", "is not a number", 1),
        ("::D::Two {=a} blocks {=b}", "only one answer block", 1),
        ("::E::Fine {=x}\n\n::F::Bad {text =a}", "must start with = (right) or ~", 3),
        ("::H:: {=x}", "no question text", 1),
        ("::G::Weights {~%30%a ~%30%b ~c}", "add up to 100%", 1),
    ],
)
def test_a_malformed_file_is_refused_with_its_line(taxonomy, tmp_path, text, message, line):
    path = tmp_path / "bad.gift"
    path.write_text(text)
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert message in str(error.value) and f"line {line}" in str(error.value)
    assert "nothing was written" in str(error.value)
    assert not Question.objects.exists()


def test_the_round_trip(taxonomy, tmp_path):
    run_import(SAMPLES / "everything.gift", "--indicators", "if-215")
    first = {q.name: (q.category.path, strip_ids(q.snapshot())) for q in Question.objects.all()}
    exported = tmp_path / "export.gift"
    call_command("export_questions", str(exported), "--format", "gift", stderr=StringIO())
    Question.objects.all().delete()
    run_import(exported)
    second = {q.name: (q.category.path, strip_ids(q.snapshot())) for q in Question.objects.all()}
    assert second == first
    assert "[tag:LOSI-2024:#215]" in exported.read_text()


def strip_ids(data):
    data = dict(data)
    data["choices"] = [{k: v for k, v in c.items() if k != "id"} for c in data["choices"]]
    return data


def test_types_gift_cannot_hold_are_listed_on_export(taxonomy, tmp_path):
    from tests.quizzes.factories import make_question

    make_question(qtype="ordering", choices=(("First", 0), ("Second", 0)), name="Order them")
    err = StringIO()
    call_command("export_questions", str(tmp_path / "x.gift"), "--format", "gift", stderr=err)
    assert "Not in GIFT (use Moodle XML): Order them (ordering)" in err.getvalue()


def test_parse_keeps_escaped_braces_and_feedback_markers():
    (question,) = gift.parse("::T::a \\{b\\} {=c\\#d#e}")
    assert question.choices[0] == {"text": "c#d", "fraction": 1.0, "feedback": "e"}
    assert "a {b}" in question.stem


def test_importing_twice_adds_nothing_and_keeps_edits(taxonomy):
    run_import(SAMPLES / "everything.gift")
    portal = Question.objects.get(idnumber="IF-1")
    portal.name = "Edited by an editor"
    portal.save()
    output = run_import(SAMPLES / "everything.gift")
    assert "questions unchanged: 1" in output  # the one with an ID number
    assert Question.objects.filter(idnumber="IF-1").get().name == "Edited by an editor"
