"""Certificates: issued once, with an unguessable code; verified publicly; a bad code is
"not found"; the PDF carries a QR code to the verification page."""

import io

import pytest
from pypdf import PdfReader

from courses import services
from courses.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(course_tree, learner):
    services.enrol(learner, course_tree["course"])
    for lesson in course_tree["lessons"]:
        services.complete_lesson(learner, lesson)
    return Certificate.objects.get(user=learner)


def test_issued_once_with_an_unguessable_code(finished, course_tree, learner):
    assert finished.learner_name == "Amina Diallo"
    assert finished.course_title == course_tree["course"].title
    assert len(finished.code) >= 16
    # Completing again, or re-checking, never issues a second one.
    services.complete_lesson(learner, course_tree["lessons"][0])
    services.issue_certificate_if_complete(learner, course_tree["course"].translation_key)
    assert Certificate.objects.filter(user=learner).count() == 1


def test_codes_differ(finished, course_tree):
    from tests.cms.factories import LearnerFactory

    other = LearnerFactory()
    services.enrol(other, course_tree["course"])
    for lesson in course_tree["lessons"]:
        services.complete_lesson(other, lesson)
    assert Certificate.objects.get(user=other).code != finished.code


def test_public_verification_page(client, finished):
    response = client.get(f"/en/learning/certificates/{finished.code}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid." in text
    assert "Amina Diallo" in text and finished.course_title in text


@pytest.mark.parametrize("code", ["bad", "x" * 500, "%00", "<img src=x onerror=alert(1)>"])
def test_a_bad_code_is_not_found_not_an_error(client, finished, code):
    response = client.get(f"/en/learning/certificates/{code}/")
    assert response.status_code == 404
    assert b"No certificate has the code" in response.content
    assert b"<img src=x" not in response.content


def test_the_learner_downloads_a_pdf_with_the_verification_link(client, finished, learner):
    client.force_login(learner)
    response = client.get(f"/en/learning/certificates/{finished.code}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "Amina Diallo" in text
    assert f"/en/learning/certificates/{finished.code}/" in text
    assert reader.pages[0].images, "the QR code image is missing"


def test_nobody_else_downloads_the_pdf(client, finished):
    from tests.cms.factories import LearnerFactory

    client.force_login(LearnerFactory())
    assert client.get(f"/en/learning/certificates/{finished.code}/pdf/").status_code == 404


def test_the_qr_code_is_the_one_for_the_verification_page(finished):
    """The QR image in the PDF is, pixel for pixel, segno's code for the verification URL."""
    import segno
    from PIL import Image

    from courses.certificates import certificate_pdf

    url = f"http://testserver/en/learning/certificates/{finished.code}/"
    reader = PdfReader(io.BytesIO(certificate_pdf(finished, url)))
    embedded = reader.pages[0].images[0].image.convert("1")
    drawn = io.BytesIO()
    segno.make(url, error="m").save(drawn, kind="png", scale=6, border=2)
    expected = Image.open(io.BytesIO(drawn.getvalue())).convert("1")
    assert embedded.size == expected.size
    assert list(embedded.getdata()) == list(expected.getdata())
    other = io.BytesIO()
    segno.make(url + "x", error="m").save(other, kind="png", scale=6, border=2)
    assert list(Image.open(other).convert("1").getdata()) != list(embedded.getdata())
