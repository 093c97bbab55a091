"""Images embedded in Moodle XML questions (@@PLUGINFILE@@ and <file>): stored as Wagtail
images shown by rich-text embeds, stored once however often imported, refused when broken,
written back with their bytes, left out of GIFT with a warning, and the round trip."""

import base64
import hashlib
import io
import os
from io import StringIO
from urllib.parse import quote

import defusedxml.ElementTree as SafeTree
import pytest
from django.core.management import CommandError, call_command
from PIL import Image as Pillow
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.rich_text import expand_db_html

from cms.imports import ImportProblems, Problem
from quizzes.models import Question

pytestmark = pytest.mark.django_db
Image = get_image_model()


def picture(colour=(200, 30, 30), size=(3, 2), image_format="PNG") -> bytes:
    buffer = io.BytesIO()
    Pillow.new("RGB", size, colour).save(buffer, image_format)
    return buffer.getvalue()


DIAGRAM = picture()
PHOTO = picture((10, 120, 40), (4, 4), "JPEG")


def files_xml(files) -> str:
    return "".join(
        f'<file name="{name}" path="{path}" encoding="base64">'
        f"{base64.b64encode(content).decode() if isinstance(content, bytes) else content}</file>"
        for name, content, path in ((*f, "/") if len(f) == 2 else f for f in files)
    )


def question(name, stem, files=(), general="", general_files=(), feedback_files=()):
    return f"""
  <question type="multichoice">
    <name><text>{name}</text></name>
    <questiontext format="html"><text><![CDATA[{stem}]]></text>{files_xml(files)}</questiontext>
    <generalfeedback format="html"><text><![CDATA[{general}]]></text>{files_xml(general_files)}
    </generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>Yes</text>
      <feedback format="html"><text>Right.</text>{files_xml(feedback_files)}</feedback></answer>
    <answer fraction="0"><text>No</text><feedback><text>No.</text></feedback></answer>
  </question>"""


def quiz_file(tmp_path, *questions, name="images.xml"):
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>{"".join(questions)}\n</quiz>')
    return path


DIAGRAM_QUESTION = question(
    "Diagram",
    '<p>Which step comes first? <img src="@@PLUGINFILE@@/my%20diagram.png" '
    'alt="Flow of a request" width="30" class="img-fluid"></p>',
    files=[("my diagram.png", DIAGRAM)],
    general='<p>See the office: <img src="@@PLUGINFILE@@/pics/photo.jpg"></p>',
    general_files=[("photo.jpg", PHOTO, "/pics/")],
)


def run_import(path, *args):
    out = StringIO()
    call_command("import_questions", str(path), *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def stored_files(media_root):
    return sorted(p.name for p in media_root.rglob("*") if p.is_file())


def image_bytes(image):
    with image.open_file() as handle:
        return handle.read()


def test_an_embedded_image_becomes_a_wagtail_image_shown_by_an_embed(tmp_path):
    output = run_import(quiz_file(tmp_path, DIAGRAM_QUESTION))

    assert "images created: 2" in output
    diagram = Image.objects.get(title="Flow of a request")
    photo = Image.objects.get(title="photo.jpg")  # no alt text: titled by its file name
    assert diagram.collection.name == photo.collection.name == "Question images"
    assert image_bytes(diagram) == DIAGRAM and image_bytes(photo) == PHOTO
    assert diagram.file_hash == hashlib.sha1(DIAGRAM, usedforsecurity=False).hexdigest()
    assert (diagram.width, diagram.height) == (3, 2)
    saved = Question.objects.get(name="Diagram")
    assert saved.stem == (
        f'<p>Which step comes first? <embed embedtype="image" id="{diagram.pk}" '
        'format="fullwidth" alt="Flow of a request"/></p>'
    )
    assert saved.general_feedback == (
        f'<p>See the office: <embed embedtype="image" id="{photo.pk}" format="fullwidth" '
        'alt=""/></p>'
    )
    # Wagtail reads the embed back: its rich-text renderer gives an <img> of the image.
    rendered = expand_db_html(saved.stem)
    assert "<img" in rendered and 'alt="Flow of a request"' in rendered


def test_the_same_bytes_are_stored_once_however_often_imported(tmp_path):
    path = quiz_file(
        tmp_path,
        question("One", '<p><img src="@@PLUGINFILE@@/a.png" alt="A"></p>', [("a.png", DIAGRAM)]),
        question("Two", '<p><img src="@@PLUGINFILE@@/b.png" alt="B"></p>', [("b.png", DIAGRAM)]),
    )
    first = run_import(path)
    second = run_import(path)

    assert "images created: 1" in first and "images unchanged: 1" in first
    assert "images created: 0" in second and "images unchanged: 2" in second
    image = Image.objects.get()
    assert Question.objects.count() == 4
    assert all(
        f'id="{image.pk}"' in stem for stem in Question.objects.values_list("stem", flat=True)
    )


def noise_png(side=1400) -> bytes:
    """Random pixels do not compress: a valid PNG over 5 MB."""
    buffer = io.BytesIO()
    Pillow.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, stem, files, message",
    [
        (
            "Not a picture",
            '<p><img src="@@PLUGINFILE@@/fake.png" alt="x"></p>',
            [("fake.png", b"plain text, not a picture")],
            "image 'fake.png' is not a valid image (PNG, JPEG, GIF or WebP)",
        ),
        (
            "A PDF shown as an image",
            '<p><img src="@@PLUGINFILE@@/rules.pdf"></p>',
            [("rules.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")],
            "image 'rules.pdf' is not a valid image",
        ),
        (
            "Bitmap",
            '<p><img src="@@PLUGINFILE@@/old.bmp"></p>',
            [("old.bmp", picture(image_format="BMP"))],
            "image 'old.bmp' is a BMP image; only PNG, JPEG, GIF and WebP are kept",
        ),
        (
            "Broken base64",
            '<p><img src="@@PLUGINFILE@@/diagram.png"></p>',
            [("diagram.png", "iVBORw0K!!not*base64")],
            "file 'diagram.png': its base64 content does not decode",
        ),
        (
            "Missing file",
            '<p><img src="@@PLUGINFILE@@/missing%20one.png" alt="gone"></p>',
            [],
            "an <img> shows '@@PLUGINFILE@@/missing%20one.png' but no <file> is 'missing one.png'",
        ),
        (
            "Too big",
            '<p><img src="@@PLUGINFILE@@/big.png"></p>',
            [("big.png", noise_png())],
            "image 'big.png' is 5.6 MB; an image may be at most 5 MB",
        ),
    ],
)
def test_a_broken_image_refuses_the_whole_import(tmp_path, media_root, name, stem, files, message):
    path = quiz_file(tmp_path, DIAGRAM_QUESTION, question(name, stem, files))
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert f"question 2 (multichoice): {name!r}: {message}" in str(error.value)
    assert "nothing was written" in str(error.value)
    assert not Question.objects.exists() and not Image.objects.exists()
    assert stored_files(media_root) == []


def test_files_that_are_not_shown_images_are_listed_as_skipped(tmp_path):
    path = quiz_file(
        tmp_path,
        question(
            "Rules",
            '<p>Read <a href="@@PLUGINFILE@@/rules%20v2.pdf">the rules</a> first.</p>',
            files=[("rules v2.pdf", b"%PDF-1.4\n")],
            feedback_files=[("tick.png", DIAGRAM)],
        ),
    )
    output = run_import(path)

    assert "2 embedded file(s) not kept" in output
    assert "Skipped file: question 1 (multichoice) 'Rules': rules v2.pdf (question text)" in output
    assert (
        "Skipped file: question 1 (multichoice) 'Rules': tick.png (feedback of answer 1)" in output
    )
    assert not Image.objects.exists()
    stem = Question.objects.get().stem
    assert "PLUGINFILE" not in stem and "href" not in stem and "the rules" in stem


def test_a_dry_run_creates_no_image_and_no_file(tmp_path, media_root):
    output = run_import(quiz_file(tmp_path, DIAGRAM_QUESTION), "--dry-run")

    assert "Dry run: nothing was written." in output and "images created: 2" in output
    assert not Image.objects.exists() and not Question.objects.exists()
    assert not Collection.objects.filter(name="Question images").exists()
    assert stored_files(media_root) == []


def test_an_import_refused_while_writing_leaves_no_image_file(tmp_path, media_root, monkeypatch):
    save = Question.save

    def refuse_the_second(self, *args, **kwargs):
        if self.name == "Second":
            raise ImportProblems([Problem("refused while writing")])
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Question, "save", refuse_the_second)
    path = quiz_file(tmp_path, DIAGRAM_QUESTION, question("Second", "<p>Plain.</p>"))
    with pytest.raises(CommandError, match="refused while writing"):
        run_import(path)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def export(tmp_path, *args):
    path = tmp_path / "export.out"
    errors = StringIO()
    call_command("export_questions", str(path), *args, stderr=errors)
    return path.read_text(encoding="utf-8"), errors.getvalue()


def test_moodle_xml_export_writes_each_image_with_its_original_bytes(tmp_path):
    run_import(quiz_file(tmp_path, DIAGRAM_QUESTION))
    text, errors = export(tmp_path)

    assert "left out" not in errors
    exported = SafeTree.fromstring(text.encode())
    diagram = next(q for q in exported.iter("question") if q.findtext("name/text") == "Diagram")
    for element, alt, content in (
        (diagram.find("questiontext"), "Flow of a request", DIAGRAM),
        (diagram.find("generalfeedback"), "", PHOTO),
    ):
        [carried] = element.findall("file")
        assert carried.get("path") == "/" and carried.get("encoding") == "base64"
        assert base64.b64decode(carried.text) == content
        img = f'<img src="@@PLUGINFILE@@/{quote(carried.get("name"))}" alt="{alt}">'
        assert img in element.findtext("text")
        assert "<embed" not in element.findtext("text")


def test_gift_export_writes_alt_text_and_warns_of_the_images_left_out(tmp_path):
    run_import(quiz_file(tmp_path, DIAGRAM_QUESTION))
    text, errors = export(tmp_path, "--format", "gift")

    assert "Which step comes first? [Flow of a request]" in text
    assert "See the office\\: [image]" in text
    assert "<embed" not in text and "PLUGINFILE" not in text
    assert "2 image(s) left out (GIFT cannot carry files" in errors


def test_the_round_trip_keeps_questions_and_image_bytes(tmp_path):
    run_import(quiz_file(tmp_path, DIAGRAM_QUESTION))

    def bank():
        """Each question's data, embeds naming their image by its bytes, not its id."""
        by_id = {
            image.pk: hashlib.sha1(image_bytes(image), usedforsecurity=False).hexdigest()
            for image in Image.objects.all()
        }
        found = {}
        for saved in Question.objects.all():
            data = saved.snapshot()
            for key in ("stem", "general_feedback"):
                for pk, digest in by_id.items():
                    data[key] = data[key].replace(f'id="{pk}"', f'sha1="{digest}"')
            data["choices"] = [{k: v for k, v in c.items() if k != "id"} for c in data["choices"]]
            found[saved.name] = data
        return found

    first = bank()
    text, _errors = export(tmp_path)
    Question.objects.all().delete()
    Image.objects.all().delete()
    run_import(
        quiz_file(tmp_path, text.split("<quiz>", 1)[1].rsplit("</quiz>", 1)[0], name="again.xml")
    )

    assert bank() == first
    assert sorted(image_bytes(image) for image in Image.objects.all()) == sorted([DIAGRAM, PHOTO])


def test_a_file_element_cannot_bring_entities_in(tmp_path):
    path = tmp_path / "entity.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY png "iVBORw0KGgo=">]><quiz>'
        + question("E", '<p><img src="@@PLUGINFILE@@/e.png"></p>').replace(
            "</questiontext>",
            '<file name="e.png" path="/" encoding="base64">&png;</file></questiontext>',
        )
        + "</quiz>"
    )
    with pytest.raises(CommandError, match="declares a DTD or entities: refused"):
        run_import(path)
    assert not Image.objects.exists()


def test_learners_see_the_imported_image_and_nothing_else_from_an_embed(tmp_path):
    from quizzes.rendering import render_question

    run_import(
        quiz_file(
            tmp_path,
            question(
                "Diagram",
                '<p>Look: <img src="@@PLUGINFILE@@/chart.png" alt="Bar chart"></p>',
                files=[("chart.png", picture())],
            ),
        )
    )
    data = Question.objects.get(name="Diagram").snapshot()
    html = str(render_question(data, "q1"))
    assert '<img alt="Bar chart"' in html
    hostile = {
        **data,
        "stem": data["stem"]
        + '<embed embedtype="media" url="https://example.org/x"/>'
        + '<embed embedtype="image" id="1" onerror="alert(1)" src="javascript:x"/>',
    }
    html = str(render_question(hostile, "q1"))
    assert "onerror" not in html and "javascript" not in html
    assert "example.org" not in html
