"""The certificate as a one-page PDF (fpdf2) with a QR code (segno) to its public verification
page. Drawn in Python: no browser, no HTML-to-PDF step. DejaVu Sans (shipped in
courses/fonts, under its free licence) covers Latin, Greek and Cyrillic names; scripts that
need shaping (Arabic) are a known gap, listed in the README."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"


def certificate_pdf(certificate, verify_url: str) -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(f"{certificate.course_title}: {certificate.learner_name}")
    pdf.set_author(settings.WAGTAIL_SITE_NAME)
    pdf.set_creation_date(certificate.issued_at)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.w - 2 * pdf.l_margin

    pdf.set_draw_color(0, 79, 138)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)

    pdf.set_text_color(27, 31, 36)
    pdf.set_y(32)
    issued = formats.date_format(timezone.localtime(certificate.issued_at), "DATE_FORMAT")
    # (text, font size, style, line height, space after), centred, top to bottom.
    lines = (
        (settings.WAGTAIL_SITE_NAME, 14, "", 8, 6),
        (_("Certificate of completion"), 30, "B", 14, 8),
        (_("This certifies that"), 14, "", 8, 2),
        (certificate.learner_name, 24, "B", 12, 2),
        (_("completed the course"), 14, "", 8, 2),
        (certificate.course_title, 18, "B", 10, 4),
        (_("on %(date)s") % {"date": issued}, 12, "", 7, 0),
    )
    for text, size, style, height, space in lines:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, height, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(space)

    qr = segno.make(verify_url, error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=6, border=2)
    image.seek(0)
    size = 34
    pdf.image(image, x=pdf.w - 22 - size, y=pdf.h - 22 - size, w=size, h=size)
    pdf.set_xy(22, pdf.h - 40)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        width - size - 10,
        5,
        _("Verify this certificate: %(url)s") % {"url": verify_url}
        + "\n"
        + _("Code: %(code)s") % {"code": certificate.code},
    )
    return bytes(pdf.output())
