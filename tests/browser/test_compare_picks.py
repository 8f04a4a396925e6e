"""Compare on a phone, in a real browser: every target of the form and of the quick picks is at
least 24 by 24 CSS pixels (WCAG 2.2 target size), the page never scrolls sideways, and a quick
pick works without JavaScript."""

import pytest

from tests.browser.conftest import PROFILE

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 24

# Every visible element matching the selector that is smaller than min x min, described.
SMALL_TARGETS = """([selector, min]) => [...document.querySelectorAll(selector)]
  .filter((el) => el.getClientRects().length > 0)
  .map((el) => ({html: el.outerHTML.slice(0, 80), box: el.getBoundingClientRect()}))
  .filter(({box}) => box.width < min || box.height < min)
  .map(({html, box}) => `${html}: ${box.width.toFixed(1)} x ${box.height.toFixed(1)}`)"""
TARGETS = (
    ".compare-form input[type=checkbox], .compare-form label, .compare-form select, "
    ".compare-form button, .quick-picks a, .quick-picks summary"
)


@pytest.fixture
def phone(browser, live_server, salary_data):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("query", ["", "?state=CA&state=TX&state=NY"])
def test_every_compare_target_is_at_least_24px_on_a_phone(phone, query):
    phone.goto(f"/salaries/{PROFILE}/compare/{query}")
    phone.locator(".neighbour-picks summary").click()  # the full list of neighbour picks
    count = phone.locator(TARGETS).count()
    assert count > 54 + 40, count  # the check boxes with their labels, and the picks
    assert phone.evaluate(SMALL_TARGETS, [TARGETS, MIN_TARGET]) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_quick_pick_compares_its_states_in_order_without_javascript(
    browser, live_server, salary_data
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"/salaries/{PROFILE}/compare/?release=2031")
    page.get_by_role("link", name="The 5 states with the most positions").click()
    page.wait_for_url("**state=*")
    headers = page.locator("table#compare thead th").all_inner_texts()
    assert len(headers) == 1 + 5 + 1
    listed = page.locator(".pick-list li").first.locator(".meta").inner_text()
    assert headers[1:6] == listed.split(", ")
    # The boxes of the states compared are ticked, ready to change the comparison.
    assert page.locator(".compare-form input[type=checkbox]:checked").count() == 5
    context.close()
