import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_phone_reader_goes_from_toolkit_to_a_guide_and_uses_the_contents(
    live_server, demo_site, phone_page, screenshot
):
    page = phone_page
    page.goto(f"{live_server.url}/en/")
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Local E-Government Toolkit"
    ).click()
    page.wait_for_url("**/en/local-toolkit/")
    assert page.locator("h1").inner_text() == "Local E-Government Toolkit"
    assert page.get_by_text("6 indicator guides").first.is_visible()
    # On a phone the dimensions come first: one search form, the long introduction folded.
    assert page.locator("main form").count() == 1
    assert page.locator(".dimension-card").first.bounding_box()["y"] < 900
    assert not page.locator(".toolkit-intro .prose").is_visible()

    page.get_by_role("link", name="Institutional Framework", exact=True).click()
    page.wait_for_url("**/institutional-framework/")
    page.get_by_role("link", name="#281 Official city portal").click()
    page.wait_for_url("**/281-official-city-portal/")
    assert page.locator("h1").inner_text() == "Official city portal"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    contents = page.get_by_role("navigation", name="On this page")
    contents.get_by_role("link", name="Indicative steps").click()
    page.wait_for_url("**#steps")
    steps_heading = page.locator("#steps")
    assert steps_heading.is_visible()
    top = steps_heading.evaluate("element => element.getBoundingClientRect().top")
    assert -2 <= top < 200  # scrolled to the section

    # The self-check list keeps a tick on this device.
    first_check = page.locator(".checklist input").first
    first_check.check()
    page.reload()
    assert page.locator(".checklist input").first.is_checked()

    # Previous/next links lead through the toolkit.
    page.get_by_role("link", name="Next indicator").click()
    page.wait_for_url("**/215-organizational-structure/")
    screenshot(page, "guide-phone")
