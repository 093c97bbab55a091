import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Every element of the filter block that must be readable in full on a phone.
CLIPPED = """() => {
  const panel = document.querySelector('details.filters-panel');
  const clipped = [];
  for (const element of panel.querySelectorAll('summary, label, button')) {
    if (!element.getClientRects().length) continue;  // inside a closed facet
    const box = element.getBoundingClientRect();
    const name = element.textContent.trim();
    if (box.left < -0.5 || box.right > window.innerWidth + 0.5) clipped.push('off screen: ' + name);
    if (element.tagName === 'LABEL' && element.scrollWidth > element.clientWidth + 1) {
      clipped.push('cut: ' + name);
    }
    let parent = element.parentElement;
    for (; parent && parent !== panel; parent = parent.parentElement) {
      const style = getComputedStyle(parent);
      const scrolls = ['auto', 'scroll', 'hidden'].includes(style.overflowY);
      if (scrolls && parent.scrollHeight > parent.clientHeight + 1) {
        clipped.push('scroll box: ' + name);
      }
    }
  }
  return clipped;
}"""


def test_search_two_facets_open_a_case_and_come_back(
    live_server, demo_site, phone_page, screenshot
):
    page = phone_page
    page.goto(f"{live_server.url}/en/compendium/")
    page.get_by_label("Search the compendium").fill("participatory budgeting")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url("**q=participatory+budgeting**")

    # On a phone the filters come before the results, folded; they open on a tap.
    filters = page.locator("details.filters-panel")
    results = page.locator("ol.results")
    assert filters.bounding_box()["y"] < results.bounding_box()["y"]
    filters.locator("summary").first.click()

    # Two facets, each ticked in the filter form (it submits itself on change).
    page.locator("details.facet", has_text="Government level").locator("summary").click()
    page.get_by_role("checkbox", name="Local (cities)").check()
    page.wait_for_url("**level=local**")
    page.locator("details.facet", has_text="Region").locator("summary").click()
    page.get_by_role("checkbox", name="Southern Europe").check()
    page.wait_for_url("**region=Southern+Europe**")
    filtered_url = page.url
    assert page.locator("details.filters-panel").get_attribute("open") is not None
    assert (
        page.locator("details.filters-panel").bounding_box()["y"]
        < (page.locator("ol.results").bounding_box()["y"])
    )
    for facet in page.locator("details.facet").all():
        if facet.get_attribute("open") is None:
            facet.locator("summary").click()
    assert page.evaluate(CLIPPED) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    chips = page.get_by_role("list", name="Active filters")
    assert chips.get_by_text("Southern Europe").is_visible()
    assert chips.get_by_text("Local (cities)").is_visible()
    assert page.locator(".results mark").count() > 0
    screenshot(page, "compendium-phone-filters-open")

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


def test_filters_work_without_javascript(live_server, demo_site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/compendium/?q=open+data")
    page.locator("details.filters-panel > summary").click()
    page.locator("details.facet", has_text="Government level").locator("summary").click()
    page.get_by_role("checkbox", name="Local (cities)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**level=local**")
    chips = page.get_by_role("list", name="Active filters")
    assert chips.get_by_text("Local (cities)").is_visible()
    context.close()
