import pytest

from cms.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEARNER = next(account for account in DEMO_ACCOUNTS if account.role == "Learner")


def test_phone_visitor_signs_in_as_the_demo_learner(live_server, demo_site, phone_page, screenshot):
    page = phone_page
    page.goto(f"{live_server.url}/en/")
    assert page.locator("h1").inner_text() == "Digital government, learned together"

    # Nothing overflows sideways on a 360 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The skip link is the first stop for a keyboard user and lands on the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"

    # The menu is collapsed on a phone and opens from its toggle.
    assert not page.get_by_role("link", name="Sign in", exact=True).is_visible()
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="Sign in", exact=True).click()

    page.get_by_label("E-mail address").fill(LEARNER.email)
    page.get_by_label("Password").fill(LEARNER.password)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server.url}/en/")
    page.get_by_text("Menu", exact=True).click()
    assert page.get_by_text(f"Signed in as {LEARNER.first_name}").is_visible()
    path = screenshot(page, "home-phone-signed-in")
    assert path.stat().st_size > 10_000


def test_header_is_one_compact_band_on_desktop_and_a_keyboard_menu_on_phones(
    live_server, demo_site, browser, phone_page, screenshot
):
    """One test for both widths: building the demo site is the slow part."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/en/")

    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 96

    links = page.locator(".main-nav a")
    assert links.count() >= 3
    for index in range(links.count()):
        link = links.nth(index)
        line_height = link.evaluate("element => parseFloat(getComputedStyle(element).lineHeight)")
        box = link.bounding_box()
        # One line of text (plus the link's own vertical padding), inside the header.
        assert box["height"] < 2 * line_height, link.inner_text()
        assert box["y"] + box["height"] <= header["height"]
        assert link.evaluate("element => element.getClientRects().length") == 1

    mark = page.locator(".brand__mark").bounding_box()
    assert abs(mark["width"] - mark["height"]) < 0.5
    assert mark["width"] >= 32
    screenshot(page, "header-desktop-1280")
    context.close()

    # On a 360 px phone the menu is a <details> that opens from the keyboard.
    phone = phone_page
    phone.goto(f"{live_server.url}/en/")
    sign_in = phone.get_by_role("link", name="Sign in", exact=True)
    assert not sign_in.is_visible()
    toggle = phone.locator(".menu__toggle")
    for _ in range(10):
        phone.keyboard.press("Tab")
        if toggle.evaluate("element => element === document.activeElement"):
            break
    assert toggle.evaluate("element => element === document.activeElement")
    phone.keyboard.press("Enter")
    assert phone.locator("[data-menu]").get_attribute("open") is not None
    assert sign_in.is_visible()
    mark = phone.locator(".brand__mark").bounding_box()
    assert abs(mark["width"] - mark["height"]) < 0.5
