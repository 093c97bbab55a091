"""Real-browser tests: Playwright drives Debian's chromium (Playwright cannot download its
own browser here). Screenshots go to test-results/. Without chromium these tests are skipped
locally, but fail under CI or REQUIRE_E2E=1, where .ci/run installs it."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests
# make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def browser(transactional_db):
    """One browser per test: Playwright's event loop must be gone before the database is
    flushed and restored between transactional tests, or the restore silently fails."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI") or os.environ.get("REQUIRE_E2E"):
            pytest.fail(f"chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    RESULTS_DIR.mkdir(exist_ok=True)

    def take(page, name):
        path = RESULTS_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo_site(transactional_db):
    """The demo home page, toolkits, cases and accounts, as `make run` creates them."""
    from io import StringIO

    call_command("load_frameworks", stdout=StringIO())
    # Courses, questions and the demo cohort are left out: those tests build their own.
    call_command(
        "load_demo_content",
        "--skip",
        "import_courses",
        "--skip",
        "load_demo_cohort",
        "--skip",
        "import_questions",
        "--skip",
        "import_quizzes",
        "--skip",
        "load_demo_attempts",
        stdout=StringIO(),
    )
