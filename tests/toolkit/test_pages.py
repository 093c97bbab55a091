import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from best_practices.models import CaseStudyPage, CompendiumPage
from cms.models import HomePage
from tests.best_practices.factories import make_case, make_compendium
from tests.cms.factories import EditorFactory, ModeratorFactory
from tests.toolkit.factories import make_dimension, make_guide, make_toolkit
from toolkit.models import (
    DimensionPage,
    Indicator,
    IndicatorGuidePage,
    SustainableDevelopmentGoal,
    ToolkitPage,
    ToolkitSectionPage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_toolkit(taxonomy, home_page):
    toolkit = make_toolkit(home_page)
    institutional = make_dimension(toolkit, "IF")
    content = make_dimension(toolkit, "CP")
    guides = [make_guide(institutional) for _ in range(3)] + [make_guide(content)]
    return toolkit, institutional, content, guides


class TestParentChildRules:
    def test_allowed_parents(self):
        assert ToolkitPage.allowed_parent_page_models() == [HomePage]
        assert DimensionPage.allowed_parent_page_models() == [ToolkitPage]
        assert IndicatorGuidePage.allowed_parent_page_models() == [DimensionPage]
        assert ToolkitSectionPage.allowed_parent_page_models() == [ToolkitPage]
        assert CaseStudyPage.allowed_parent_page_models() == [CompendiumPage]

    def test_allowed_children(self):
        assert set(ToolkitPage.allowed_subpage_models()) == {DimensionPage, ToolkitSectionPage}
        assert DimensionPage.allowed_subpage_models() == [IndicatorGuidePage]
        assert IndicatorGuidePage.allowed_subpage_models() == []

    def test_guide_cannot_be_created_under_the_home_page(self, home_page):
        assert not IndicatorGuidePage.can_create_at(home_page)
        assert ToolkitPage.can_create_at(home_page)

    def test_guide_indicator_must_belong_to_the_dimension(self, local_toolkit):
        _, institutional, _, _ = local_toolkit
        foreign = Indicator.objects.get(framework__key="losi_2024", key="sp-253")
        guide = IndicatorGuidePage(title="Wrong", slug="wrong", indicator=foreign, body=[])
        with pytest.raises(ValidationError) as excinfo:
            institutional.add_child(instance=guide)
        assert "indicator" in excinfo.value.message_dict

    def test_one_guide_per_indicator(self, local_toolkit):
        _, institutional, _, guides = local_toolkit
        duplicate = IndicatorGuidePage(
            title="Again", slug="again", indicator=guides[0].indicator, body=[]
        )
        with pytest.raises(ValidationError):
            institutional.add_child(instance=duplicate)

    def test_dimension_criterion_must_belong_to_the_framework(self, local_toolkit):
        toolkit = local_toolkit[0]
        from toolkit.models import Criterion

        national_if = Criterion.objects.get(framework__key="osi_national", code="IF")
        page = DimensionPage(title="Wrong", slug="wrong-dimension", criterion=national_if)
        with pytest.raises(ValidationError):
            toolkit.add_child(instance=page)


class TestIndicatorLock:
    def form_for(self, guide, user):
        form_class = IndicatorGuidePage.get_edit_handler().get_form_class()
        return form_class(instance=guide, for_user=user)

    def test_editor_cannot_change_the_indicator_of_a_published_guide(self, local_toolkit):
        guide = local_toolkit[3][-1]
        form = self.form_for(guide, EditorFactory())
        assert form.fields["indicator"].disabled

    def test_moderator_can(self, local_toolkit):
        guide = local_toolkit[3][-1]
        form = self.form_for(guide, ModeratorFactory())
        assert not form.fields["indicator"].disabled

    def test_editor_can_choose_it_before_first_publication(self, local_toolkit):
        _, institutional, _, _ = local_toolkit
        draft = IndicatorGuidePage(title="Draft", slug="draft", indicator=None, body=[])
        form_class = IndicatorGuidePage.get_edit_handler().get_form_class()
        form = form_class(instance=draft, parent_page=institutional, for_user=EditorFactory())
        assert not form.fields["indicator"].disabled


class TestReading:
    def test_landing_shows_dimensions_with_counts(self, client, local_toolkit):
        toolkit = local_toolkit[0]
        html = client.get(toolkit.url).content.decode()
        assert "Institutional Framework" in html and "Content Provision" in html
        assert "3 indicator guides" in html
        assert "1 indicator guide" in html

    def test_filter_by_dimension(self, client, local_toolkit):
        toolkit, _, _, guides = local_toolkit
        response = client.get(toolkit.url, {"dimension": "CP"})
        results = response.context["filter_results"]
        assert [guide.pk for guide in results] == [guides[3].pk]

    def test_filter_by_words(self, client, local_toolkit):
        toolkit, _, _, guides = local_toolkit
        name = guides[1].indicator.name
        results = client.get(toolkit.url, {"q": name.split()[0]}).context["filter_results"]
        assert guides[1].pk in [guide.pk for guide in results]

    def test_quick_jump_by_code_opens_the_guide(self, client, local_toolkit):
        toolkit, _, _, guides = local_toolkit
        code = guides[0].indicator.code
        for typed in (code, code.lstrip("#"), code.upper()):
            response = client.get(toolkit.url, {"jump": typed})
            assert response.status_code == 302
            assert response["Location"] == guides[0].url

    def test_unknown_jump_code_lists_matches_instead(self, client, local_toolkit):
        response = client.get(local_toolkit[0].url, {"jump": "#999"})
        assert response.status_code == 302
        assert response["Location"].endswith("?q=%23999#results")

    def test_quick_jump_by_name_opens_the_guide(self, client, local_toolkit):
        toolkit, _, _, guides = local_toolkit
        name = guides[1].indicator.name
        response = client.get(toolkit.url, {"jump": name.upper()})
        assert response["Location"] == guides[1].url

    def test_other_words_in_the_jump_box_filter_the_list(self, client, local_toolkit):
        toolkit, _, _, guides = local_toolkit
        word = guides[2].indicator.name.split()[0]
        response = client.get(toolkit.url, {"jump": word}, follow=True)
        assert guides[2].pk in [guide.pk for guide in response.context["filter_results"]]

    def test_dimension_lists_its_guides_in_indicator_order(self, client, local_toolkit):
        _, institutional, _, guides = local_toolkit
        response = client.get(institutional.url)
        assert [g.pk for g in response.context["guides"]] == [g.pk for g in guides[:3]]

    def test_guide_page_parts(self, client, local_toolkit):
        _, _, _, guides = local_toolkit
        guide = guides[1]
        guide.sdgs.set([SustainableDevelopmentGoal.objects.get(number=16)])
        guide.save_revision().publish()
        response = client.get(guide.url)
        html = response.content.decode()
        assert [entry["anchor"] for entry in response.context["toc"]][:3] == [
            "definition",
            "why-it-matters",
            "how-it-is-assessed",
        ]
        assert 'href="#definition"' in html and 'id="definition"' in html
        assert 'aria-label="Breadcrumb"' in html
        assert response.context["previous_guide"].pk == guides[0].pk
        assert response.context["next_guide"].pk == guides[2].pk
        assert "Peace, justice and strong institutions" in html
        assert 'media="print"' in html

    def test_next_crosses_into_the_next_dimension(self, client, local_toolkit):
        _, _, _, guides = local_toolkit
        response = client.get(guides[2].url)
        assert response.context["next_guide"].pk == guides[3].pk


def related_block(response, key):
    return next(block for block in response.context["related"] if block.key == key)


class TestRelatedCasesAndQueryCounts:
    def render_queries(self, client, url):
        client.get(url)  # warm per-process caches (site root, content types)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response

    def test_guide_lists_live_cases_of_its_indicator(self, client, local_toolkit):
        guide = local_toolkit[3][0]
        compendium = make_compendium(HomePage.objects.get())
        make_case(compendium, [guide.indicator], title="Portal in Dakar")
        make_case(compendium, [guide.indicator], title="Draft case", live=False)
        other = Indicator.objects.get(framework__key="losi_2024", key="sp-253")
        make_case(compendium, [other], title="Unrelated case")
        html = client.get(guide.url).content.decode()
        assert "Portal in Dakar" in html
        assert "Draft case" not in html
        assert "Unrelated case" not in html

    def test_guide_query_count_is_the_same_from_zero_to_500_cases(self, client, local_toolkit):
        """The constant-query rule holds from zero: no case, one, a full card row, 500."""
        guide = local_toolkit[3][0]
        compendium = make_compendium(HomePage.objects.get())
        counts = {}
        made = 0
        for wanted in (0, 1, 6, 10, 500):
            for number in range(made, wanted):
                make_case(
                    compendium, [guide.indicator], title=f"Case {number}", slug=f"case-{number}"
                )
            made = wanted
            counts[wanted], response = self.render_queries(client, guide.url)
            cases = related_block(response, "cases")
            assert cases.total == wanted
            assert len(cases.items) == min(wanted, 6)
        assert len(set(counts.values())) == 1, counts
        assert "See all cases for this indicator" in response.content.decode()
        # About half are Wagtail routing (one query per tree level) and view restrictions; the
        # related providers (cases, lessons) take at most two each.
        assert counts[500] <= 26

    def test_landing_and_dimension_query_counts_do_not_grow_with_guides(
        self, client, local_toolkit
    ):
        toolkit, institutional, _, _ = local_toolkit
        landing_before, _ = self.render_queries(client, toolkit.url)
        dimension_before, _ = self.render_queries(client, institutional.url)
        for _ in range(3):
            make_guide(institutional)
        landing_after, _ = self.render_queries(client, toolkit.url)
        dimension_after, _ = self.render_queries(client, institutional.url)
        assert landing_after == landing_before
        assert dimension_after == dimension_before
