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
    assert "cases.csv, row 3, field 'country': Unknown country code 'XX'" in message
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
    assert "Dry run: nothing was written." in output
    assert "cases created: 1" in output  # the work was done, then rolled back
    assert not CaseStudyPage.objects.exists()


def test_a_bad_last_row_leaves_nothing_written(taxonomy, home_page, tmp_path):
    rows = [GOOD_ROW, {**GOOD_ROW, "slug": "second"}, {**GOOD_ROW, "slug": "third", "level": "?"}]
    with pytest.raises(CommandError, match="row 4, field 'level'"):
        import_file(write_csv(tmp_path / "cases.csv", rows))
    assert not CaseStudyPage.objects.exists()


def refused(path) -> str:
    with pytest.raises(CommandError) as excinfo:
        import_file(path)
    assert not CaseStudyPage.objects.exists()
    return str(excinfo.value)


def test_a_huge_csv_field_is_refused_with_its_row(taxonomy, home_page, tmp_path):
    path = write_csv(tmp_path / "cases.csv", [GOOD_ROW, {**GOOD_ROW, "slug": "big"}])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('third,"' + "x" * 10_000_000 + '",summary\n')
    message = refused(path)
    assert "cases.csv, row 4: a value is longer than" in message


def test_a_csv_ending_inside_a_quoted_value_is_refused(taxonomy, home_page, tmp_path):
    path = write_csv(tmp_path / "cases.csv", [GOOD_ROW])
    text = path.read_text(encoding="utf-8")
    # Cut the file inside the quoted 'sources' value of a second row: without strict mode the
    # reader silently swallows the rest of the file into that value.
    path.write_text(text + text.splitlines()[1].split('"')[0] + '"Cut here', encoding="utf-8")
    assert "row 3: the file ends inside a quoted value" in refused(path)


def test_deeply_nested_json_is_refused_without_a_traceback(taxonomy, home_page, tmp_path):
    path = tmp_path / "cases.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "nested too deeply" in refused(path)


def test_a_json_value_of_the_wrong_shape_names_its_field(taxonomy, home_page, tmp_path):
    deep: list = []
    for _ in range(50):
        deep = [deep]
    path = tmp_path / "cases.json"
    path.write_text(
        json.dumps([{**GOOD_ROW, "title": {"text": "x"}}, {**GOOD_ROW, "slug": "b", "city": deep}]),
        encoding="utf-8",
    )
    message = refused(path)
    assert "item 1, field 'title': expected text, not a dict" in message
    assert "item 2, field 'city': expected text, not a list" in message


def test_field_limits_come_from_the_model_and_name_row_and_field(taxonomy, home_page, tmp_path):
    rows = [
        {**GOOD_ROW, "slug": "a", "title": "<b></b>"},
        {**GOOD_ROW, "slug": "b", "city": "c" * 500},
        {**GOOD_ROW, "slug": "s" * 300},
        {**GOOD_ROW, "slug": "d", "title": "Two\nlines"},
        {**GOOD_ROW, "slug": "e", "level": "local", "city": "<i></i>"},
    ]
    message = refused(write_csv(tmp_path / "cases.csv", rows))
    assert "row 2, field 'title': Give the case a title" in message
    assert "row 3, field 'city': Keep it to 120 characters (it has 500)" in message
    assert "row 4, field 'slug': is 300 characters long; the limit is 255" in message
    assert "row 5, field 'title': Write it on one line." in message
    assert "row 6, field 'city': A local case names its city." in message


def test_a_file_that_is_not_utf8_is_refused(taxonomy, home_page, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes("slug,title\ncafe,Caf\u00e9\n".encode("latin-1"))
    assert "cases.csv, line 2: not UTF-8 text" in refused(path)


def test_csv_export_neutralises_formulas_and_import_restores_them(taxonomy, home_page, tmp_path):
    formula = '=HYPERLINK("https://evil.example","Click")'
    rows = [
        {**GOOD_ROW, "title": formula, "summary": "+1 for residents", "city": "@Hanoi"},
        # A title that itself starts with an apostrophe and '=' is written with two.
        {**GOOD_ROW, "slug": "quoted", "title": "''=already quoted"},
    ]
    import_file(write_csv(tmp_path / "cases.csv", rows))
    assert CaseStudyPage.objects.get(slug="hanoi-portal").title == formula
    assert CaseStudyPage.objects.get(slug="quoted").title == "'=already quoted"
    exported = export("csv")
    cells = {row["slug"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert cells["hanoi-portal"]["title"] == "'" + formula
    assert cells["hanoi-portal"]["summary"] == "'+1 for residents"
    assert cells["hanoi-portal"]["city"] == "'@Hanoi"
    assert cells["quoted"]["title"] == "''=already quoted"
    CaseStudyPage.objects.all().delete()
    path = tmp_path / "again.csv"
    path.write_text(exported, encoding="utf-8")
    import_file(path)
    assert CaseStudyPage.objects.get(slug="hanoi-portal").title == formula
    assert CaseStudyPage.objects.get(slug="quoted").title == "'=already quoted"
    assert export("csv") == exported


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
