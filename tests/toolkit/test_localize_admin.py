"""The translators' workflow in the admin (wagtail-localize): an editor submits a guide for
translation, downloads its strings as a PO file, uploads the translated file, and the
translations report lists it."""

from io import BytesIO

import polib
import pytest
from wagtail.models import Locale

from cms.locales import ensure_locales
from tests.cms.factories import EditorFactory
from tests.toolkit.factories import make_dimension, make_guide, make_toolkit
from toolkit.models import IndicatorGuidePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(taxonomy, home_page):
    ensure_locales()
    return make_guide(make_dimension(make_toolkit(home_page)))


def test_an_editor_translates_a_guide_through_a_po_file(client, guide):
    from wagtail_localize.models import Translation

    french = Locale.objects.get(language_code="fr")
    client.force_login(EditorFactory())
    submit = f"/admin/localize/submit/page/{guide.pk}/"
    assert client.get(submit).status_code == 200
    response = client.post(submit, {"locales": [french.pk]})
    assert response.status_code == 302
    translation = Translation.objects.get(target_locale=french)

    po_file = client.get(f"/admin/localize/translate/{translation.pk}/pofile/download/")
    assert po_file.status_code == 200
    catalogue = polib.pofile(po_file.content.decode())
    entry = next(entry for entry in catalogue if entry.msgid == guide.title)
    entry.msgstr = "Portail officiel de la ville"
    for other in catalogue:
        other.msgstr = other.msgstr or f"FR {other.msgid}"
    upload = BytesIO(str(catalogue).encode())
    upload.name = "guide-fr.po"
    response = client.post(
        f"/admin/localize/translate/{translation.pk}/pofile/upload/",
        {"file": upload, "next": "/admin/"},
    )
    assert response.status_code == 302
    translation.save_target(publish=True)
    translated = IndicatorGuidePage.objects.get(locale=french)
    assert translated.translation_key == guide.translation_key
    assert translated.title == "Portail officiel de la ville"
    assert translated.indicator_id == guide.indicator_id  # the taxonomy link is kept

    report = client.get("/admin/localize/reports/translations/")
    assert report.status_code == 200
    assert "Portail officiel de la ville" in report.content.decode() or guide.title in (
        report.content.decode()
    )
