"""A visitor looking for pay, in a real browser: searches, opens a profile, sorts the state
table by every column both ways, switches release, downloads the table, compares states and
downloads the comparison."""

import csv
import re

PROFILE = "medical-records-specialist"
PROFILE_TITLE = "Medical Records Specialist"

# Table cells as numbers: "$41,000" -> 41000.0; BLS markers and blanks -> None.
NUMBER = re.compile(r"^[≥$\s]*([\d,]+(?:\.\d+)?)$")

# One column of a table's body rows (reference rows such as the U.S. live in their own tbody).
# A state is shown as its abbreviation and sorted by its name, which the <abbr> title holds.
COLUMN = """(table, index) => [...table.querySelectorAll('tbody:not(.reference) tr')]
  .map((row) => row.children[index])
  .map((cell) => (cell.querySelector('abbr[title]')?.title ?? cell.innerText).trim())"""


def as_number(text):
    match = NUMBER.match(text)
    return float(match.group(1).replace(",", "")) if match else None


def assert_sorted(values, direction, header):
    """Numbers in numeric order (markers are left out), text in alphabetical order."""
    numbers = [as_number(value) for value in values]
    if any(number is not None for number in numbers):
        keys = [number for number in numbers if number is not None]
    else:
        keys = [value.casefold() for value in values if value]
    assert keys == sorted(keys, reverse=direction == "descending"), f"{header} {direction}"


def test_visitor_finds_a_profile_sorts_switches_release_compares_and_downloads(
    page, salary_data, tmp_path
):
    # Search from the header, as a visitor would from any page.
    page.goto("/")
    page.get_by_label("Search occupations").fill("medical records")
    page.get_by_label("Search occupations").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=medical"))
    page.get_by_role("main").get_by_role("link", name=PROFILE_TITLE, exact=True).first.click()
    page.wait_for_url(f"**/occupations/{PROFILE}/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith(PROFILE_TITLE)

    # Sort the state table by every sortable column, both ways.
    table = page.locator("section#salaries table")
    headers = table.locator("thead th")
    sortable = [
        index for index in range(headers.count()) if headers.nth(index).locator("a").count()
    ]
    assert len(sortable) >= 3, "the state table should sort by state, wage and positions"
    for index in sortable:
        seen = []
        for _ in range(2):
            header = page.locator("section#salaries table thead th").nth(index)
            name = header.locator("a").inner_text()
            header.locator("a").click()
            page.wait_for_load_state()
            header = page.locator("section#salaries table thead th").nth(index)
            direction = header.get_attribute("aria-sort")
            assert direction in {"ascending", "descending"}, f"{name}: aria-sort={direction}"
            announced = page.locator(
                "section#salaries table thead th[aria-sort]:not([aria-sort=none])"
            ).count()
            assert announced == 1, "exactly the sorted column announces an order"
            values = page.locator("section#salaries table").evaluate(COLUMN, index)
            assert len(values) == 51, "every state and DC"
            assert_sorted(values, direction, name)
            seen.append(direction)
        assert set(seen) == {"ascending", "descending"}, f"{name} sorts only one way"

    # Switch to the older release: the table and its caption follow.
    page.get_by_label("Release").select_option(label="May 2030")
    page.locator("section#salaries").get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"release=2030"))
    assert "May 2030" in page.locator("section#salaries table caption").inner_text()

    # Download the table as shown.
    with page.expect_download() as download_info:
        page.locator("section#salaries").get_by_role("link", name=re.compile("CSV")).click()
    download = download_info.value
    download.save_as(tmp_path / download.suggested_filename)
    assert download.suggested_filename.endswith("2030.csv")
    # Plain data (tests/test_csv_downloads.py has the rules): a header, the U.S., each state.
    with (tmp_path / download.suggested_filename).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {row["Occupation"] for row in rows} == {PROFILE_TITLE}
    assert {row["Release"] for row in rows} == {"May 2030"}
    assert len([row for row in rows if row["State code"] != "US"]) == 51, "every state and DC"

    # Compare three states side by side, then download the comparison.
    page.get_by_role("link", name=re.compile("Compare 2 to 5 states")).click()
    for state in ("California", "Texas", "New York"):
        page.get_by_label(state, exact=True).check()
    page.get_by_role("button", name="Compare").click()
    comparison = page.locator("table#compare")
    comparison.wait_for()
    text = comparison.inner_text()
    assert all(state in text for state in ("California", "Texas", "New York"))
    assert "Alabama" not in text
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this comparison as CSV").click()
    download = download_info.value
    download.save_as(tmp_path / download.suggested_filename)
    with (tmp_path / download.suggested_filename).open(encoding="utf-8-sig", newline="") as f:
        compared = list(csv.DictReader(f))
    # A row per state, as the columns of the page (check boxes send their states A to Z).
    assert [row["State"] for row in compared] == [
        "California", "New York", "Texas", "United States",
    ]  # fmt: skip
