"""The Content-Security-Policy breaks nothing: Chromium loads the public site and the Wagtail
admin under the real headers, reports no violation and no script error, and the pages work
(the menu opens, the editor shows its fields, the page chooser lists pages)."""

import pytest

from cms.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADMIN = next(account for account in DEMO_ACCOUNTS if account.superuser)
VIOLATION_MARKERS = ("Content Security Policy", "Refused to", "violates the following")


class BrowserLog:
    """Console messages and uncaught errors of one page, as the browser reported them."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", lambda message: self.messages.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))

    def problems(self) -> list[str]:
        return [
            message
            for message in self.messages
            if message.startswith("pageerror")
            or any(marker in message for marker in VIOLATION_MARKERS)
        ]


@pytest.fixture
def desktop_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def visit(page, url, log):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status < 400, url
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert log.problems() == [], url
    return response


def test_public_pages_work_under_the_policy(live_server, demo_site, desktop_page, phone_page):
    from best_practices.models import CompendiumPage
    from toolkit.models import IndicatorGuidePage

    guide = IndicatorGuidePage.objects.live().order_by("path").first()
    compendium = CompendiumPage.objects.live().first()
    paths = ["/en/", guide.url, compendium.url + "?q=portal", "/en/accounts/sign-in/"]

    log = BrowserLog(desktop_page)
    for path in paths:
        visit(desktop_page, live_server.url + path, log)
        # site.js ran: on a wide screen it opens the header menu.
        assert desktop_page.locator("[data-menu]").get_attribute("open") is not None

    # On a phone the menu is closed until tapped.
    phone_log = BrowserLog(phone_page)
    visit(phone_page, live_server.url + guide.url, phone_log)
    phone_page.get_by_text("Menu", exact=True).click()
    assert phone_page.get_by_role("link", name="Sign in", exact=True).is_visible()
    assert phone_log.problems() == []


def test_the_admin_works_under_the_policy(live_server, demo_site, desktop_page):
    from wagtail.models import Site

    page = desktop_page
    log = BrowserLog(page)
    visit(page, live_server.url + "/admin/login/", log)
    page.locator("input[name=username]").fill(ADMIN.email)
    page.locator("input[name=password]").fill(ADMIN.password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Dashboard").is_visible() or "Dashboard" in page.title()
    assert log.problems() == []

    visit(page, live_server.url + "/admin/pages/", log)
    visit(page, live_server.url + "/admin/snippets/toolkit/indicator/", log)
    assert page.locator("table.listing tbody tr").count() > 0

    home = Site.objects.get(is_default_site=True).root_page.specific
    visit(page, f"{live_server.url}/admin/pages/{home.pk}/edit/", log)
    # The editor built its form with JavaScript: the title field and the StreamField blocks.
    assert page.locator("#id_title").input_value() == home.title
    assert page.locator("[data-contentpath='entry_points'] [data-streamfield-child]").count() > 0
    # The scheduling date pickers were started without inline scripts.
    assert page.evaluate("!!jQuery('#id_go_live_at').data('xdsoft_datetimepicker')")

    # The page chooser modal opens and lists pages.
    page.get_by_role("button", name="Choose a page").first.click()
    modal = page.locator(".modal-content")
    modal.wait_for(state="visible")
    modal.get_by_role("link", name=home.title).first.wait_for()
    page.wait_for_load_state("networkidle")
    assert log.problems() == []
