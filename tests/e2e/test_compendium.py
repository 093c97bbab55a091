import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_search_two_facets_open_a_case_and_come_back(
    live_server, demo_site, phone_page, screenshot
):
    page = phone_page
    page.goto(f"{live_server.url}/en/compendium/")
    page.get_by_label("Search the compendium").fill("participatory budgeting")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url("**q=participatory+budgeting**")

    # Two facets, each ticked in the filter form (it submits itself on change).
    page.locator("details.facet", has_text="Government level").locator("summary").click()
    page.get_by_role("checkbox", name="Local (cities)").check()
    page.wait_for_url("**level=local**")
    page.locator("details.facet", has_text="Region").locator("summary").click()
    page.get_by_role("checkbox", name="Southern Europe").check()
    page.wait_for_url("**region=Southern+Europe**")
    filtered_url = page.url
    chips = page.get_by_role("list", name="Active filters")
    assert chips.get_by_text("Southern Europe").is_visible()
    assert chips.get_by_text("Local (cities)").is_visible()
    assert page.locator(".results mark").count() > 0

    first_result = page.locator(".result__title a").first
    title = first_result.inner_text()
    first_result.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="Back to the compendium").click()
    page.wait_for_url(filtered_url)
    assert page.get_by_role("checkbox", name="Southern Europe").is_checked()
    assert page.get_by_role("checkbox", name="Local (cities)").is_checked()
    assert page.get_by_label("Search the compendium").input_value() == "participatory budgeting"
    screenshot(page, "compendium-phone-filtered")
