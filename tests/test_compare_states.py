"""Compare states: 2 to 5 states side by side for one occupation and release."""

import re

import pytest

TABLE = "compare"


@pytest.fixture
def occupation(wages):
    occupation = wages.occupation("Comparison Testers")
    release = wages.release(2031)
    wages.state_table(
        occupation, release, states=["CA", "TX", "NY", "OH", "FL", "WA", "AL"],
        AL={"annual_median": "#", "hourly_median": "#", "employment": "**"},
    )  # fmt: skip
    return occupation


def url(occupation, query=""):
    return f"/salaries/{occupation.slug}/compare/{query}"


def test_first_visit_shows_the_form_without_errors(client, occupation):
    html = client.get(url(occupation)).content.decode()
    assert "States (2 to 5)" in html
    assert 'name="state" value="CA"' in html
    assert "errorlist" not in html
    assert 'id="compare"' not in html


def test_two_states_side_by_side_with_the_us(client, occupation, html_table):
    response = client.get(url(occupation, "?state=CA&state=tx"))
    assert response.status_code == 200
    rows = html_table(response.content.decode(), TABLE)
    assert rows[0] == ["Measure", "California", "Texas", "U.S."]
    by_measure = {row[0]: row[1:] for row in rows[1:]}
    # The factory gives the n-th state listed 40,000 + 1,000 * (n * 7 % 51) a year: CA first.
    assert by_measure["Median salary"] == ["$40,000", "$47,000", "$50,000"]
    assert by_measure["Median salary: difference from the U.S."] == [
        "\u2212$10,000 (\u221220.0%)", "\u2212$3,000 (\u22126.0%)", "reference",
    ]  # fmt: skip
    assert by_measure["Positions"] == ["100", "390", "150,000"]
    assert by_measure["Annual wage, 90th percentile"] == ["$50,000", "$57,000", "$75,000"]
    assert by_measure["Hourly wage, 10th percentile"] == ["$10.00", "$11.00", "$16.83"]
    assert "Median hourly: difference from the U.S." in by_measure


def test_five_states_are_allowed(client, occupation, html_table):
    query = "?state=CA&state=TX&state=NY&state=OH&state=FL"
    rows = html_table(client.get(url(occupation, query)).content.decode(), TABLE)
    assert rows[0] == ["Measure", "California", "Texas", "New York", "Ohio", "Florida", "U.S."]


@pytest.mark.parametrize(
    ("query", "columns"),
    [
        ("?state=CA&state=TX&state=NY", ["California", "Texas", "New York"]),
        ("?state=NY&state=CA&state=TX", ["New York", "California", "Texas"]),
        ("?state=tx&state=CA&state=TX", ["Texas", "California"]),  # a repeat counts once
    ],
)
def test_compare_keeps_the_order_chosen(client, occupation, html_table, query, columns):
    html = client.get(url(occupation, query)).content.decode()
    assert html_table(html, TABLE)[0] == ["Measure", *columns, "U.S."]
    # The download keeps it too, and so does the file's name.
    csv_link = re.search(r'href="(/salaries/[^"]+/compare\.csv\?[^"]+)"', html).group(1)
    response = client.get(csv_link.replace("&amp;", "&"))
    names = [line.split(",")[0] for line in response.content.decode("utf-8-sig").splitlines()]
    assert names[1:] == [*columns, "United States"]
    codes = "-".join(ABBREVIATIONS[name] for name in columns)
    assert f"-{codes}-2031.csv" in response["Content-Disposition"]


ABBREVIATIONS = {"California": "ca", "Texas": "tx", "New York": "ny"}


def picks_of(html):
    """(link text, href) of every quick pick, in the order shown."""
    section = re.search(r'<section class="quick-picks".*?</section>', html, flags=re.S).group(0)
    return [
        (re.sub(r"<[^>]+>", "", text).strip(), href.replace("&amp;", "&"))
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', section, flags=re.S)
    ]


def test_quick_pick_of_the_states_with_the_most_positions(client, occupation, html_table):
    html = client.get(url(occupation)).content.decode()
    label, href = picks_of(html)[0]
    assert label == "The 5 states with the most positions"
    # Positions (tests/conftest.py): WA 530, OH 460, TX 390, FL 240, NY 170, CA 100; AL "**".
    assert href == url(occupation, "?release=2031&state=WA&state=OH&state=TX&state=FL&state=NY")
    assert "Washington, Ohio, Texas, Florida, New York" in html
    # A plain link: following it compares those states, in that order, with no script.
    rows = html_table(client.get(href).content.decode(), TABLE)
    assert rows[0] == ["Measure", "Washington", "Ohio", "Texas", "Florida", "New York", "U.S."]


@pytest.fixture
def everywhere(wages):
    occupation = wages.occupation("Everywhere Testers")
    wages.state_table(occupation, wages.release(2031))
    return occupation


def test_quick_pick_of_a_state_and_its_neighbours_fits_the_form(client, everywhere, html_table):
    from salaries.compare import NEIGHBOURS
    from salaries.models import WageEstimate

    positions = dict(
        WageEstimate.objects.filter(occupation=everywhere).values_list(
            "area__state_abbr", "employment"
        )
    )
    html = client.get(url(everywhere)).content.decode()
    missouri = next(href for label, href in picks_of(html) if label.startswith("Missouri"))
    states = re.findall(r"state=([A-Z]{2})", missouri)
    # Missouri first, then 4 of its 8 neighbours (the form takes 5 states), most positions first.
    assert states[0] == "MO" and len(states) == 5
    assert set(states[1:]) <= NEIGHBOURS["MO"]
    expected = sorted(NEIGHBOURS["MO"], key=lambda abbr: (-positions[abbr], abbr))[:4]
    assert [positions[abbr] for abbr in states[1:]] == [positions[abbr] for abbr in expected]
    rows = html_table(client.get(missouri).content.decode(), TABLE)
    assert rows[0][1] == "Missouri" and len(rows[0]) == 7


def test_a_comparison_offers_the_neighbours_of_each_state_chosen(client, everywhere):
    from salaries.models import WageEstimate

    html = client.get(url(everywhere, "?state=RI&state=ME")).content.decode()
    labels = [label for label, _ in picks_of(html)]
    # After the largest states, in the order chosen.
    first, second = "Rhode Island and its neighbours", "Maine and its neighbours"
    assert labels[1:3] == [first, second]
    positions = dict(
        WageEstimate.objects.filter(
            occupation=everywhere, area__state_abbr__in=["CT", "MA"]
        ).values_list("area__state_abbr", "employment")
    )
    neighbours = sorted(positions, key=lambda abbr: -positions[abbr])
    query = "&".join(f"state={abbr}" for abbr in ["RI", *neighbours])
    assert dict(picks_of(html))[first] == url(everywhere, f"?release=2031&{query}")


def test_states_without_neighbours_get_no_neighbour_pick(client, everywhere):
    labels = [label for label, _ in picks_of(client.get(url(everywhere)).content.decode())]
    assert not any(label.startswith(("Alaska", "Hawaii")) for label in labels)
    assert any(label.startswith("Alabama") for label in labels)


def test_the_neighbour_table_is_symmetric_and_covers_every_state_with_a_land_border():
    from salaries.compare import NEIGHBOURS
    from tests.conftest import STATES

    for state, neighbours in NEIGHBOURS.items():
        assert state not in neighbours
        for other in neighbours:
            assert state in NEIGHBOURS[other], f"{state} borders {other}, not the reverse"
    assert set(NEIGHBOURS) == {abbr for _, abbr, _ in STATES} - {"AK", "HI"}
    assert NEIGHBOURS["DC"] == {"MD", "VA"}
    assert NEIGHBOURS["TN"] == {"AL", "AR", "GA", "KY", "MS", "MO", "NC", "VA"}
    assert len(NEIGHBOURS["MO"]) == 8
    # Land borders only: not the Four Corners' diagonals, not across a lake.
    assert "CO" not in NEIGHBOURS["AZ"] and "NM" not in NEIGHBOURS["UT"]
    assert "IL" not in NEIGHBOURS["MI"] and "MN" not in NEIGHBOURS["MI"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?compare=1", "Choose at least 2 states to compare; you chose 0."),
        ("?state=CA", "Choose at least 2 states to compare; you chose 1."),
        ("?state=CA&state=CA", "Choose at least 2 states to compare; you chose 1."),
        (
            "?state=CA&state=TX&state=NY&state=OH&state=FL&state=WA",
            "Choose at most 5 states to compare; you chose 6.",
        ),
        ("?state=CA&state=ZZ", "ZZ is not a state with figures in this release."),
        ("?state=CA&state=WY", "WY is not a state with figures in this release."),
    ],
)
def test_wrong_choices_get_a_clear_message(client, occupation, query, message):
    response = client.get(url(occupation, query))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="compare"' not in html
    assert 'role="alert"' in html


def test_markers_are_not_turned_into_differences(client, occupation, html_table):
    rows = html_table(client.get(url(occupation, "?state=AL&state=CA")).content.decode(), TABLE)
    by_measure = {row[0]: row[1:] for row in rows[1:]}
    assert by_measure["Median salary"][0] == "≥ $239,200"
    assert by_measure["Median salary: difference from the U.S."][0] == "n/a"
    assert by_measure["Positions"][0] == "not released"


def test_without_a_us_figure_there_is_no_difference(client, wages, html_table):
    occupation = wages.occupation()
    wages.state_table(occupation, wages.release(2031), states=["CA", "TX"], national=False)
    html = client.get(url(occupation, "?state=CA&state=TX")).content.decode()
    rows = html_table(html, TABLE)
    assert rows[0] == ["Measure", "California", "Texas"]
    assert not any("difference" in row[0] for row in rows)
    assert "no U.S. figure" in html


def test_unknown_release_and_occupation(client, occupation):
    response = client.get(url(occupation, "?release=1800&state=CA&state=TX"))
    assert response.status_code == 200
    assert "in the release you asked for" in response.content.decode()
    assert client.get("/salaries/no-such-occupation/compare/").status_code == 404


@pytest.mark.parametrize("states", [2, 5])
def test_query_count_is_constant(client, occupation, states, django_assert_num_queries):
    query = "&".join(f"state={abbr}" for abbr in ["CA", "TX", "NY", "OH", "FL"][:states])
    # occupation, content stamp and releases, release, areas with figures, estimates
    with django_assert_num_queries(6):
        assert client.get(url(occupation, f"?{query}")).status_code == 200
