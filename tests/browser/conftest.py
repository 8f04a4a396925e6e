"""Real-browser tests: Debian's Chromium, headless, driven by Playwright against live_server.

Playwright cannot download its own browser here, so the system Chromium is launched directly.
One browser per test session (starting it costs about a second); one fresh context per test,
so cookies and storage never leak from one journey into the next.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache

# Playwright's sync API keeps an event loop in the test thread for the whole session (the browser
# is shared); Django would otherwise refuse every database query made in that thread, in these
# tests and in the transactional tests that run after them. Subprocesses that run production
# checks must drop it (tests/test_security.py does): check --deploy rightly refuses it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The WCAG 2.0, 2.1 and 2.2 A and AA rules (2.2 added no level-A rules that axe tests).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
# Chromium reports each policy violation on the console with this wording.
CSP_VIOLATION = re.compile(r"Content Security Policy|Refused to (execute|apply|load)")


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests need it. "
            "Install it with `apt-get install -y chromium` (.ci/run does), "
            "or point CHROMIUM at another Chromium binary.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_data(transactional_db):
    """The site's data, as `make run` loads it: live_server tests flush the tables after each
    test, so it is restored from the session's copy (tests/conftest.py restore_site_data)."""
    from occupations.models import Occupation
    from tests.conftest import restore_site_data

    if not Occupation.objects.exists():
        restore_site_data()
    # Pages are cached per content version; the flush and the restore rewind it, so a previous
    # test's pages must not be served for this test's data.
    cache.clear()


PROFILE = "medical-records-specialist"


@pytest.fixture
def salary_data(browser_data, wages):
    """Figures in every state for two releases of the profile, so that switching means something."""
    from occupations.models import Occupation

    profile = Occupation.objects.get(slug=PROFILE)
    for year in (2030, 2031):
        wages.state_table(profile, wages.release(year))
    return profile


@pytest.fixture
def new_page(browser, live_server, browser_data):
    """Open a page in a fresh browser context (a person of its own) on the live server.

    Any Content Security Policy violation or uncaught script error on any page such a page
    visits fails the test: the policy would otherwise break pages without anybody noticing.
    """
    contexts, problems = [], []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(f"{page.url}: {message.text}")
                if CSP_VIOLATION.search(message.text)
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, "Browser reported:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page):
    """The visitor's page; see new_page."""
    return new_page()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page as it is now; fail listing every WCAG violation."""

    def check(page):
        results = axe.run(page, options=AXE_OPTIONS)
        if results.violations_count:
            pytest.fail(f"{page.url}\n{results.generate_report()}", pytrace=False)

    return check


@pytest.fixture
def login(page, live_server):
    """Log a user in through the real login form."""

    def log_in(email, password):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("main").get_by_role("button", name=re.compile("log in", re.I)).click()
        page.wait_for_url(re.compile(r"/accounts/$"))

    return log_in
