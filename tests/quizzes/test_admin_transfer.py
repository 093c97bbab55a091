"""The question bank's import and export in the Wagtail admin: a check that writes nothing,
an all-or-nothing import, refused files with every problem and its place (never a server
error), exports that read back to the same questions, and who may do either."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model

from quizzes import transfer
from quizzes.models import Question, QuestionCategory
from tests.cms.factories import EditorFactory
from tests.quizzes.factories import make_question

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"
IMPORT_URL = "/admin/question-bank/import/"
EXPORT_URL = "/admin/question-bank/export/"


def editor_with(*codenames):
    user = EditorFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames)
    )
    return user


@pytest.fixture
def importer(client, taxonomy):
    client.force_login(editor_with("add_question", "view_question"))
    return client


@pytest.fixture
def viewer(client, taxonomy):
    client.force_login(editor_with("view_question"))
    return client


def upload(client, name, content, button="check", follow=False, **fields):
    data = {"file": SimpleUploadedFile(name, content), button: "1", **fields}
    return client.post(IMPORT_URL, data, follow=follow)


def sample(name):
    return (SAMPLES / name).read_bytes()


def page(response):
    return response.content.decode()


def test_a_check_reports_what_the_file_holds_and_writes_nothing(importer):
    response = upload(importer, "everything.gift", sample("everything.gift"))
    html = page(response)
    assert "Check of everything.gift: nothing was written" in html
    assert "The file holds 9 questions." in html
    assert "An import would create: 9." in html
    types = dict(response.context["types"])
    assert types["Single choice"] == 3 and types["Matching"] == 1
    assert ["top/Local/Institutional framework", 3] in map(
        list, response.context["result"]["summary"]["categories"]
    )
    # Only "Official portal" is tagged: the eight others are flagged, with their lines.
    assert "8 questions have no indicator tag" in html
    assert "line 12: Open data, true or false" in html
    assert "unrelated-tag" in html
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


def test_the_import_creates_the_questions_and_reports_them_once(importer):
    response = upload(
        importer, "everything.gift", sample("everything.gift"), button="import", indicators="if-215"
    )
    assert response.status_code == 302 and response.url == IMPORT_URL
    html = page(importer.get(IMPORT_URL))
    assert "Imported from everything.gift" in html
    assert "Created: 9." in html
    assert "no indicator tag" not in html  # --indicators tagged every question
    assert Question.objects.count() == 9
    assert not Question.objects.needs_indicators().exists()
    portal = Question.objects.get(name="Official portal")
    assert portal.category.path == "top/Local/Institutional framework"
    # A reload shows the form only: the report was for that import, which is not repeated.
    assert "Imported from" not in page(importer.get(IMPORT_URL))


def test_importing_the_same_file_again_leaves_the_numbered_question_unchanged(importer):
    upload(importer, "everything.gift", sample("everything.gift"), button="import")
    response = upload(
        importer, "everything.gift", sample("everything.gift"), button="import", follow=True
    )
    assert (
        "Created: 8. Unchanged (already in their category under the same ID number): 1."
        in " ".join(page(response).split())
    )
    assert Question.objects.filter(idnumber="IF-1").count() == 1


def test_a_malformed_file_lists_every_problem_with_its_place_and_writes_nothing(importer):
    content = b"::A::Weights {~%30%a ~%30%b ~c}\n\n::B:: {=x}\n\n::C::Fine {=x ~y}\n"
    response = upload(importer, "bad.gift", content, button="import")
    html = page(response)
    assert response.status_code == 200
    assert "The file was refused (2 problems); nothing was written." in html
    problems = [str(problem) for problem in response.context["problems"]]
    assert problems[0].startswith("bad.gift, line 1:") and "add up to 100%" in problems[0]
    assert problems[1] == "bad.gift, line 3: no question text"
    assert "<strong>bad.gift, line 3</strong>: no question text" in html
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


def test_a_moodle_xml_problem_names_its_element(importer):
    content = b'<quiz><question type="multichoice"><name><text>N</text></name></question></quiz>'
    response = upload(importer, "bank.xml", content)
    assert "bank.xml, question 1 (multichoice)" in page(response)


def test_an_unknown_indicator_code_is_refused_before_reading(importer):
    response = upload(
        importer,
        "everything.gift",
        sample("everything.gift"),
        button="import",
        indicators="if-215, LOSI-2024:#999",
    )
    errors = response.context["form"].errors["indicators"]
    assert errors == [
        "No indicator has the code LOSI-2024:#999. Write codes as the tags do "
        "(LOSI-2024:#236 or if-236), separated by commas."
    ]
    assert not Question.objects.exists()


def test_a_windows_1252_gift_file(importer):
    upload(importer, "windows-1252.gift", sample("windows-1252.gift"), button="import")
    assert Question.objects.get(name="Fiancee").choices.get().text == "fiancée"
    assert {c.text for c in Question.objects.get(name="Cafe").choices.all()} == {"café", "cafe"}


def test_unsupported_types_refuse_the_file_unless_skipped(importer):
    refused = upload(importer, "unsupported.gift", sample("unsupported.gift"), button="import")
    assert "line 1: essay; line 3: description" in page(refused)
    assert not Question.objects.exists()
    response = upload(
        importer,
        "unsupported.gift",
        sample("unsupported.gift"),
        button="import",
        skip_unsupported="on",
        follow=True,
    )
    html = page(response)
    assert "Skipped: types the bank cannot take" in html and "<li>line 1: essay</li>" in html
    assert list(Question.objects.values_list("name", flat=True)) == ["Fine"]


def test_a_check_of_a_file_with_images_keeps_neither_rows_nor_files(importer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(importer, "moodle.xml", sample("moodle.xml"), skip_unsupported="on")
    html = " ".join(page(response).split())
    assert "The file holds 8 questions." in html
    assert "Images the questions show: 1 would be added to the image library" in html
    assert "question 11 (essay): essay" in html
    assert not get_image_model().objects.exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


@pytest.mark.parametrize(
    "name, content, field, message",
    [
        ("junk.gift", bytes(range(256)) * 40, None, "not a text file (it holds NUL bytes)"),
        ("junk.txt", b"::Q::Pick {=\x81\x8d ~b}", None, "not text in UTF-8 or Windows-1252"),
        ("junk.xml", bytes(range(256)) * 40, None, "not well-formed XML"),
        ("empty.gift", b"", "file", "The submitted file is empty."),
        ("bank.pdf", b"%PDF-1.4", "file", "GIFT files end in .gift or .txt"),
        ("noextension", b"::Q::Pick {=a ~b}", "file", "GIFT files end in .gift or .txt"),
        ("bomb.xml", sample("bomb.xml"), None, "declares a DTD or entities"),
        ("odd.xml", b'<?xml version="1.0" encoding="klingon"?><quiz/>', None, "cannot be read"),
        (
            "points.xml",
            b'<quiz><question type="shortanswer"><name><text>N</text></name><questiontext>'
            b"<text>Q</text></questiontext><defaultgrade>1e9</defaultgrade>"
            b'<answer fraction="100"><text>a</text></answer></question></quiz>',
            None,
            "question 1 (shortanswer): default grade 1000000000 is out of range: the bank keeps "
            "-9999.99 to 9999.99",
        ),
        ("range.gift", b"::Q::How far? {#1..1e400}", None, "line 1: '1..1e400' holds a number"),
        (
            "units.xml",
            b'<quiz><question type="numerical"><name><text>N</text></name><questiontext>'
            b'<text>Q</text></questiontext><answer fraction="100"><text>5</text></answer>'
            b"<units><unit><unit_name>m</unit_name><multiplier>abc</multiplier></unit></units>"
            b"</question></quiz>",
            None,
            "question 1 (numerical): multiplier 'abc' is not a number",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_a_form_error_not_a_server_error(
    importer, name, content, field, message
):
    response = upload(importer, name, content, button="import")
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_valid() or response.context["problems"]
    errors = form.errors.get(field, []) if field else [str(p) for p in response.context["problems"]]
    assert any(message in error for error in errors), errors
    assert not Question.objects.exists()


def test_a_file_over_ten_megabytes_is_refused(importer):
    content = b"// padding\n" * (transfer.MAX_UPLOAD_BYTES // 11 + 1)
    response = upload(importer, "big.gift", content, button="import")
    (error,) = response.context["form"].errors["file"]
    assert error.replace("\xa0", " ") == "The file is larger than 10.0 MB."
    assert not Question.objects.exists()


def import_sample(name, indicators="if-215"):
    plan = transfer.read_files([SAMPLES / name], indicators, skip_unsupported=True)
    transfer.write_plan(plan, dry_run=False)


def bank():
    return {
        q.name: (q.category.path, q.default_points, strip_ids(q.snapshot()))
        for q in Question.objects.all()
    }


def strip_ids(data):
    data = dict(data)
    data["choices"] = [{k: v for k, v in c.items() if k != "id"} for c in data["choices"]]
    return data


@pytest.mark.parametrize(
    "sample_name, format_name, extension, content_type",
    [
        ("everything.gift", "gift", "gift", "text/plain; charset=utf-8"),
        ("moodle.xml", "moodle-xml", "xml", "application/xml; charset=utf-8"),
    ],
)
def test_an_export_reads_back_to_the_same_questions(
    viewer, tmp_path, sample_name, format_name, extension, content_type
):
    import_sample(sample_name)
    first = bank()
    response = viewer.get(EXPORT_URL, {"category": "", "format": format_name})
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="questions-all-')
    assert disposition.endswith(f'.{extension}"')
    exported = tmp_path / f"export.{extension}"
    exported.write_bytes(response.content)
    Question.objects.all().delete()
    transfer.write_plan(transfer.read_files([exported]), dry_run=False)
    assert bank() == first


def test_a_category_exports_with_those_below_it(viewer):
    make_question(name="Portal", category=QuestionCategory.from_path("top/Local"))
    make_question(name="Payment", category=QuestionCategory.from_path("top/Local/Services"))
    make_question(name="Elsewhere", category=QuestionCategory.from_path("top/Localities"))
    response = viewer.get(EXPORT_URL, {"category": "top/Local", "format": "gift"})
    text = response.content.decode()
    assert "::Portal::" in text and "::Payment::" in text and "Elsewhere" not in text
    assert 'filename="questions-top-local-' in response["Content-Disposition"]


def test_an_export_lists_every_category_and_refuses_an_empty_one(viewer):
    QuestionCategory.from_path("top/Empty")
    form = viewer.get(EXPORT_URL).context["form"]
    assert [value for value, _ in form.fields["category"].choices] == ["", "top", "top/Empty"]
    response = viewer.get(EXPORT_URL, {"category": "top/Empty", "format": "gift"})
    assert response.context["form"].errors["category"] == ["No question to export here."]


def test_types_gift_cannot_hold_are_left_out_with_a_warning(viewer):
    make_question(name="Kept")
    make_question(qtype="ordering", choices=(("First", 0), ("Second", 0)), name="Order them")
    response = viewer.get(EXPORT_URL, {"format": "gift"})
    assert "Order them" not in response.content.decode()
    follow = page(viewer.get(EXPORT_URL))
    assert "1 question is not in the GIFT file (use Moodle XML): Order them (ordering)" in follow


def test_the_export_reads_the_bank_in_a_fixed_number_of_queries(
    taxonomy, django_assert_max_num_queries
):
    for number in range(10):
        category = QuestionCategory.from_path(f"top/Local/Part {number}")
        make_question(name=f"Question {number}", category=category)
    with django_assert_max_num_queries(6):
        text, _skipped = transfer.export(transfer.questions_in("top/Local"), "moodle-xml")
    assert text.count('<question type="multichoice">') == 10


def test_the_menu_offers_each_user_what_they_may_do(client, taxonomy):
    client.force_login(editor_with("add_question", "view_question"))
    html = page(client.get("/admin/"))
    assert "Import questions" in html and "Export questions" in html
    client.force_login(editor_with("view_question"))
    html = page(client.get("/admin/"))
    assert "Export questions" in html and "Import questions" not in html


@pytest.mark.parametrize(
    "codenames, url, allowed",
    [
        ((), IMPORT_URL, False),
        ((), EXPORT_URL, False),
        (("view_question",), IMPORT_URL, False),
        (("view_question",), EXPORT_URL, True),
        (("change_question",), EXPORT_URL, True),
        (("add_question",), IMPORT_URL, True),
    ],
)
def test_each_view_needs_its_permission(client, taxonomy, codenames, url, allowed):
    client.force_login(editor_with(*codenames))
    response = client.get(url)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
        message = "Sorry, you do not have permission to access this area."
        assert message in page(client.get(response.url))


def test_an_import_without_permission_writes_nothing(viewer):
    response = upload(viewer, "everything.gift", sample("everything.gift"), button="import")
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert not Question.objects.exists()


@pytest.mark.parametrize("url", [IMPORT_URL, EXPORT_URL])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('wagtailadmin_login')}?next={url}"
