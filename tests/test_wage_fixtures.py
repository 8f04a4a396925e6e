"""The wage fixtures `make run` loads: areas, releases and the seed's May 2023 state table."""

import csv
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from careers.cache import content_version
from occupations.models import Occupation, SocLevel
from salaries.models import FIGURES, Area, AreaType, FigureStatus, Release, WageEstimate
from salaries.services import (
    RELEASES_FILE,
    SEED_TABLES,
    SeedTable,
    WageDataError,
    load_areas,
    load_releases,
    load_seed_table,
)
from tests.conftest import SHARED_DIR, snapshot

SEED = SEED_TABLES[0]
SEED_FILE = SHARED_DIR / "seed" / "medical-records-specialist.txt"
SEED_FIGURES = {"employment", "annual_median", "hourly_median"}


def seed_rows(release_year=2023, soc_code="29-2072") -> dict[str, WageEstimate]:
    return {
        wage.area.state_abbr: wage
        for wage in WageEstimate.objects.filter(
            release__year=release_year, occupation__soc_code=soc_code
        ).select_related("area")
    }


def fixture_rows() -> list[list[str]]:
    with SEED.file.open(newline="") as stream:
        return list(csv.reader(stream))


# The seed table -------------------------------------------------------------------------------


def test_the_seed_table_is_in_the_database_exactly_as_in_the_fixture(db):
    header, *rows = fixture_rows()
    assert header == ["State", "Median Salary", "Median Hourly", "Positions"]
    assert len(rows) == 51
    wages = seed_rows()
    assert sorted(wages) == sorted(row[0] for row in rows)
    for state, salary, hourly, positions in rows:
        wage = wages[state]
        assert wage.area.type == AreaType.STATE
        assert f"{wage.annual_median:,}" == salary
        assert str(wage.hourly_median) == hourly
        assert f"{wage.employment:,}" == positions


@pytest.mark.parametrize(
    ("state", "salary", "hourly", "positions"),
    [
        ("AL", 39500, "18.99", 2540),
        ("AZ", 48460, "23.30", 3710),
        ("CA", 53740, "25.84", 20000),
        ("DC", 61320, "29.48", 270),
        ("OR", 54080, "26.00", 2370),
        ("WY", 51360, "24.69", 340),
    ],
)
def test_seed_rows_hold_the_seeds_figures(db, state, salary, hourly, positions):
    wage = seed_rows()[state]
    assert (wage.annual_median, wage.hourly_median, wage.employment) == (
        salary,
        Decimal(hourly),
        positions,
    )
    assert wage.release.name == "May 2023"
    assert wage.occupation.soc_code == "29-2072"


@pytest.mark.skipif(not SEED_FILE.exists(), reason="the shared seed file is not here")
def test_the_fixture_is_the_seeds_table_cell_for_cell():
    lines = SEED_FILE.read_text().splitlines()
    start = lines.index("State | Median Salary | Median Hourly | Positions |")
    seed = []
    for line in lines[start + 2 :]:
        if "|" not in line:
            break
        seed.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    assert len(seed) == 51
    assert fixture_rows()[1:] == seed


def test_figures_the_seed_does_not_give_are_not_invented(db):
    for wage in seed_rows().values():
        for field, _ in FIGURES:
            if field in SEED_FIGURES:
                assert getattr(wage, f"{field}_status") == FigureStatus.AVAILABLE
            else:
                assert getattr(wage, field) is None, field
                assert getattr(wage, f"{field}_status") == FigureStatus.NOT_IN_SOURCE
        assert not wage.annual_only and not wage.hourly_only


def test_the_written_profile_keeps_its_title_and_slug(db):
    occupation = Occupation.objects.get(soc_code="29-2072")
    assert occupation.has_profile
    assert (occupation.slug, occupation.title) == (
        "medical-records-specialist",
        "Medical Records Specialist",
    )
    assert occupation.bls_title == "Medical Records Specialists"


def test_loading_the_seed_again_changes_nothing(db):
    before, stamp = snapshot(), content_version()
    assert load_seed_table(SEED) == 0
    assert snapshot() == before
    assert content_version() == stamp


def test_a_corrected_seed_file_updates_the_row_in_place(db, tmp_path):
    rows = fixture_rows()
    rows[5] = ["CA", "53,750", "25.84", "20,010"]
    path = tmp_path / "corrected.csv"
    with path.open("w", newline="") as stream:
        csv.writer(stream).writerows(rows)
    before = seed_rows()["CA"]
    stamp = content_version()

    assert load_seed_table(SeedTable(path, "29-2072", "Medical Records Specialists", 2023)) == 1

    after = seed_rows()["CA"]
    assert after.pk == before.pk
    assert (after.annual_median, after.employment) == (53750, 20010)
    assert content_version() > stamp  # pages built from the old figures are retired


def test_a_seed_table_leaves_the_other_figures_of_an_existing_row_alone(db, tmp_path):
    # As if a BLS file of the same release had filled in a percentile the seed does not have.
    WageEstimate.objects.filter(pk=seed_rows()["CA"].pk).update(
        annual_p10=40000, annual_p10_status=FigureStatus.AVAILABLE
    )
    rows = fixture_rows()
    rows[5] = ["CA", "53,750", "25.84", "20,010"]
    path = tmp_path / "corrected.csv"
    with path.open("w", newline="") as stream:
        csv.writer(stream).writerows(rows)

    assert load_seed_table(SeedTable(path, "29-2072", "Medical Records Specialists", 2023)) == 1

    after = seed_rows()["CA"]
    assert (after.annual_median, after.employment) == (53750, 20010)
    assert (after.annual_p10, after.annual_p10_status) == (40000, FigureStatus.AVAILABLE)


def test_a_seed_for_an_occupation_without_a_profile_creates_it_from_bls(db, tmp_path):
    path = tmp_path / "seed.csv"
    path.write_text('State,Median Salary,Median Hourly,Positions\nTX,"41,600",20.00,"1,200"\n')

    assert load_seed_table(SeedTable(path, "98-7011", "Seed Testers", 2023)) == 2

    occupation = Occupation.objects.get(soc_code="98-7011")
    assert (occupation.title, occupation.bls_title, occupation.slug) == (
        "Seed Testers",
        "Seed Testers",
        "seed-testers",
    )
    assert occupation.level == SocLevel.DETAILED and not occupation.has_profile
    wage = seed_rows(soc_code="98-7011")["TX"]
    assert (wage.annual_median, wage.hourly_median, wage.employment) == (41600, 20, 1200)


MALFORMED = {
    "bad number": ('CA,53.740,25.84,"20,000"', "row 2, column Median Salary: '53.740'"),
    "bad hourly": ('CA,"53,740",25.845,"20,000"', "row 2, column Median Hourly: '25.845'"),
    "unknown state": ('XX,"53,740",25.84,"20,000"', "row 2, column State: 'XX'"),
    "a territory": ('PR,"53,740",25.84,"20,000"', "row 2, column State: 'PR'"),
    "missing cell": ('CA,"53,740",25.84', "row 2: 3 columns, expected 4"),
    "duplicate state": (
        'CA,"53,740",25.84,"20,000"\nCA,"53,740",25.84,"20,000"',
        "row 3, column State: CA appears twice",
    ),
}


@pytest.mark.parametrize("case", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_seed_file_fails_naming_file_row_and_column(db, tmp_path, case):
    body, message = case
    path = tmp_path / "broken.csv"
    path.write_text(f"State,Median Salary,Median Hourly,Positions\n{body}\n")
    before = snapshot()
    with pytest.raises(WageDataError) as failure:
        load_seed_table(SeedTable(path, "29-2072", "Medical Records Specialists", 2023))
    assert str(failure.value).startswith(f"broken.csv, {message}")
    assert snapshot() == before


def test_a_seed_file_with_other_columns_is_refused(db, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("State,Salary,Hourly,Jobs\nCA,1,2,3\n")
    with pytest.raises(WageDataError, match=r"other\.csv, row 1: the header must be State, "):
        load_seed_table(SeedTable(path, "29-2072", "Medical Records Specialists", 2023))


# Areas and releases -----------------------------------------------------------------------------


def test_the_areas_are_the_us_states_dc_and_territories_with_bls_codes(db):
    assert Area.objects.get(code="99").state_abbr == "US"
    assert Area.objects.get(code="99").type == AreaType.NATIONAL
    states = Area.objects.states()
    assert states.count() == 51
    assert states.get(state_abbr="CA").code == "06"
    assert states.get(state_abbr="DC").name == "District of Columbia"
    territories = Area.objects.filter(type=AreaType.TERRITORY)
    assert {(a.code, a.state_abbr) for a in territories} == {
        ("66", "GU"),
        ("72", "PR"),
        ("78", "VI"),
    }


def test_the_releases_are_may_2023_and_may_2025(db):
    may_2023, may_2025 = Release.objects.get(year=2023), Release.objects.get(year=2025)
    assert (may_2023.name, may_2023.reference_period, may_2023.published_on) == (
        "May 2023",
        date(2023, 5, 1),
        date(2024, 4, 3),
    )
    assert (may_2025.name, may_2025.bls_code, may_2025.reference_period) == (
        "May 2025",
        "2025A01",
        date(2025, 5, 1),
    )
    assert may_2025.published_on == date(2026, 5, 15)
    assert may_2025.citation == (
        "Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, "
        "May 2025."
    )


def test_loading_areas_and_releases_again_changes_nothing_and_keeps_the_version(db):
    before, stamp = snapshot(), content_version()
    assert load_areas() == 0
    assert load_releases() == 0
    assert snapshot() == before
    assert content_version() == stamp


def test_an_edited_release_fixture_updates_the_release(db, tmp_path):
    releases = json.loads(RELEASES_FILE.read_text())
    releases[1]["fields"]["published_on"] = "2026-05-16"
    path = tmp_path / "releases.json"
    path.write_text(json.dumps(releases))
    assert load_releases(path=path) == 1
    assert Release.objects.get(year=2025).published_on == date(2026, 5, 16)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "areas.json, line 1: not valid JSON"),
        ('[{"model": "salaries.release", "fields": {}}]', "areas.json, object 1: expected"),
        (
            '[{"model": "salaries.area", "fields": {"code": "99"}}]',
            "areas.json, object 1: fields must be exactly code, type, name, state_abbr",
        ),
        (
            '[{"model": "salaries.area", "fields": {"code": "99", "type": "planet", '
            '"name": "U.S.", "state_abbr": "US"}}]',
            "areas.json, object 1: Value 'planet' is not a valid choice.",
        ),
    ],
)
def test_a_malformed_areas_fixture_fails_naming_the_object(db, tmp_path, content, message):
    path = tmp_path / "areas.json"
    path.write_text(content)
    with pytest.raises(WageDataError) as failure:
        load_areas(path=path)
    assert str(failure.value).startswith(message)


def test_load_site_data_a_second_time_changes_nothing(db):
    before, stamp = snapshot(), content_version()
    call_command("load_site_data", verbosity=0)
    assert snapshot() == before
    assert content_version() == stamp
