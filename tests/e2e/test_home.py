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
