"""The problems a question-bank import reports are in the reader's language: French under
"fr", English under "en", each still with its place (a GIFT line, a Moodle XML question or
line and column). Messages are translated when they are produced, so the same file read
twice in two languages gives each its own words."""

import base64

import pytest
from django.utils.translation import override

from cms.imports import ImportProblems
from quizzes.importer import read_questions

pytestmark = pytest.mark.django_db


def problems_of(path, content: bytes, language: str) -> list[tuple]:
    """(line, element, message) of each problem the import reports, read in `language`."""
    path.write_bytes(content)
    with override(language), pytest.raises(ImportProblems) as error:
        read_questions(path)
    return [(problem.line, problem.element, problem.message) for problem in error.value.problems]


# --- GIFT --------------------------------------------------------------------------------------

GIFT = (
    b"::A::Never closed {=a ~b\n\n"
    b"::B::Caf\x81 {=a ~b}\n\n"
    b"::C::Weights {~%150%a ~b}\n\n"
    b"::D::How many? {#nan}\n\n"
    b"::E:: {=x}\n\n"
    b"::F::Pick {a ~b}\n\n"
    b"::G::Pick {~a ~b}\n\n"
    b"::H::How many? {#many}\n"
)
BYTE = GIFT.index(b"\x81")


def test_a_malformed_gift_file_is_refused_in_french(tmp_path):
    assert problems_of(tmp_path / "bad.gift", GIFT, "fr") == [
        (
            3,
            "",
            f"pas du texte en UTF-8 ni en Windows-1252 (octet {BYTE}) : enregistrez le "
            "fichier en UTF-8",
        ),
        (1, "", "un bloc de réponses ouvert par { n’est jamais fermé par }"),
        (
            5,
            "",
            "réponse 'a' : la note 150 % est hors limites : la banque de questions accepte de "
            "-100 % à 100 %",
        ),
        (7, "", "'nan' contient un nombre qui n’est pas fini (nan, inf, ou au-delà de 1e308)"),
        (9, "", "aucun texte de question"),
        (11, "", "chaque réponse doit commencer par = (bonne réponse) ou ~ (mauvaise réponse)"),
        (
            13,
            "",
            "aucune bonne réponse (faites commencer l’une d’elles par = ou attribuez-lui %100%)",
        ),
        (15, "", "'many' n’est ni un nombre, ni un nombre:tolérance, ni un min..max"),
    ]


def test_the_same_gift_file_is_refused_in_english_under_en(tmp_path):
    assert problems_of(tmp_path / "bad.gift", GIFT, "en") == [
        (3, "", f"not text in UTF-8 or Windows-1252 (byte {BYTE}): save the file as UTF-8"),
        (1, "", "an answer block opened with { is never closed with }"),
        (5, "", "answer 'a': fraction 150% is out of range: the bank keeps -100% to 100%"),
        (7, "", "'nan' holds a number that is not finite (nan, inf, or past 1e308)"),
        (9, "", "no question text"),
        (11, "", "every answer must start with = (right) or ~ (wrong)"),
        (13, "", "no right answer (start one with = or give it %100%)"),
        (15, "", "'many' is not a number, a number:tolerance or a min..max"),
    ]


def test_a_gift_file_with_nul_bytes_and_unsupported_questions_in_french(tmp_path):
    assert problems_of(tmp_path / "utf16.gift", b"::A::Pick {=a\x00b ~c}\n", "fr") == [
        (1, "", "pas un fichier texte (il contient des octets NUL) ; enregistrez-le en texte UTF-8")
    ]
    essay = b"::A::Pick {=a ~b}\n\n::B::Tell us {}\n\n::C::Just text.\n"
    assert problems_of(tmp_path / "essay.gift", essay, "fr") == [
        (
            None,
            "",
            "types de questions non pris en charge (importez avec --skip-unsupported pour les "
            "écarter) : ligne 3 : essay; ligne 5 : description",
        )
    ]


def test_a_file_of_an_unknown_format_in_french(tmp_path):
    assert problems_of(tmp_path / "questions", b"", "fr") == [
        (
            None,
            "",
            "format '(sans extension)' inconnu : les fichiers GIFT se terminent par .gift ou "
            ".txt, les fichiers Moodle XML par .xml",
        )
    ]
    path = tmp_path / "questions.gift"
    with override("fr"), pytest.raises(ImportProblems) as error:
        read_questions(path)
    assert [problem.message for problem in error.value.problems] == ["fichier introuvable"]
    path.write_text("::A::Pick {=a ~b}\n")
    with override("fr"), pytest.raises(ImportProblems) as error:
        read_questions(path, "nowhere-1")
    assert [problem.message for problem in error.value.problems] == [
        "--indicators : indicateur 'nowhere-1' inconnu (par ex. LOSI-2024:#236 ou if-236)"
    ]


# --- Moodle XML --------------------------------------------------------------------------------


def moodle(qtype: str, body: str, name: str = "N", stem: str = "Q") -> str:
    return (
        f'<question type="{qtype}"><name><text>{name}</text></name>'
        f"<questiontext><text><![CDATA[{stem}]]></text></questiontext>{body}</question>"
    )


def quiz(*questions: str) -> bytes:
    return ("<quiz>" + "".join(questions) + "</quiz>").encode()


BROKEN = base64.b64encode(b"plain text, not a picture").decode()
XML = quiz(
    moodle("numerical", '<answer fraction="nan"><text>5</text></answer>'),
    moodle("truefalse", '<answer fraction="100"><text>true</text></answer>'),
    moodle("cloze", "", stem="Capital: {1:ESSAY:=Paris}"),
    moodle(
        "shortanswer",
        "<defaultgrade>1e9</defaultgrade><penalty>much</penalty>"
        '<answer fraction="100"><text>a</text><tolerance>1e9</tolerance></answer>',
    ),
    moodle(
        "multichoice",
        '<answer fraction="100"><text>Yes</text></answer>'
        '<answer fraction="0"><text>No</text></answer>',
        name="Pictures",
        stem='<img src="@@PLUGINFILE@@/gone.png"><img src="@@PLUGINFILE@@/fake.png">',
    ).replace(
        "</text></questiontext>",
        f'</text><file name="fake.png" path="/" encoding="base64">{BROKEN}</file>'
        '<file name="notes.txt" path="/" encoding="uuencode">x</file></questiontext>',
    ),
    moodle("essay", ""),
)


def test_a_malformed_moodle_xml_file_is_refused_in_french(tmp_path):
    assert problems_of(tmp_path / "bad.xml", XML, "fr") == [
        (None, "question 1 (numerical)", "la valeur 'nan' de fraction n’est pas un nombre fini"),
        (
            None,
            "question 2 (truefalse)",
            "une question vrai/faux doit avoir une réponse 'true' et une réponse 'false'",
        ),
        (None, "question 3 (cloze)", "partie 1 : type 'ESSAY' inconnu"),
        (None, "question 4 (shortanswer)", "la valeur 'much' de penalty n’est pas un nombre"),
        (
            None,
            "question 4 (shortanswer)",
            "la note par défaut 1000000000 est hors limites : la banque de questions accepte de "
            "-9999.99 à 9999.99",
        ),
        (
            None,
            "question 4 (shortanswer)",
            "réponse 'a' : la tolérance 1000000000 est hors limites : la banque de questions "
            "accepte de -99999999.9999 à 99999999.9999",
        ),
        (
            None,
            "question 5 (multichoice)",
            "'Pictures' : fichier 'notes.txt' : encodage 'uuencode' (Moodle écrit en base64)",
        ),
        (
            None,
            "question 5 (multichoice)",
            "'Pictures' : une balise <img> affiche '@@PLUGINFILE@@/gone.png', mais aucun élément "
            "<file> ne s’appelle 'gone.png'",
        ),
        (
            None,
            "question 5 (multichoice)",
            "'Pictures' : l’image 'fake.png' n’est pas une image valide (PNG, JPEG, GIF ou WebP)",
        ),
        (
            None,
            "",
            "types de questions non pris en charge (importez avec --skip-unsupported pour les "
            "écarter) : question 6 (essay) : essay",
        ),
    ]


def test_the_same_moodle_xml_file_is_refused_in_english_under_en(tmp_path):
    assert problems_of(tmp_path / "bad.xml", XML, "en") == [
        (None, "question 1 (numerical)", "fraction 'nan' is not a finite number"),
        (
            None,
            "question 2 (truefalse)",
            "a true/false question needs a 'true' and a 'false' answer",
        ),
        (None, "question 3 (cloze)", "part 1: unknown type 'ESSAY'"),
        (None, "question 4 (shortanswer)", "penalty 'much' is not a number"),
        (
            None,
            "question 4 (shortanswer)",
            "default grade 1000000000 is out of range: the bank keeps -9999.99 to 9999.99",
        ),
        (
            None,
            "question 4 (shortanswer)",
            "answer 'a': tolerance 1000000000 is out of range: "
            "the bank keeps -99999999.9999 to 99999999.9999",
        ),
        (
            None,
            "question 5 (multichoice)",
            "'Pictures': file 'notes.txt': encoding 'uuencode' (Moodle writes base64)",
        ),
        (
            None,
            "question 5 (multichoice)",
            "'Pictures': an <img> shows '@@PLUGINFILE@@/gone.png' but no <file> is 'gone.png'",
        ),
        (
            None,
            "question 5 (multichoice)",
            "'Pictures': image 'fake.png' is not a valid image (PNG, JPEG, GIF or WebP)",
        ),
        (
            None,
            "",
            "unsupported question types (import with --skip-unsupported to leave them out): "
            "question 6 (essay): essay",
        ),
    ]


def test_xml_that_cannot_be_read_is_refused_in_french_with_its_line_and_column(tmp_path):
    (line, element, message), *others = problems_of(
        tmp_path / "broken.xml", b"<quiz>\n  <question>\n</quiz>", "fr"
    )
    assert not others and line is None
    assert element == "ligne 3, colonne 2"
    assert message.startswith("XML mal formé (")
    assert problems_of(tmp_path / "root.xml", b"<questions/>", "fr") == [
        (None, "ligne 1", "l’élément racine est <questions> et non <quiz>")
    ]
    assert problems_of(tmp_path / "root.xml", b"<questions/>", "en") == [
        (None, "line 1", "the root element is <questions>, not <quiz>")
    ]
    declared = b'<?xml version="1.0" encoding="klingon"?><quiz/>'
    assert problems_of(tmp_path / "odd.xml", declared, "fr") == [
        (
            None,
            "ligne 1",
            "illisible : sa déclaration XML indique l’encodage 'klingon', qui ne peut pas être "
            "lu ici ; enregistrez le fichier en UTF-8",
        )
    ]


def test_what_a_moodle_xml_import_leaves_out_is_listed_in_french(tmp_path):
    path = tmp_path / "skipped.xml"
    path.write_bytes(
        quiz(
            moodle(
                "multichoice",
                '<answer fraction="100"><text>Yes</text></answer>'
                '<answer fraction="0"><text>No</text></answer>',
                name="Rules",
                stem='<a href="@@PLUGINFILE@@/rules.pdf">rules</a>',
            ).replace(
                "</text></questiontext>",
                '</text><file name="rules.pdf" path="/" encoding="base64">JVBERi0=</file>'
                "</questiontext>",
            ),
            moodle("", ""),
        )
    )
    with override("fr"):
        plan = read_questions(path, skip_unsupported=True)
        skipped = plan.skipped_files
    assert skipped == ["question 1 (multichoice) 'Rules' : rules.pdf (texte de la question)"]
    assert plan.unsupported == ["question 2 (sans type) : sans type"]
    with override("en"):
        plan = read_questions(path, skip_unsupported=True)
        skipped = plan.skipped_files
    assert skipped == ["question 1 (multichoice) 'Rules': rules.pdf (question text)"]
    assert plan.unsupported == ["question 2 (no type): no type"]
