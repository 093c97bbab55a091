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
