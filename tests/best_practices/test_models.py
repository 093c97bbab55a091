import pytest
from django.core.exceptions import ValidationError

from best_practices.models import CaseStudyPage
from tests.best_practices.factories import make_case, make_compendium
from toolkit.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def compendium(taxonomy, home_page):
    return make_compendium(home_page)


@pytest.fixture
def indicator(taxonomy):
    return Indicator.objects.get(framework__key="losi_2024", key="pe-275")


def test_region_is_derived_from_the_country(compendium, indicator):
    case = make_case(compendium, [indicator], country="SN", city="Dakar")
    assert case.region == "Western Africa"
    case.country = "BR"
    case.save()
    assert CaseStudyPage.objects.get(pk=case.pk).region == "South America"


def test_unknown_country_code_is_rejected(compendium, indicator):
    with pytest.raises(ValidationError) as excinfo:
        make_case(compendium, [indicator], country="XX")
    assert "country" in excinfo.value.message_dict


def test_at_least_one_indicator_is_required(compendium):
    with pytest.raises(ValidationError) as excinfo:
        make_case(compendium, [])
    assert "indicators" in excinfo.value.message_dict


def test_a_local_case_names_its_city(compendium, indicator):
    with pytest.raises(ValidationError) as excinfo:
        make_case(compendium, [indicator], city="", government_level="local")
    assert "city" in excinfo.value.message_dict
    national = make_case(compendium, [indicator], city="", government_level="national", title="N")
    assert national.place == "Senegal"


def test_year_cannot_be_in_the_future(compendium, indicator):
    with pytest.raises(ValidationError) as excinfo:
        make_case(compendium, [indicator], year_started=2999)
    assert "year_started" in excinfo.value.message_dict


def test_case_page_links_back_to_the_guides_of_its_indicators(client, compendium, indicator):
    from tests.toolkit.factories import make_dimension, make_guide, make_toolkit

    toolkit = make_toolkit(compendium.get_parent().specific)
    dimension = make_dimension(toolkit, "PE")
    guide = make_guide(dimension, indicator)
    case = make_case(compendium, [indicator], title="Participatory budgeting in Dakar")
    html = client.get(case.url).content.decode()
    assert f'href="{guide.url}"' in html
    assert "Participatory budgeting" in html
    assert "Participatory budgeting in Dakar" in client.get(guide.url).content.decode()


def test_a_title_is_one_line(compendium, indicator):
    with pytest.raises(ValidationError) as excinfo:
        make_case(compendium, [indicator], title="Two\nlines")
    assert excinfo.value.message_dict["title"] == ["Write it on one line."]


def test_city_limit_is_read_from_the_model_field(compendium, indicator):
    from best_practices.models import case_field_limit, case_rule_errors

    limit = case_field_limit("city")
    assert limit == CaseStudyPage._meta.get_field("city").max_length
    assert "city" in case_rule_errors({"city": "x" * (limit + 1)})
    assert "city" not in case_rule_errors({"city": "x" * limit})


def test_body_sections_are_listed_once_from_the_stream_block():
    from best_practices.forms import CaseProposalForm
    from best_practices.importer import BODY_SECTIONS, COLUMNS
    from best_practices.models import CASE_TEXT_SECTIONS, CaseStreamBlock

    assert list(CASE_TEXT_SECTIONS) == ["context", "what_was_done", "results", "lessons_learned"]
    assert set(CASE_TEXT_SECTIONS) <= set(CaseStreamBlock.base_blocks)
    assert list(BODY_SECTIONS.values()) == list(CASE_TEXT_SECTIONS)
    assert COLUMNS[-len(CASE_TEXT_SECTIONS) :] == list(CASE_TEXT_SECTIONS)
    assert [name for name in CaseProposalForm().fields if name in CASE_TEXT_SECTIONS] == list(
        CASE_TEXT_SECTIONS
    )
