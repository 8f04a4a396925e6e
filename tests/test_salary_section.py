"""The profile page's state salary section: table, sorting, markers, releases, map, caching."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from salaries.models import WageEstimate
from tests.conftest import render_salary_section

TABLE = "state-medians"


@pytest.fixture
def section(db):
    def render(occupation, query=""):
        return render_salary_section(occupation, query)

    return render


@pytest.fixture
def occupation(wages):
    occupation = wages.occupation("Wage Test Specialists")
    wages.state_table(occupation, wages.release(2031))
    return occupation


def body_rows(rows):
    """Rows after the header and the U.S. reference row."""
    return [row for row in rows[1:] if row[0] != "U.S."]


def test_it_shows_every_state_and_dc_with_the_seed_columns(section, occupation, html_table):
    rows = html_table(section(occupation), TABLE)
    assert rows[0] == ["State", "Median Salary", "Median Hourly", "Positions"]
    assert len(body_rows(rows)) == 51
    # Default order: by state name, as the seed lists them (Alabama, Alaska, Arizona, ...).
    assert [row[0] for row in body_rows(rows)][:5] == ["AL", "AK", "AZ", "AR", "CA"]


def test_figures_are_formatted_like_bls(section, wages, html_table):
    occupation = wages.occupation()
    release = wages.release(2031)
    wages.estimate(
        occupation=occupation, release=release, area="CA", annual_median=53740,
        hourly_median=Decimal("25.84"), employment=20000,
    )  # fmt: skip
    rows = html_table(section(occupation), TABLE)
    assert rows[1] == ["CA", "$53,740", "$25.84", "20,000"]


def test_caption_names_occupation_release_and_source(section, occupation):
    html = section(occupation)
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", html, re.S).group(1)
    assert "Wage Test Specialists" in caption
    assert "May 2031" in caption
    assert "U.S. Bureau of Labor Statistics" in caption


@pytest.mark.parametrize(
    ("key", "column", "convert"),
    [
        ("state", 0, None),
        ("annual_median", 1, lambda text: int(text.strip("$").replace(",", ""))),
        ("hourly_median", 2, lambda text: Decimal(text.strip("$"))),
        ("employment", 3, lambda text: int(text.replace(",", ""))),
    ],
)
def test_each_column_sorts_both_ways(section, occupation, html_table, key, column, convert):
    names = {area.state_abbr: area.name for area in _areas(occupation)}
    for descending in (False, True):
        sort = f"-{key}" if descending else key
        rows = body_rows(html_table(section(occupation, f"?sort={sort}"), TABLE))
        if convert is None:
            shown = [names[row[0]] for row in rows]
        else:
            shown = [convert(row[column]) for row in rows]
        assert len(shown) == 51
        assert shown == sorted(shown, reverse=descending), sort


def _areas(occupation):
    return [estimate.area for estimate in WageEstimate.objects.filter(occupation=occupation)]


def test_the_sorted_header_alone_carries_aria_sort(section, occupation):
    html = section(occupation, "?sort=-hourly_median")
    sorted_headers = re.findall(r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*>(.*?)</th>', html)
    assert len(sorted_headers) == 1
    direction, header = sorted_headers[0]
    assert direction == "descending"
    assert "Median Hourly" in header
    # Its link now offers the other direction, and keeps the release.
    assert 'href="/occupations/test-occupation-98-0001/?release=2031&amp;sort=hourly_median' in html


def test_default_order_marks_state_ascending(section, occupation):
    html = section(occupation)
    assert re.search(r'aria-sort="ascending"[^>]*><a [^>]*>State</a>', html)


def test_unknown_sort_and_garbage_fall_back_to_the_default(section, occupation, html_table):
    default = html_table(section(occupation), TABLE)
    for query in ["?sort=password", "?sort=-", "?sort=area__name", "?sort=%00", "?wages=<b>"]:
        assert html_table(section(occupation, query), TABLE) == default, query


def test_markers_are_shown_honestly(section, wages, html_table):
    occupation = wages.occupation()
    release = wages.release(2031)
    wages.estimate(
        occupation=occupation, release=release, area="CA",
        annual_median="#", hourly_median="#", employment=1000,
    )  # fmt: skip
    wages.estimate(
        occupation=occupation, release=release, area="TX",
        annual_median="*", hourly_median="*", employment="**",
    )  # fmt: skip
    html = section(occupation)
    rows = {row[0]: row for row in body_rows(html_table(html, TABLE))}
    assert rows["CA"] == ["CA", "≥ $239,200", "≥ $115.00", "1,000"]
    assert rows["TX"] == ["TX", "not released", "not released", "not released"]
    # The reason is on hover (title) and in text for screen readers, and in the notes below.
    assert 'title="BLS did not release this wage estimate' in html
    assert '<span class="visually-hidden"> (BLS did not release this wage estimate' in html
    assert "BLS did not release this employment estimate (shown as ** in BLS files)" in html
    assert "BLS does not publish wages at or above $239,200 a year" in html


def test_annual_only_occupations_say_so_in_the_hourly_column(section, wages, html_table):
    occupation = wages.occupation("Test Teachers")
    wages.estimate(
        occupation=occupation, release=wages.release(2031), area="OH", annual_only=True,
        annual_median=61000, hourly_median="*", employment=5000,
    )  # fmt: skip
    html = section(occupation)
    assert body_rows(html_table(html, TABLE)) == [["OH", "$61,000", "annual pay only", "5,000"]]
    assert "BLS releases only annual wages for this occupation" in html


def test_figures_missing_from_the_source_are_not_shown_as_numbers(section, wages, html_table):
    occupation = wages.occupation()
    wages.estimate(
        occupation=occupation,
        release=wages.release(2031),
        area="OH",
        annual_median=61000,
    )
    html = section(occupation)
    row = body_rows(html_table(html, TABLE))[0]
    assert row == ["OH", "$61,000", "not in source", "not in source"]
    assert "This release&#x27;s source does not publish this figure." in html


@pytest.mark.parametrize("descending", [False, True])
def test_markers_sort_after_numbers_and_top_coded_above_all(section, wages, html_table, descending):
    occupation = wages.occupation()
    release = wages.release(2031)
    for abbr, annual in [("AL", 50000), ("AK", "*"), ("AZ", "#"), ("AR", 90000), ("CA", 70000)]:
        wages.estimate(occupation=occupation, release=release, area=abbr, annual_median=annual)
    sort = "-annual_median" if descending else "annual_median"
    rows = body_rows(html_table(section(occupation, f"?sort={sort}"), TABLE))
    order = [row[0] for row in rows]
    if descending:
        assert order == ["AZ", "AR", "CA", "AL", "AK"]
    else:
        assert order == ["AL", "CA", "AR", "AZ", "AK"]


def test_the_us_row_is_shown_for_reference_outside_the_sort(section, occupation, html_table):
    for query in ["", "?sort=-annual_median", "?sort=annual_median", "?sort=-state"]:
        html = section(occupation, query)
        rows = html_table(html, TABLE)
        assert rows[1] == ["U.S.", "$50,000", "$24.04", "150,000"], query
        assert html.count('<tbody class="reference">') == 1


def test_no_us_row_when_the_release_has_none(section, wages, html_table):
    occupation = wages.occupation()
    wages.state_table(occupation, wages.release(2031), states=["CA", "TX"], national=False)
    rows = html_table(section(occupation), TABLE)
    assert [row[0] for row in rows[1:]] == ["CA", "TX"]


def test_release_switcher_defaults_to_newest_and_switches(section, wages, html_table):
    occupation = wages.occupation()
    old, new = wages.release(2031), wages.release(2032)
    wages.estimate(occupation=occupation, release=old, area="CA", annual_median=40000)
    wages.estimate(occupation=occupation, release=new, area="CA", annual_median=45000)
    assert body_rows(html_table(section(occupation), TABLE))[0][1] == "$45,000"
    assert body_rows(html_table(section(occupation, "?release=2031"), TABLE))[0][1] == "$40,000"
    html = section(occupation, "?release=2031")
    assert '<option value="2031" selected>May 2031</option>' in html
    assert '<option value="2032">May 2032</option>' in html


@pytest.mark.parametrize("release", ["1999", "abc", "2031.5", "9" * 40, "-1", "%20"])
def test_unknown_release_shows_the_newest_with_a_note(section, occupation, html_table, release):
    html = section(occupation, f"?release={release}")
    assert "May 2031" in html
    assert "in the release you asked for" in html
    assert len(body_rows(html_table(html, TABLE))) == 51


def test_releases_without_data_for_the_occupation_are_not_offered(section, occupation, wages):
    wages.release(2033)  # a newer release, with figures for other occupations only
    html = section(occupation)
    assert "May 2033" not in html
    assert "May 2031" in html


def test_no_section_without_figures(section, wages):
    assert section(wages.occupation()) == ""


def test_percentiles_table_for_each_state(section, occupation, html_table):
    html = section(occupation, "?wages=annual-percentiles&sort=-annual_p90")
    rows = html_table(html, "state-annual-percentiles")
    assert rows[0] == [
        "State", "10th percentile", "25th percentile", "Median", "75th percentile",
        "90th percentile",
    ]  # fmt: skip
    assert rows[1] == ["U.S.", "$35,000", "$42,000", "$50,000", "$60,000", "$75,000"]
    p90 = [int(row[5].strip("$").replace(",", "")) for row in body_rows(rows)]
    assert len(p90) == 51 and p90 == sorted(p90, reverse=True)
    html = section(occupation, "?wages=hourly-percentiles")
    hourly = html_table(html, "state-hourly-percentiles")
    assert hourly[1] == ["U.S.", "$16.83", "$20.19", "$24.04", "$28.85", "$36.06"]


def test_map_has_a_linked_tile_per_state(section, occupation):
    html = section(occupation)
    picture, links = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    # The picture: named and described, one coloured tile per state.
    assert 'role="img"' in picture
    labelled = re.search(r'aria-labelledby="([^"]+)"', picture).group(1).split()
    for element_id in labelled:
        assert f'id="{element_id}"' in picture
    assert len(re.findall(r'<rect class="tile bin-\d"', picture)) == 51
    assert "<a " not in picture  # links inside role="img" would not be announced
    # Five colour classes and a legend naming their ranges.
    assert len(set(re.findall(r'class="tile bin-(\d)"', picture))) == 5
    assert html.count('class="swatch bin-') == 5
    # Over it, a link per tile for pointer users; keyboard and screen reader users have the
    # same links in the table, which the page names as the map's text equivalent.
    assert 'aria-hidden="true"' in links
    tiles = re.findall(r'<a href="(/states/[a-z]{2}/)" tabindex="-1"><title>([^<]+)</title>', links)
    assert len(tiles) == 51
    assert ("/states/ca/", "California: median annual wage $68,000") in tiles
    assert "The table below is the text version of this map" in html
    assert 'href="/states/ca/"><abbr title="California">CA</abbr></a>' in html


def test_states_without_an_estimate_are_drawn_empty_and_named(section, wages):
    occupation = wages.occupation("Sparse Testers")
    wages.state_table(occupation, wages.release(2031), states=["CA", "TX"])
    html = section(occupation)
    picture = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert len(re.findall(r'<rect class="tile bin-none"', picture)) == 49
    assert (
        '<li><span class="swatch bin-none" aria-hidden="true"></span>No BLS estimate</li>' in html
    )
    assert "in 49 of the 50 states and DC: Alabama, Alaska, Arizona, Arkansas, Colorado," in html
    assert "Idaho: no BLS estimate for this occupation" in html


def test_top_coded_states_share_the_top_colour_and_the_legend_says_so(section, wages):
    occupation = wages.occupation("Top Testers")
    release = wages.release(2031)
    for abbr, annual in [("CA", "#"), ("TX", 100_000), ("NY", 120_000), ("OH", "*")]:
        wages.estimate(occupation=occupation, release=release, area=abbr, annual_median=annual)
    html = section(occupation)
    tiles = re.findall(r"<title>([A-Za-z ]+): median annual wage ([^<]*)</title>", html)
    assert sorted(tiles) == [
        ("California", "≥ $239,200"),
        ("New York", "$120,000"),
        ("Ohio", "not released"),
        ("Texas", "$100,000"),
    ]
    picture = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert picture.count('class="tile bin-3"') == 1  # California, top-coded
    legend = re.findall(r'swatch bin-(\w+)" aria-hidden="true"></span>([^<]+)</li>', html)
    assert legend == [
        ("1", "$100,000"),
        ("2", "$120,000"),
        ("3", "At least $239,200 (top-coded)"),
        ("0", "Not released"),
        ("none", "No BLS estimate"),
    ]


def test_the_section_is_cached_and_a_content_change_shows_new_figures(
    client, occupation, html_table, django_assert_num_queries
):
    url = occupation.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(1):  # the content version; the rest comes from the cache
        cached = client.get(url).content.decode()
    WageEstimate.objects.filter(occupation=occupation, area__state_abbr="CA").update(
        annual_median=99999
    )
    # The write bumped the content version (a trigger): the next request shows it.
    fresh = client.get(url).content.decode()
    assert fresh != cached
    rows = body_rows(html_table(fresh, TABLE))
    assert [row[1] for row in rows if row[0] == "CA"] == ["$99,999"]


def test_cache_keys_use_normalised_values_only(client, occupation):
    url = occupation.get_absolute_url()
    client.get(url)
    before = len(cache._cache)
    for junk in range(20):
        client.get(f"{url}?sort=junk{junk}&release=x{junk}&utm={junk}")
    # Unknown values all map to the same (default, "unknown release") entry.
    assert len(cache._cache) <= before + 1


@pytest.mark.parametrize("states", [3, 51])
def test_render_queries_do_not_grow_with_rows(section, wages, states, django_assert_num_queries):

    occupation = wages.occupation()
    wages.state_table(occupation, wages.release(2031), states=_first_states(states))
    cache.clear()
    # stamp, releases, release, state rows, U.S. row: the same for 3 states as for 51
    with django_assert_num_queries(5):
        html = section(occupation, "?sort=-annual_median")
    assert html.count('<th scope="row"') == states + 1


def _first_states(count):
    from salaries.maps import TILES

    return list(TILES)[:count]
