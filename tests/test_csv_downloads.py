"""CSV downloads: the rows and order shown, the source line, markers as BLS writes them."""

import csv
import io
from decimal import Decimal

import pytest


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    return list(csv.reader(io.StringIO(response.content.decode())))


def table_part(rows):
    """The header and data rows: between the blank line after the source and the notes."""
    start = rows.index([]) + 1
    end = rows.index([], start) if [] in rows[start:] else len(rows)
    return rows[start:end]


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


def test_profile_table_csv_has_source_markers_and_order(client, occupation):
    query = "?release=2031&sort=-annual_median"
    rows = read_csv(client.get(f"/salaries/{occupation.slug}/states.csv{query}"))
    assert rows[0] == ["Csv Testers: medians and positions by state, May 2031"]
    assert rows[1] == ["Source: U.S. Bureau of Labor Statistics, OEWS, May 2031."]
    table = table_part(rows)
    assert table[0] == ["State", "Median Salary", "Median Hourly", "Positions"]
    assert table[1] == ["U.S.", "50000", "24.04", "150000"]
    assert table[2] == ["CA", "#", "#", table[2][3]]  # top-coded first when descending
    assert table[-1] == ["TX", "*", "*", "**"]  # not released last
    assert len(table) == 1 + 1 + 51
    numbers = [int(row[1]) for row in table[3:-1]]
    assert numbers == sorted(numbers, reverse=True)
    notes = rows[len(rows) - 3 :]
    assert notes == [
        ["* = wage estimate not available"],
        ["** = employment estimate not available"],
        ["# = wage equal to or greater than $115.00 per hour or $239,200 per year"],
    ]


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
        csv_rows = table_part(
            read_csv(client.get(f"/salaries/{occupation.slug}/states.csv{query}"))
        )
        assert [row[0] for row in csv_rows[1:]] == shown, query


def test_percentile_csv(client, occupation):
    rows = read_csv(client.get(f"/salaries/{occupation.slug}/states.csv?wages=annual-percentiles"))
    table = table_part(rows)
    assert table[0] == [
        "State", "10th percentile", "25th percentile", "Median", "75th percentile",
        "90th percentile",
    ]  # fmt: skip
    assert table[1] == ["U.S.", "35000", "42000", "50000", "60000", "75000"]
    assert rows[0] == ["Csv Testers: annual wage percentiles by state, May 2031"]


def test_figures_not_in_the_source_are_empty_cells_with_a_note(client, wages):
    occupation = wages.occupation()
    wages.estimate(
        occupation=occupation, release=wages.release(2031), area="OH", annual_median=61000,
    )  # fmt: skip
    rows = read_csv(client.get(f"/salaries/{occupation.slug}/states.csv"))
    assert table_part(rows)[1] == ["OH", "61000", "", ""]
    assert rows[-1] == ["Empty cell = not published in this release's source"]


def test_compare_csv(client, occupation):
    rows = read_csv(
        client.get(f"/salaries/{occupation.slug}/compare.csv?state=TX&state=ca&release=2031")
    )
    assert rows[0] == ["Csv Testers: California, Texas compared, May 2031"]
    table = table_part(rows)
    assert table[0] == ["Measure", "California", "Texas", "U.S."]
    by_measure = {row[0]: row[1:] for row in table[1:]}
    assert by_measure["Median salary"] == ["#", "*", "50000"]
    assert by_measure["Positions"] == ["240", "**", "150000"]
    assert by_measure["Median salary: difference from the U.S."] == ["", "", ""]


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
    table = table_part(rows)
    assert table[0] == ["Occupation", "SOC code", "Median Salary", "Median Hourly", "Positions"]
    assert table[1][:2] == ["All Occupations (test)", "98-0001"]
    assert table[1][4] == "5000000"
    assert [row[0] for row in table[2:]] == [f"Row {number:02d}" for number in range(29, -1, -1)]
    assert rows[0] == ["Detailed occupations in Ohio, May 2031"]


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
    assert len(table_part(read_csv(response))) == rows + 1


@pytest.mark.parametrize("states", [2, 5])
def test_compare_csv_query_count_is_constant(client, occupation, states, django_assert_num_queries):
    query = "&".join(f"state={abbr}" for abbr in ["CA", "TX", "NY", "OH", "FL"][:states])
    # occupation, content stamp and releases, release, areas with figures, estimates
    with django_assert_num_queries(6):
        response = client.get(f"/salaries/{occupation.slug}/compare.csv?{query}")
    assert len(table_part(read_csv(response))[0]) == states + 2
