"""Wage tables on a phone: the pay stays in view, captions wrap, compared measures stay put."""

import re
from decimal import Decimal

import pytest

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def right_edge(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"]


def test_a_state_table_shows_median_pay_on_a_phone_without_scrolling(phone, salary_data, wages):
    release = wages.release(2031)
    long_title = wages.occupation(
        "Adult Basic Education, Adult Secondary Education, and English as a Second Language "
        "Instructors"
    )
    wages.estimate(
        occupation=long_title, release=release, area="CA", employment=18_213_700,
        annual_median=102_030, hourly_median=Decimal("49.05"),
    )  # fmt: skip

    phone.goto("/states/ca/")

    table = phone.locator("table#state-occupations")
    assert table.locator("td.soc").first.is_hidden()
    for name in ("Median Salary", "Median Hourly"):
        header = table.get_by_role("columnheader", name=re.compile(name))
        assert right_edge(header) <= PHONE["width"], name
    assert right_edge(table.locator("caption")) <= PHONE["width"]
    # Only the table's own frame scrolls sideways, never the page.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_two_compared_states_fit_a_phone_and_the_rest_scroll_past_the_measures(phone, salary_data):
    phone.goto(
        f"/salaries/{salary_data.slug}/compare/?compare=1&state=CA&state=TX&state=NY&state=WA"
    )
    frame = phone.locator(".table-wrap").first
    measure = phone.locator("tbody th.measure").first
    left = frame.bounding_box()["x"]
    # Two states can be read side by side before anything scrolls.
    assert right_edge(frame.locator("thead th").nth(2)) <= PHONE["width"]

    frame.evaluate("el => { el.scrollLeft = el.scrollWidth; }")

    assert frame.evaluate("el => el.scrollLeft") > 100
    assert abs(measure.bounding_box()["x"] - left) <= 2
    assert measure.inner_text() == "Positions"
