"""Moodle XML import and export: every type, nested categories, tags, penalties, units,
embedded files, unsupported types, malformed files and an XML bomb refused, the round trip."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

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


def test_every_type_from_a_moodle_file(taxonomy):
    with pytest.raises(CommandError, match="question 11 \\(essay\\): essay"):
        run_import(SAMPLES / "moodle.xml")
    output = run_import(SAMPLES / "moodle.xml", "--skip-unsupported")
    assert "Read 8 question(s)" in output
    assert "images created: 1" in output  # card.png, shown by the first question's text
    payment = Question.objects.get(name="Online payment")
    assert payment.category.path == "top/Default for Local course/Services provision"
    assert payment.idnumber == "SP-236-1" and payment.default_points == 2
    assert [i.code for i in payment.indicators.all()] == ["#281"]
    assert "<b>online</b>" in payment.general_feedback
    assert "@@PLUGINFILE@@" not in payment.stem and 'embedtype="image"' in payment.stem
    several = data_of("Several channels")
    assert several["type"] == "multiple" and several["penalty"] == pytest.approx(0.1)
    ids = [c["id"] for c in several["choices"]]
    assert grade(several, ids[:2]).correct and grade(several, [ids[0], ids[2]]).fraction == 0
    truefalse = data_of("Policy online")
    assert truefalse["options"]["correct"] is True
    assert grade(truefalse, "false").feedback == ["Look again."]
    once = Question.objects.get(name="Once only")
    assert once.category.path.endswith("Services provision/Numbers")
    assert grade(once.snapshot(), "only this").fraction == 0.5
    distance = data_of("Distance")
    assert grade(distance, "1.5 km").correct and grade(distance, "1500").fraction == pytest.approx(
        0.9
    )
    matching = data_of("Departments")
    pairs = {c["id"]: c["text"] for c in matching["choices"] if c.get("prompt")}
    assert grade(matching, pairs).correct and len(matching["choices"]) == 3
    steps = data_of("Steps")
    assert [c["text"] for c in steps["choices"]] == ["Inventory", "Prioritise", "Publish"]
    embedded = data_of("Embedded")
    assert grade(embedded, {"1": "1.1", "2": "31"}).correct


def test_an_xml_bomb_is_refused(taxonomy):
    with pytest.raises(CommandError, match="declares a DTD or entities: refused"):
        run_import(SAMPLES / "bomb.xml")
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "xml, message",
    [
        ("<quiz><question type='multichoice'>", "not well-formed XML"),
        ("<questions/>", "root element is <questions>"),
        (
            "<quiz><question type='multichoice'><name><text>X</text></name><questiontext>"
            "<text>Q</text></questiontext><answer fraction='lots'><text>a</text></answer>"
            "</question></quiz>",
            "question 1 (multichoice): fraction 'lots' is not a number",
        ),
        (
            "<quiz><question type='cloze'><name><text>C</text></name><questiontext><text>"
            "{1:SHORTANSWER:wrong}</text></questiontext></question></quiz>",
            "question 1 (cloze)",
        ),
        (
            "<quiz><question type='multichoice'><name><text>X</text></name><questiontext><text>Q"
            "</text></questiontext><answer fraction='50'><text>a</text></answer></question></quiz>",
            "full marks",
        ),
    ],
)
def test_a_malformed_file_names_the_place(taxonomy, tmp_path, xml, message):
    path = tmp_path / "bad.xml"
    path.write_text(xml)
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert message in str(error.value)
    assert "nothing was written" in str(error.value)
    assert not Question.objects.exists()


def test_the_round_trip_through_moodle_xml(taxonomy, tmp_path):
    run_import(SAMPLES / "moodle.xml", "--skip-unsupported", "--indicators", "if-215")

    def bank():
        return {
            q.name: (q.category.path, q.default_points, strip_ids(q.snapshot()))
            for q in Question.objects.all()
        }

    first = bank()
    exported = tmp_path / "export.xml"
    call_command("export_questions", str(exported), stderr=StringIO())
    Question.objects.all().delete()
    run_import(exported)
    assert bank() == first
    text = exported.read_text()
    assert "<text>LOSI-2024:#215</text>" in text and 'type="ordering"' in text


def strip_ids(data):
    data = dict(data)
    data["choices"] = [{k: v for k, v in c.items() if k != "id"} for c in data["choices"]]
    return data
