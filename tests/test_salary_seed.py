"""The seed's state wage table, as `make run` loads it: ?release=2023 shows it exactly."""

import pytest

from occupations.models import Occupation
from tests.conftest import SHARED_DIR, render_salary_section

# The table as the seed gives it (../shared/seed/medical-records-specialist.txt).
SEED_TABLE = """\
State | Median Salary | Median Hourly | Positions |
---|---|---|---|
AL | 39,500 | 18.99 | 2,540 |
AK | 55,280 | 26.58 | 1,410 |
AZ | 48,460 | 23.30 | 3,710 |
AR | 37,340 | 17.95 | 1,950 |
CA | 53,740 | 25.84 | 20,000 |
CO | 55,660 | 26.76 | 1,810 |
CT | 61,300 | 29.47 | 1,570 |
DE | 50,430 | 24.25 | 540 |
DC | 61,320 | 29.48 | 270 |
FL | 44,210 | 21.25 | 16,470 |
GA | 48,880 | 23.50 | 4,800 |
HI | 60,940 | 29.30 | 590 |
ID | 49,650 | 23.87 | 1,570 |
IL | 49,900 | 23.99 | 4,970 |
IN | 46,410 | 22.31 | 3,660 |
IA | 49,190 | 23.65 | 2,830 |
KS | 46,750 | 22.48 | 2,180 |
KY | 44,770 | 21.53 | 3,730 |
LA | 48,810 | 23.47 | 2,040 |
ME | 45,630 | 21.94 | 820 |
MD | 59,990 | 28.84 | 3,040 |
MA | 52,330 | 25.16 | 3,580 |
MI | 47,810 | 22.99 | 4,700 |
MN | 60,570 | 29.12 | 3,530 |
MS | 38,200 | 18.37 | 2,080 |
MO | 50,920 | 24.48 | 3,170 |
MT | 46,830 | 22.52 | 960 |
NE | 46,440 | 22.33 | 1,650 |
NV | 45,270 | 21.77 | 1,500 |
NH | 47,960 | 23.06 | 990 |
NJ | 58,520 | 28.13 | 2,980 |
NM | 45,240 | 21.75 | 1,210 |
NY | 59,050 | 28.39 | 7,860 |
NC | 46,440 | 22.33 | 5,090 |
ND | 49,320 | 23.71 | 500 |
OH | 48,010 | 23.08 | 6,970 |
OK | 49,510 | 23.80 | 1,980 |
OR | 54,080 | 26.00 | 2,370 |
PA | 46,160 | 22.19 | 9,120 |
RI | 53,920 | 25.93 | 680 |
SC | 51,310 | 24.67 | 3,020 |
SD | 49,950 | 24.02 | 1,100 |
TN | 49,340 | 23.72 | 3,600 |
TX | 44,180 | 21.24 | 19,870 |
UT | 49,750 | 23.92 | 1,270 |
VT | 49,610 | 23.85 | 450 |
VA | 50,600 | 24.33 | 4,930 |
WA | 58,580 | 28.17 | 4,710 |
WV | 41,680 | 20.04 | 1,300 |
WI | 51,870 | 24.94 | 3,660 |
WY | 51,360 | 24.69 | 340 |
"""
SEED_FILE = SHARED_DIR / "seed" / "medical-records-specialist.txt"
TABLE = "state-medians"


def seed_rows():
    rows = [line.strip(" |").split(" | ") for line in SEED_TABLE.splitlines()[2:]]
    return [
        [state, f"${annual}", f"${hourly}", positions] for state, annual, hourly, positions in rows
    ]


def test_the_copy_here_is_the_seed_table():
    if not SEED_FILE.exists():
        pytest.skip(f"{SEED_FILE} is not on this machine")
    assert SEED_TABLE in SEED_FILE.read_text()
    assert len(seed_rows()) == 51


@pytest.fixture
def seed_section(db):
    occupation = Occupation.objects.get(soc_code="29-2072")

    def render(query):
        return render_salary_section(occupation, query)

    return render


def test_release_2023_shows_the_51_seed_rows_exactly(seed_section, html_table):
    rows = html_table(seed_section("?release=2023"), TABLE)
    assert rows[0] == ["State", "Median Salary", "Median Hourly", "Positions"]
    body = [row for row in rows[1:] if row[0] != "U.S."]
    assert body == seed_rows()


@pytest.mark.parametrize("key", ["state", "annual_median", "hourly_median", "employment"])
@pytest.mark.parametrize("descending", [False, True])
def test_each_seed_column_sorts_both_ways(seed_section, html_table, key, descending):
    sort = f"-{key}" if descending else key
    rows = [row for row in html_table(seed_section(f"?release=2023&sort={sort}"), TABLE)[1:]]
    rows = [row for row in rows if row[0] != "U.S."]
    assert sorted(map(tuple, rows)) == sorted(map(tuple, seed_rows()))
    column = ["state", "annual_median", "hourly_median", "employment"].index(key)
    if key == "state":
        order = [row[0] for row in seed_rows()]  # the seed lists states by name
        expected = order[::-1] if descending else order
        assert [row[0] for row in rows] == expected
    else:
        values = [float(row[column].strip("$").replace(",", "")) for row in rows]
        assert values == sorted(values, reverse=descending)


def test_release_2025_shows_bls_may_2025_figures(seed_section, html_table):
    html = seed_section("?release=2025")
    rows = {row[0]: row for row in html_table(html, TABLE)[1:]}
    # From BLS's file: Medical Records Specialists, May 2025.
    assert rows["U.S."] == ["U.S.", "$51,140", "$24.59", "194,720"]
    assert rows["AL"] == ["AL", "$43,810", "$21.06", "2,330"]
    assert rows["AK"] == ["AK", "$61,090", "$29.37", "1,070"]
    assert len(rows) == 52
    assert "May 2025" in html


def test_the_default_release_is_the_newest(seed_section):
    assert seed_section("") == seed_section("?release=2025")
