"""State pages: /states/<abbr>/ lists every occupation in a state, sortable and paginated."""

import re
from decimal import Decimal

import pytest

TABLE = "state-occupations"


@pytest.fixture
def state(wages):
    """Ohio in release 2031: eight detailed occupations, a major group and the total row."""
    release = wages.release(2031)
    total = wages.occupation("All Occupations (test)", level="total")
    wages.estimate(
        occupation=total, release=release, area="OH", employment=5_000_000,
        annual_median=48_000, hourly_median=Decimal("23.08"),
    )  # fmt: skip
    group = wages.occupation("Test Group Occupations", level="major")
    wages.estimate(occupation=group, release=release, area="OH", employment=900)
    figures = [
        ("Zeta Testers", 300, 52_000, "25.00"),
        ("Alpha Testers", 100, "#", "#"),
        ("Mu Testers", "**", 61_000, "29.33"),
        ("Beta Testers", 800, "*", "*"),
        ("Kappa Testers", 50, 35_000, "16.83"),
        ("Delta Testers", 700, 99_000, "47.60"),
        ("Eta Testers", 20, 47_000, "22.60"),
        ("Gamma Testers", 400, 70_000, "33.65"),
    ]
    for title, employment, annual, hourly in figures:
        occupation = wages.occupation(title)
        hourly = hourly if hourly in ("#", "*") else Decimal(hourly)
        wages.estimate(
            occupation=occupation, release=release, area="OH", employment=employment,
            annual_median=annual, hourly_median=hourly,
        )  # fmt: skip
    return release


def rows_of(client, url, html_table):
    response = client.get(url)
    assert response.status_code == 200
    rows = html_table(response.content.decode(), TABLE)
    # Header, then the "All occupations" reference row, then the occupations.
    assert rows[1][0] == "All Occupations (test)"
    return rows[2:]


def test_it_lists_detailed_occupations_by_title(client, state, html_table):
    rows = rows_of(client, "/states/oh/", html_table)
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    assert len(rows) == 8  # not the major group, not the total
    assert ["Alpha Testers", "98-0004", "≥ $239,200", "≥ $115.00", "100"] in rows
    assert ["Mu Testers", "98-0005", "$61,000", "$29.33", "not released"] in rows


def test_occupation_names_link_to_their_pages(client, state):
    html = client.get("/states/oh/").content.decode()
    assert '<a href="/occupations/test-occupation-98-0004/">Alpha Testers</a>' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Alpha", "Beta", "Delta", "Eta", "Gamma", "Kappa", "Mu", "Zeta"]),
        ("-title", ["Zeta", "Mu", "Kappa", "Gamma", "Eta", "Delta", "Beta", "Alpha"]),
        ("soc_code", ["Zeta", "Alpha", "Mu", "Beta", "Kappa", "Delta", "Eta", "Gamma"]),
        ("-soc_code", ["Gamma", "Eta", "Delta", "Kappa", "Beta", "Mu", "Alpha", "Zeta"]),
        ("employment", ["Eta", "Kappa", "Alpha", "Zeta", "Gamma", "Delta", "Beta", "Mu"]),
        ("-employment", ["Beta", "Delta", "Gamma", "Zeta", "Alpha", "Kappa", "Eta", "Mu"]),
        # Top-coded above every number; not released after every number, both ways.
        ("annual_median", ["Kappa", "Eta", "Zeta", "Mu", "Gamma", "Delta", "Alpha", "Beta"]),
        ("-annual_median", ["Alpha", "Delta", "Gamma", "Mu", "Zeta", "Eta", "Kappa", "Beta"]),
        ("hourly_median", ["Kappa", "Eta", "Zeta", "Mu", "Gamma", "Delta", "Alpha", "Beta"]),
        ("-hourly_median", ["Alpha", "Delta", "Gamma", "Mu", "Zeta", "Eta", "Kappa", "Beta"]),
    ],
)
def test_each_column_sorts_both_ways(client, state, html_table, sort, expected):
    rows = rows_of(client, f"/states/oh/?sort={sort}", html_table)
    assert [row[0].split()[0] for row in rows] == expected
    html = client.get(f"/states/oh/?sort={sort}").content.decode()
    direction = "descending" if sort.startswith("-") else "ascending"
    assert len(re.findall(r"aria-sort=", html)) == 1
    assert f'aria-sort="{direction}"' in html


def test_pagination_keeps_sort_and_says_where_the_reader_is(client, wages, state, html_table):
    assert len(rows_of(client, "/states/oh/?per_page=10&sort=-employment", html_table)) == 8
    for number in range(12):
        extra = wages.occupation(f"Extra {number:02d}")
        wages.estimate(occupation=extra, release=state, area="OH", employment=1000 + number)
    # The writes bumped the content version (a trigger): the cached page is retired.
    page1 = rows_of(client, "/states/oh/?per_page=10&sort=-employment", html_table)
    page2 = rows_of(client, "/states/oh/?per_page=10&sort=-employment&page=2", html_table)
    assert [len(page1), len(page2)] == [10, 10]
    assert [row[0] for row in page1[:2]] == ["Extra 11", "Extra 10"]
    assert page2[-1][0] == "Mu Testers"  # employment not released: last
    # A page past the end shows the last page rather than an error.
    assert rows_of(client, "/states/oh/?per_page=10&sort=-employment&page=3", html_table) == page2
    html = client.get("/states/oh/?per_page=10&sort=-employment").content.decode()
    assert "Rows 1\u201310 of 20, page 1 of 2" in html
    assert 'href="?release=2031&amp;sort=-employment&amp;per_page=10&amp;page=2"' in html
    assert 'aria-current="page"' in html
    # Sorting again starts from the first page and keeps the page size.
    html = client.get("/states/oh/?per_page=10&sort=-employment&page=2").content.decode()
    assert 'href="?release=2031&amp;sort=employment&amp;per_page=10"' in html


@pytest.mark.parametrize("page", ["0", "-3", "999", "abc", "1e9", "9" * 50, ""])
def test_bad_page_numbers_give_a_normal_page(client, state, page):
    response = client.get(f"/states/oh/?page={page}")
    assert response.status_code == 200


def test_huge_per_page_is_capped(client, wages, state, html_table):
    for number in range(120):
        extra = wages.occupation(f"Many {number:03d}")
        wages.estimate(occupation=extra, release=state, area="OH", employment=10)
    for per_page in ["100000", "101", "1e6", "-5", "abc", "9" * 40]:
        rows = rows_of(client, f"/states/oh/?per_page={per_page}", html_table)
        assert len(rows) <= 100, per_page
    assert len(rows_of(client, "/states/oh/?per_page=100000", html_table)) == 100


def test_unknown_sort_keys_and_releases_fall_back(client, state, html_table):
    default = rows_of(client, "/states/oh/", html_table)
    for query in ["?sort=password", "?sort=occupation__title", "?release=1990", "?level=x"]:
        assert rows_of(client, f"/states/oh/{query}", html_table) == default, query


def test_level_filter_shows_groups(client, state, html_table):
    rows = rows_of(client, "/states/oh/?level=major", html_table)
    assert [row[0] for row in rows] == ["Test Group Occupations"]
    assert len(rows_of(client, "/states/oh/?level=all", html_table)) == 9


def test_abbreviations_are_case_insensitive(client, state):
    response = client.get("/states/OH/?sort=-employment")
    assert response.status_code == 301
    assert response["Location"] == "/states/oh/?sort=-employment"


def test_territories_have_pages(client, wages, html_table):
    release = wages.release(2031)
    total = wages.occupation("All Occupations (test)", level="total")
    wages.estimate(occupation=total, release=release, area="PR", employment=800_000)
    wages.estimate(
        occupation=wages.occupation("Island Testers"), release=release, area="PR",
        employment=40, annual_median=30_000,
    )  # fmt: skip
    response = client.get("/states/pr/")
    assert response.status_code == 200
    assert "Wages in Puerto Rico" in response.content.decode()


@pytest.mark.parametrize("abbr", ["zz", "x", "ohio", "o1", "%00"])
def test_unknown_states_are_not_found(client, state, abbr):
    assert client.get(f"/states/{abbr}/").status_code == 404


def test_state_without_figures_says_so(client, db):
    from salaries.models import Area, AreaType

    area = Area.objects.create(
        code="97", type=AreaType.TERRITORY, name="Test Territory", state_abbr="ZQ"
    )
    response = client.get(area.get_absolute_url())
    assert response.status_code == 200
    assert "There are no wage figures for Test Territory yet." in response.content.decode()


def test_state_list_links_every_state(client, wages):
    for abbr in ["AL", "WY", "DC"]:
        wages.area(abbr)
    html = client.get("/states/").content.decode()
    assert '<a href="/states/dc/">District of Columbia</a>' in html


@pytest.mark.parametrize("count", [3, 60])
def test_query_count_does_not_grow_with_rows(client, wages, count, django_assert_num_queries):
    release = wages.release(2031)
    for _ in range(count):
        wages.estimate(
            occupation=wages.occupation(), release=release, area="KS", employment=10,
            annual_median="#", hourly_median=Decimal("20.00"),
        )  # fmt: skip
    url = "/states/ks/?sort=-annual_median&per_page=100"
    # First visit: stamp, area, releases with figures, count, then the table: the release,
    # the total row, count, page of rows.
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):  # again: the content stamp, the rest from the cache
        assert client.get(url).status_code == 200


def test_the_national_listing_says_united_states(client, wages):
    wages.estimate(
        occupation=wages.occupation("Nation Testers"), release=wages.release(2031), area="US",
        employment=40, annual_median=30_000,
    )  # fmt: skip
    html = client.get("/states/us/").content.decode()
    assert "<h1>Wages in the United States</h1>" in html
    assert "Detailed occupations in the United States, May 2031" in html
