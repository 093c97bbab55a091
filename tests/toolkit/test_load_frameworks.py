"""The reference taxonomy loads exactly what the data file holds, twice without change, and
refuses a malformed file without writing anything."""

from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from toolkit.models import Criterion, Framework, Indicator, LevelBand, SustainableDevelopmentGoal
from toolkit.taxonomy import FRAMEWORKS_FILE, SDGS_FILE

pytestmark = pytest.mark.django_db

RAW = yaml.safe_load(FRAMEWORKS_FILE.read_text(encoding="utf-8"))


def load(path=None):
    out = StringIO()
    args = ["--file", str(path)] if path else []
    call_command("load_frameworks", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Every taxonomy row as plain data, to prove a command changed nothing."""
    return {
        model.__name__: sorted(
            (tuple(sorted((k, repr(v)) for k, v in model_to_dict(row).items())))
            for row in model.objects.all()
        )
        for model in (Framework, Criterion, Indicator, LevelBand, SustainableDevelopmentGoal)
    }


def write_variant(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(FRAMEWORKS_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "frameworks.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class TestCounts:
    def test_losi_2024_per_criterion_counts_equal_the_file(self):
        load()
        expected = Counter(
            i["toolkit_module"] for i in RAW["frameworks"]["losi_2024"]["indicators"]
        )
        actual = Counter(
            Indicator.objects.filter(framework__key="losi_2024").values_list(
                "criterion__name", flat=True
            )
        )
        assert actual == expected
        assert sum(actual.values()) == len(RAW["frameworks"]["losi_2024"]["indicators"]) == 95
        assert expected == RAW["frameworks"]["losi_2024"]["indicator_count"]["toolkit_by_module"]

    def test_osi_per_criterion_counts_equal_the_file(self):
        load()
        osi = RAW["frameworks"]["osi_national"]
        expected = Counter(i["toolkit_module"] for i in osi["indicators"])
        actual = Counter(
            Indicator.objects.filter(framework__key="osi_national").values_list(
                "criterion__name", flat=True
            )
        )
        assert actual == expected
        assert sum(actual.values()) == 102
        assert expected == osi["indicator_count"]["toolkit_entries_by_module"]

    def test_osi_keeps_every_question_code(self):
        load()
        codes = [
            code
            for indicator in Indicator.objects.filter(framework__key="osi_national")
            for code in indicator.question_codes
        ]
        file_codes = [
            c for i in RAW["frameworks"]["osi_national"]["indicators"] for c in i["codes"]
        ]
        assert sorted(codes) == sorted(file_codes)
        sectors = Indicator.objects.get(framework__key="osi_national", key="egl-317")
        assert sectors.question_codes == ["#317", "#318", "#319", "#320", "#321", "#322"]
        assert sectors.notes["sectors_in_code_order"][0] == "Health"

    def test_losi_2022_is_kept_as_reference_with_its_criteria(self):
        load()
        losi_2022 = Framework.objects.get(key="losi_2022")
        assert losi_2022.is_reference_only
        criteria = {c.code: c.expected_indicator_count for c in losi_2022.criteria.all()}
        assert criteria == {"IF": 8, "CP": 25, "SP": 18, "PE": 17, "TEC": 18}
        verified = RAW["frameworks"]["losi_2022"]["indicators"][
            "participation_and_engagement_verified"
        ]
        assert losi_2022.indicators.count() == len(verified) == 17

    def test_every_framework_and_level_band_is_kept(self):
        load()
        assert set(Framework.objects.values_list("key", flat=True)) == set(RAW["frameworks"])
        losi_bands = [b["level"] for b in RAW["scoring"]["losi"]["level_bands"]]
        assert (
            list(
                LevelBand.objects.filter(framework__key="losi_2024").values_list("name", flat=True)
            )
            == losi_bands
        )
        very_high = LevelBand.objects.get(framework__key="losi_2024", name="Very high LOSI")
        assert (float(very_high.lower_bound), float(very_high.upper_bound)) == (0.75, 1.0)
        assert LevelBand.objects.filter(framework__key="egdi").count() == 4

    def test_low_confidence_entries_are_kept_with_their_flag(self):
        load()
        policy = Indicator.objects.get(
            framework__key="losi_2024", key="if-open-government-data-policy"
        )
        assert policy.code == ""
        assert policy.confidence == "low"
        assert "#236" in policy.notes["code_note"]

    def test_short_codes_and_order_of_criteria(self):
        load()
        local = list(
            Criterion.objects.filter(framework__key="losi_2024").values_list("code", "is_scored")
        )
        assert local == [
            ("IF", True),
            ("CP", True),
            ("SP", True),
            ("PE", True),
            ("EGL", False),
            ("TEC", True),
        ]
        national = list(
            Criterion.objects.filter(framework__key="osi_national").values_list("code", flat=True)
        )
        assert national == ["IF", "CP", "SP", "EPI", "TEC", "EGL"]

    def test_the_17_sdgs(self):
        load()
        assert list(SustainableDevelopmentGoal.objects.values_list("number", flat=True)) == list(
            range(1, 18)
        )


def test_second_load_changes_nothing():
    load()
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert "created" not in output
    assert "updated" not in output
    assert "indicators unchanged: 214" in output


def test_edited_description_is_updated_in_place(tmp_path):
    load()
    indicator = Indicator.objects.get(framework__key="losi_2024", key="if-281")

    def edit(data):
        data["frameworks"]["losi_2024"]["indicators"][0]["description"] = "A new description."

    output = load(write_variant(tmp_path, edit))
    assert "indicators updated: 1" in output
    updated = Indicator.objects.get(framework__key="losi_2024", key="if-281")
    assert updated.pk == indicator.pk
    assert updated.description == "A new description."


def duplicate_losi_code(data):
    data["frameworks"]["losi_2024"]["indicators"][1]["code"] = "#281"


def unknown_criterion(data):
    data["frameworks"]["osi_national"]["indicators"][3]["toolkit_module"] = "Cyber Resilience"


def missing_name(data):
    del data["frameworks"]["losi_2024"]["indicators"][2]["name"]


def missing_description(data):
    data["frameworks"]["osi_national"]["indicators"][0]["description"] = ""


def duplicate_osi_code_in_one_module(data):
    data["frameworks"]["osi_national"]["indicators"][1]["codes"] = ["#010"]


MALFORMED = [
    (
        duplicate_losi_code,
        "frameworks.losi_2024.indicators[1] ('Organizational structure'): duplicate code #281",
    ),
    (unknown_criterion, "frameworks.osi_national.indicators[3]"),
    (missing_name, "frameworks.losi_2024.indicators[2]: missing field 'name'"),
    (
        missing_description,
        "frameworks.osi_national.indicators[0] ('Organizational structure'): "
        "missing field 'description'",
    ),
    (duplicate_osi_code_in_one_module, "duplicate code #010"),
]


@pytest.mark.parametrize(("mutate", "message"), MALFORMED, ids=[m[0].__name__ for m in MALFORMED])
def test_malformed_file_is_refused_and_nothing_changes(tmp_path, mutate, message):
    load()
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        load(write_variant(tmp_path, mutate))
    assert message in str(excinfo.value)
    assert "nothing was written" in str(excinfo.value)
    assert snapshot() == before


def test_unknown_criterion_names_the_criterion(tmp_path):
    with pytest.raises(CommandError, match="unknown criterion 'Cyber Resilience'"):
        load(write_variant(tmp_path, unknown_criterion))
    assert Indicator.objects.count() == 0
    assert Framework.objects.count() == 0


def test_malformed_file_on_an_empty_database_writes_nothing(tmp_path):
    with pytest.raises(CommandError):
        load(write_variant(tmp_path, missing_name))
    assert sum(len(rows) for rows in snapshot().values()) == 0


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "frameworks.yaml"
    path.write_text("frameworks:\n  losi_2024: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: not valid YAML"):
        load(path)


def test_osi_code_listed_under_two_modules_is_allowed():
    """#014 is both an IF and an EGL entry in the National toolkit, as the file notes."""
    load()
    privacy = Indicator.objects.filter(framework__key="osi_national", code="#014")
    assert sorted(privacy.values_list("criterion__code", flat=True)) == ["EGL", "IF"]


def test_dry_run_writes_nothing():
    out = StringIO()
    call_command("load_frameworks", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert Indicator.objects.count() == 0


def drop_first_losi_indicator(data):
    """if-281 (Official city portal) is the first LOSI 2024 indicator in the file."""
    del data["frameworks"]["losi_2024"]["indicators"][0]


def test_prune_refuses_to_delete_an_indicator_still_in_use(tmp_path, home_page):
    from tests.best_practices.factories import make_case, make_compendium
    from tests.toolkit.factories import make_dimension, make_guide, make_toolkit

    load()
    indicator = Indicator.objects.get(framework__key="losi_2024", key="if-281")
    guide = make_guide(make_dimension(make_toolkit(home_page), "IF"), indicator)
    case = make_case(make_compendium(home_page), [indicator], title="Dakar city portal")
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "load_frameworks",
            "--file",
            str(write_variant(tmp_path, drop_first_losi_indicator)),
            "--prune",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    message = str(excinfo.value)
    assert "nothing was written" in message
    assert "frameworks.losi_2024: indicator '#281 Official city portal' is no longer" in message
    assert f"'{guide.title}' (id {guide.pk})" in message
    assert f"'Dakar city portal' (id {case.pk})" in message
    assert snapshot() == before


def test_prune_deletes_what_nothing_uses(tmp_path):
    load()
    out = StringIO()
    path = write_variant(tmp_path, drop_first_losi_indicator)
    call_command("load_frameworks", "--file", str(path), stdout=out, stderr=StringIO())
    assert "indicators not in the file (kept; use --prune): 1" in out.getvalue()
    assert Indicator.objects.filter(key="if-281").exists()
    out = StringIO()
    call_command("load_frameworks", "--file", str(path), "--prune", stdout=out, stderr=StringIO())
    assert "indicators deleted: 1" in out.getvalue()
    assert not Indicator.objects.filter(key="if-281").exists()


def test_a_latin1_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "frameworks.yaml"
    text = FRAMEWORKS_FILE.read_text(encoding="utf-8").replace(
        "Institutional", "Institutionnel é", 1
    )
    path.write_bytes(text.encode("latin-1", errors="replace"))
    with pytest.raises(CommandError, match=r"frameworks\.yaml, line \d+: not UTF-8 text"):
        load(path)
    assert Framework.objects.count() == 0


def test_a_binary_file_is_refused(tmp_path):
    path = tmp_path / "frameworks.yaml"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(CommandError, match="1 problem"):
        load(path)
    assert Framework.objects.count() == 0


def test_every_string_is_checked_against_its_model_field(tmp_path):
    def oversized(data):
        indicators = data["frameworks"]["losi_2024"]["indicators"]
        indicators[3]["name"] = "n" * 1_000_000  # the model allows 200
        indicators[4]["name"] = ["a", "list"]
        data["scoring"]["losi"]["level_bands"][0]["level"] = "b" * 61  # the model allows 60

    with pytest.raises(CommandError) as excinfo:
        load(write_variant(tmp_path, oversized))
    message = str(excinfo.value)
    assert "frameworks.losi_2024.indicators[3]" in message
    assert "field 'name': is 1000000 characters long; the limit is 200" in message
    assert "indicators[4] (['a', 'list']), field 'name': expected text, not a list" in message
    assert "scoring.losi.level_bands[0], field 'name': is 61 characters long; the limit is 60" in (
        message
    )
    assert Indicator.objects.count() == 0


def test_a_bad_last_entry_leaves_nothing_written(tmp_path):
    sdgs = tmp_path / "sdgs.yaml"
    sdgs.write_text(
        SDGS_FILE.read_text(encoding="utf-8").replace("number: 17", "number: seventeen"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"sdgs\.yaml, goals\[16\]: 'seventeen' is not a whole"):
        call_command("load_frameworks", "--sdg-file", str(sdgs), stdout=StringIO())
    assert sum(len(rows) for rows in snapshot().values()) == 0
