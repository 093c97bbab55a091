"""import_cases / export_cases: all-or-nothing with row numbers, any script, round trip."""

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from best_practices.importer import COLUMNS
from best_practices.models import CaseStudyPage

pytestmark = pytest.mark.django_db

GOOD_ROW = {
    "slug": "hanoi-portal",
    "title": "Cổng dịch vụ công Hà Nội",
    "summary": "Hà Nội gom các thủ tục hành chính vào một cổng trực tuyến.",
    "country": "VN",
    "city": "Hà Nội",
    "level": "local",
    "year_started": "2019",
    "status": "ongoing",
    "language": "vi",
    "indicators": "losi_2024:sp-253",
    "sdgs": "16; 11",
    "themes": "one-stop shop; e-services",
    "contact_organisation": "Ủy ban nhân dân Thành phố Hà Nội",
    "sources": "Cổng dịch vụ công|https://dichvucong.hanoi.gov.vn/",
    "context": "Người dân phải đến nhiều cơ quan.",
    "what_was_done": "Một cổng duy nhất.",
    "results": "",
    "lessons_learned": "",
}


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_file(path, *args):
    out = StringIO()
    call_command("import_cases", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def export(fmt):
    out = StringIO()
    call_command("export_cases", "-", "--format", fmt, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_shipped_cases_import_once(shipped_cases):
    cases = CaseStudyPage.objects.live()
    assert cases.count() >= 40
    assert not cases.filter(sources__isnull=True).exists()  # every case names its source
    assert cases.filter(government_level="local").exists()
    assert cases.filter(government_level="national").exists()
    assert cases.values("region").distinct().count() >= 8
    assert set(cases.values_list("language", flat=True)) >= {"en", "fr", "es"}
    output = import_file(
        CaseStudyPage._meta.apps.get_app_config("best_practices").path + "/content/cases"
    )
    assert "created: 0" in output and "updated: 0" in output


def test_csv_in_any_script_is_imported(taxonomy, home_page, tmp_path):
    rows = [
        GOOD_ROW,
        {
            **GOOD_ROW,
            "slug": "baku-e-services",
            "title": "Bakı şəhəri: elektron xidmətlər",
            "country": "AZ",
            "city": "Bakı",
            "language": "az",
        },
        {
            **GOOD_ROW,
            "slug": "amman-portal",
            "title": "بوابة أمانة عمّان الإلكترونية",
            "country": "JO",
            "city": "عمّان",
            "language": "ar",
        },
        {
            **GOOD_ROW,
            "slug": "lyon-demarches",
            "title": "Lyon : démarches en ligne",
            "country": "FR",
            "city": "Lyon",
            "language": "fr",
        },
    ]
    output = import_file(write_csv(tmp_path / "cases.csv", rows))
    assert "created: 4" in output
    arabic = CaseStudyPage.objects.get(slug="amman-portal")
    assert arabic.title == "بوابة أمانة عمّان الإلكترونية"
    assert arabic.region == "Western Asia"
    assert CaseStudyPage.objects.get(slug="hanoi-portal").city == "Hà Nội"


def test_invalid_rows_are_reported_by_row_and_field_and_nothing_is_written(
    taxonomy, home_page, tmp_path
):
    rows = [
        GOOD_ROW,
        {**GOOD_ROW, "slug": "bad-country", "country": "XX"},
        {**GOOD_ROW, "slug": "bad-indicator", "indicators": "losi_2024:zz-999"},
        {**GOOD_ROW, "slug": "no-title", "title": ""},
        {**GOOD_ROW, "slug": "hanoi-portal"},
    ]
    with pytest.raises(CommandError) as excinfo:
        import_file(write_csv(tmp_path / "cases.csv", rows))
    message = str(excinfo.value)
    assert "row 3, field 'country': unknown ISO 3166 country code 'XX'" in message
    assert "row 4, field 'indicators': unknown indicator 'losi_2024:zz-999'" in message
    assert "row 5, field 'title': is required" in message
    assert "row 6, field 'slug': 'hanoi-portal' is also used by row 2" in message
    assert "nothing was written" in message
    assert not CaseStudyPage.objects.exists()


def test_json_errors_name_the_item(taxonomy, home_page, tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(
        json.dumps({"cases": [GOOD_ROW, {**GOOD_ROW, "slug": "x", "year_started": "soon"}]}),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="item 2, field 'year_started': 'soon' is not a year"):
        import_file(path)
    assert not CaseStudyPage.objects.exists()


def test_broken_json_names_the_line(taxonomy, home_page, tmp_path):
    path = tmp_path / "cases.json"
    path.write_text('{"cases": [\n  {"slug": "a",}\n]}', encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: not valid JSON"):
        import_file(path)


def test_dry_run_writes_nothing(taxonomy, home_page, tmp_path):
    output = import_file(write_csv(tmp_path / "cases.csv", [GOOD_ROW]), "--dry-run")
    assert "Dry run" in output
    assert not CaseStudyPage.objects.exists()


def test_export_and_import_round_trip(shipped_cases, tmp_path):
    first_csv, first_json = export("csv"), export("json")
    assert first_csv.splitlines()[0] == ",".join(COLUMNS)
    assert len(json.loads(first_json)["cases"]) == CaseStudyPage.objects.live().count()
    CaseStudyPage.objects.all().delete()
    path = tmp_path / "cases.json"
    path.write_text(first_json, encoding="utf-8")
    import_file(path)
    assert export("json") == first_json
    CaseStudyPage.objects.all().delete()
    path = tmp_path / "cases.csv"
    path.write_text(first_csv, encoding="utf-8")
    import_file(path)
    assert export("csv") == first_csv
    assert list(csv.DictReader(io.StringIO(first_csv)))[0]["slug"]
