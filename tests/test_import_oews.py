"""`manage.py import_oews`: BLS's OEWS files in, exactly as BLS gives them, or nothing at all."""

import csv
import gzip
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from careers.cache import content_version
from occupations.models import Occupation, SocLevel
from salaries.models import FIGURES, Area, AreaType, FigureStatus, Release, WageEstimate
from salaries.oews import parent_code, release_year_from_filename
from tests.conftest import SHARED_DIR, read_rows, snapshot

HEADER = [
    *("AREA", "AREA_TITLE", "AREA_TYPE", "PRIM_STATE", "NAICS", "NAICS_TITLE", "I_GROUP"),
    *("OWN_CODE", "OCC_CODE", "OCC_TITLE", "O_GROUP", "TOT_EMP", "EMP_PRSE", "JOBS_1000"),
    *("LOC_QUOTIENT", "PCT_TOTAL", "PCT_RPT", "H_MEAN", "A_MEAN", "MEAN_PRSE", "H_PCT10"),
    *("H_PCT25", "H_MEDIAN", "H_PCT75", "H_PCT90", "A_PCT10", "A_PCT25", "A_MEDIAN"),
    *("A_PCT75", "A_PCT90", "ANNUAL", "HOURLY"),
]
YEAR = 2031

AREAS = {
    "99": ("U.S.", "1", "US"),
    "06": ("California", "2", "CA"),
    "72": ("Puerto Rico", "3", "PR"),
    "99901": ("Testville, CA", "4", "CA"),
    "0699901": ("Far North California nonmetropolitan area", "6", "CA"),
}
OCCUPATIONS = {
    "00-0000": ("All Occupations", "total"),
    "98-0000": ("Testing Occupations", "major"),
    "98-1000": ("Test Engineers and Inspectors", "minor"),
    "98-1010": ("Test Engineers", "broad"),
    "98-1011": ("Software Test Engineers", "detailed"),
    "98-1021": ("Hardware Inspectors", "detailed"),
}


def bls_row(area="06", occ="98-1011", **figures) -> dict:
    area_title, area_type, state = AREAS[area]
    title, group = OCCUPATIONS[occ]
    row = {
        "AREA": area,
        "AREA_TITLE": area_title,
        "AREA_TYPE": area_type,
        "PRIM_STATE": state,
        "NAICS": "000000",
        "NAICS_TITLE": "Cross-industry",
        "I_GROUP": "cross-industry",
        "OWN_CODE": "1235",
        "OCC_CODE": occ,
        "OCC_TITLE": title,
        "O_GROUP": group,
        "TOT_EMP": "20000",
        "EMP_PRSE": "3.1",
        "JOBS_1000": "1.097",
        "LOC_QUOTIENT": "1.05",
        "PCT_TOTAL": "",
        "PCT_RPT": "",
        "H_MEAN": "27.10",
        "A_MEAN": "56370",
        "MEAN_PRSE": "0.8",
        "H_PCT10": "17.65",
        "H_PCT25": "20.93",
        "H_MEDIAN": "25.84",
        "H_PCT75": "31.60",
        "H_PCT90": "38.17",
        "A_PCT10": "36710",
        "A_PCT25": "43530",
        "A_MEDIAN": "53740",
        "A_PCT75": "65730",
        "A_PCT90": "79390",
        "ANNUAL": "",
        "HOURLY": "",
    }
    row.update(figures)
    return row


TOP_CODED = {f"H_{p}": "#" for p in ("MEAN", "PCT10", "PCT25", "MEDIAN", "PCT75", "PCT90")} | {
    f"A_{p}": "#" for p in ("MEAN", "PCT10", "PCT25", "MEDIAN", "PCT75", "PCT90")
}
ANNUAL_ONLY = {f"H_{p}": "*" for p in ("MEAN", "PCT10", "PCT25", "MEDIAN", "PCT75", "PCT90")} | {
    "ANNUAL": "TRUE"
}
HOURLY_ONLY = {f"A_{p}": "*" for p in ("MEAN", "PCT10", "PCT25", "MEDIAN", "PCT75", "PCT90")} | {
    "HOURLY": "TRUE"
}
NO_EMPLOYMENT = {"TOT_EMP": "**", "EMP_PRSE": "**", "JOBS_1000": "**", "LOC_QUOTIENT": "**"}


def sample_rows() -> list[dict]:
    """Every kind of area and occupation level, and every marker BLS uses."""
    return [
        bls_row("99", "00-0000", JOBS_1000="", LOC_QUOTIENT="", TOT_EMP="155495730"),
        bls_row("99", "98-0000", JOBS_1000="", LOC_QUOTIENT=""),
        bls_row("99", "98-1000", JOBS_1000="", LOC_QUOTIENT=""),
        bls_row("99", "98-1010", JOBS_1000="", LOC_QUOTIENT=""),
        bls_row("99", "98-1011", JOBS_1000="", LOC_QUOTIENT=""),
        bls_row("06", "98-1011", **TOP_CODED),
        bls_row("06", "98-1021", **ANNUAL_ONLY),
        bls_row("72", "98-1011", **HOURLY_ONLY),
        bls_row("99901", "98-1011", **NO_EMPLOYMENT),
        bls_row("0699901", "98-1021", MEAN_PRSE="*", H_PCT90="#", A_PCT90="#"),
    ]


def write_csv(path: Path, rows: list[dict], header=HEADER) -> Path:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(name, "") for name in header])
    return path


def write_xlsx(path: Path, rows: list[dict]) -> Path:
    """As BLS's workbooks: numbers as numbers, markers as text; lower-case names to show that
    the case of the header does not matter."""
    import openpyxl

    text_columns = {"AREA", "AREA_TITLE", "AREA_TYPE", "PRIM_STATE", "NAICS", "NAICS_TITLE"}
    text_columns |= {"I_GROUP", "OWN_CODE", "OCC_CODE", "OCC_TITLE", "O_GROUP"}
    text_columns |= {"ANNUAL", "HOURLY"}
    workbook = openpyxl.Workbook(write_only=True)
    workbook.create_sheet("Field descriptions").append(["Field", "Field description"])
    sheet = workbook.create_sheet("oews_test_dl")
    sheet.append([name.lower() for name in HEADER])
    for row in rows:
        cells = []
        for name in HEADER:
            value = row[name]
            if name in text_columns or not value.replace(".", "", 1).isdigit():
                cells.append(value or None)  # markers, and damage, as text
            elif "." in value:
                cells.append(float(value))
            else:
                cells.append(int(value))
        sheet.append(cells)
    workbook.save(path)
    return path


def import_file(path, *args) -> str:
    out = io.StringIO()
    call_command("import_oews", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def release(db):
    return Release.objects.create(
        year=YEAR,
        name=f"May {YEAR}",
        reference_period=f"{YEAR}-05-01",
        citation="Test release.",
    )


def estimate(area_code, soc_code, release):
    return WageEstimate.objects.select_related("area", "occupation").get(
        release=release, area__code=area_code, occupation__soc_code=soc_code
    )


# Importing ------------------------------------------------------------------------------------


def test_it_imports_every_area_type_level_and_marker_exactly(release, tmp_path):
    output = import_file(write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows()))

    assert "10 rows read, 10 changed (10 inserted, 0 updated), 0 unchanged" in output
    assert WageEstimate.objects.filter(release=release).count() == 10

    national = estimate("99", "00-0000", release)
    assert national.employment == 155495730
    assert national.jobs_per_1000 is None
    assert national.jobs_per_1000_status == FigureStatus.NOT_APPLICABLE
    assert national.location_quotient_status == FigureStatus.NOT_APPLICABLE

    ca = estimate("06", "98-1011", release)
    assert ca.employment == 20000 and ca.employment_rse == Decimal("3.1")
    assert ca.jobs_per_1000 == Decimal("1.097") and ca.location_quotient == Decimal("1.05")
    for field, _ in FIGURES:
        if field.startswith(("hourly_", "annual_")):
            assert getattr(ca, field) is None
            assert getattr(ca, f"{field}_status") == FigureStatus.TOP_CODED
    assert ca.mean_rse == Decimal("0.8")

    annual_only = estimate("06", "98-1021", release)
    assert annual_only.annual_only and not annual_only.hourly_only
    assert annual_only.hourly_median is None
    assert annual_only.hourly_median_status == FigureStatus.NOT_AVAILABLE
    assert annual_only.annual_median == 53740
    assert annual_only.annual_median_status == FigureStatus.AVAILABLE

    hourly_only = estimate("72", "98-1011", release)
    assert hourly_only.hourly_only and not hourly_only.annual_only
    assert hourly_only.hourly_median == Decimal("25.84")
    assert hourly_only.annual_median_status == FigureStatus.NOT_AVAILABLE

    no_employment = estimate("99901", "98-1011", release)
    for field in ("employment", "employment_rse", "jobs_per_1000", "location_quotient"):
        assert getattr(no_employment, field) is None
        assert getattr(no_employment, f"{field}_status") == FigureStatus.EMPLOYMENT_NOT_AVAILABLE
    assert no_employment.hourly_median == Decimal("25.84")

    nonmetro = estimate("0699901", "98-1021", release)
    assert nonmetro.mean_rse_status == FigureStatus.NOT_AVAILABLE
    assert nonmetro.hourly_p90_status == FigureStatus.TOP_CODED
    assert nonmetro.hourly_p75 == Decimal("31.60")
    assert nonmetro.annual_p75 == 65730


def test_it_creates_the_areas_it_has_not_seen(release, tmp_path):
    import_file(write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows()))

    metro = Area.objects.get(code="99901")
    assert (metro.type, metro.name, metro.state_abbr) == (AreaType.METRO, "Testville, CA", "CA")
    nonmetro = Area.objects.get(code="0699901")
    assert nonmetro.type == AreaType.NONMETRO
    assert Area.objects.get(code="72").type == AreaType.TERRITORY


def test_an_area_bls_renames_is_renamed_in_place(release, tmp_path):
    import_file(write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows()))
    area = Area.objects.get(code="99901")
    rows = sample_rows()
    rows[8]["AREA_TITLE"] = "Testville-Testburg, CA"

    output = import_file(write_csv(tmp_path / f"oews_{YEAR}_renamed.csv", rows))

    assert "0 changed" in output and "areas 0 created, 1 updated" in output
    renamed = Area.objects.get(code="99901")
    assert (renamed.pk, renamed.name) == (area.pk, "Testville-Testburg, CA")


def test_it_creates_soc_occupations_with_their_level_and_group(release, tmp_path):
    import_file(write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows()))

    detailed = Occupation.objects.select_related("parent").get(soc_code="98-1011")
    assert detailed.title == detailed.bls_title == "Software Test Engineers"
    assert detailed.slug == "software-test-engineers"
    assert detailed.level == SocLevel.DETAILED
    assert detailed.parent.soc_code == "98-1010"
    assert not detailed.has_profile
    # No broad group above 98-1021 in the file: its minor group is the parent.
    assert Occupation.objects.get(soc_code="98-1021").parent.soc_code == "98-1000"
    assert Occupation.objects.get(soc_code="98-1010").parent.soc_code == "98-1000"
    assert Occupation.objects.get(soc_code="98-1000").parent.soc_code == "98-0000"
    major = Occupation.objects.get(soc_code="98-0000")
    assert (major.level, major.parent) == (SocLevel.MAJOR, None)
    assert Occupation.objects.get(soc_code="00-0000").level == SocLevel.TOTAL


def test_a_written_profile_keeps_its_title_and_slug(release, tmp_path):
    profile = Occupation.objects.get(soc_code="29-2072")
    assert profile.has_profile
    title, slug = profile.title, profile.slug
    row = bls_row("06", "98-1011", OCC_CODE="29-2072", OCC_TITLE="Medical Records Specialists")
    row["O_GROUP"] = "detailed"

    import_file(write_csv(tmp_path / f"oews_{YEAR}_one.csv", [row]))

    profile.refresh_from_db()
    assert (profile.title, profile.slug) == (title, slug)
    assert profile.bls_title == "Medical Records Specialists"
    assert estimate("06", "29-2072", release).hourly_median == Decimal("25.84")


def test_a_group_sharing_its_title_does_not_take_the_occupations_slug(release, tmp_path):
    rows = [
        bls_row("06", "98-1011", OCC_CODE="98-2010", OCC_TITLE="Probers", O_GROUP="broad"),
        bls_row("06", "98-1011", OCC_CODE="98-2011", OCC_TITLE="Probers", O_GROUP="detailed"),
    ]
    import_file(write_csv(tmp_path / f"oews_{YEAR}_probers.csv", rows))

    assert Occupation.objects.get(soc_code="98-2011").slug == "probers"
    assert Occupation.objects.get(soc_code="98-2010").slug == "probers-98-2010"


def test_csv_gz_and_xlsx_give_the_same_figures_as_csv(release, tmp_path):
    rows = sample_rows()
    import_file(write_csv(tmp_path / f"oews_{YEAR}_sample.csv", rows))
    before = snapshot()

    gz_output = import_file(write_csv(tmp_path / f"oews_{YEAR}_sample.csv.gz", rows))
    xlsx_output = import_file(write_xlsx(tmp_path / f"sample_M{YEAR}_dl.xlsx", rows))

    assert "10 rows read, 0 changed (0 inserted, 0 updated), 10 unchanged" in gz_output
    assert "10 rows read, 0 changed (0 inserted, 0 updated), 10 unchanged" in xlsx_output
    assert snapshot() == before


def test_xlsx_imports_on_its_own(release, tmp_path):
    import_file(write_xlsx(tmp_path / f"sample_M{YEAR}_dl.xlsx", sample_rows()))

    ca = estimate("06", "98-1021", release)
    assert ca.annual_only
    assert ca.employment_rse == Decimal("3.1")
    assert ca.jobs_per_1000 == Decimal("1.097")
    assert ca.annual_median == 53740
    assert estimate("99", "00-0000", release).location_quotient_status == "-"


def test_reimporting_the_same_file_changes_nothing(release, tmp_path):
    path = write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows())
    import_file(path)
    before, stamp = snapshot(), content_version()

    output = import_file(path)

    assert "0 changed (0 inserted, 0 updated), 10 unchanged" in output
    assert snapshot() == before
    assert content_version() == stamp


def test_a_corrected_file_updates_rows_in_place(release, tmp_path):
    rows = sample_rows()
    import_file(write_csv(tmp_path / f"oews_{YEAR}_sample.csv", rows))
    row = estimate("99901", "98-1011", release)
    stamp = content_version()

    rows[8] = bls_row("99901", "98-1011", H_MEDIAN="26.01", A_MEDIAN="54100")
    output = import_file(write_csv(tmp_path / f"oews_{YEAR}_sample_corrected.csv", rows))

    assert "1 changed (0 inserted, 1 updated), 9 unchanged" in output
    corrected = estimate("99901", "98-1011", release)
    assert corrected.pk == row.pk
    assert (corrected.hourly_median, corrected.annual_median) == (Decimal("26.01"), 54100)
    assert corrected.employment == 20000
    assert corrected.employment_status == FigureStatus.AVAILABLE
    assert content_version() > stamp


def test_rows_for_one_industry_or_ownership_are_skipped_and_counted(release, tmp_path):
    rows = [*sample_rows(), bls_row("06", "98-1011", NAICS="622000", I_GROUP="4-digit")]
    rows.append(bls_row("06", "98-1011", OWN_CODE="5"))

    output = import_file(write_csv(tmp_path / f"oews_{YEAR}_all_data.csv", rows))

    assert "12 rows read, 10 changed" in output
    assert "2 industry- or ownership-specific rows skipped" in output
    assert estimate("06", "98-1011", release).hourly_median_status == FigureStatus.TOP_CODED


def test_a_file_with_lower_case_headers_imports(release, tmp_path):
    path = write_csv(
        tmp_path / f"oews_{YEAR}_lower.csv",
        [{name.lower(): value for name, value in row.items()} for row in sample_rows()],
        header=[name.lower() for name in HEADER],
    )
    assert "10 inserted" in import_file(path)


# Releases ---------------------------------------------------------------------------------------


def test_the_release_comes_from_the_file_name_or_the_option(release, tmp_path):
    assert release_year_from_filename("oews_2025_metro.csv.gz") == 2025
    assert release_year_from_filename("state_M2025_dl.xlsx") == 2025
    assert release_year_from_filename("oesm25st.xlsx") is None
    assert release_year_from_filename("oews_2024_vs_2025.csv") is None

    path = write_csv(tmp_path / "sample.csv", sample_rows())
    with pytest.raises(CommandError, match="no release year; add --release YEAR"):
        import_file(path)
    assert "10 inserted" in import_file(path, "--release", str(YEAR))


def test_an_unknown_release_is_refused(db, tmp_path):
    path = write_csv(tmp_path / "oews_2019_sample.csv", sample_rows())
    before = snapshot()
    with pytest.raises(CommandError, match=r"Release 2019 is not in the database \(known: "):
        import_file(path)
    assert snapshot() == before


# Damaged files ----------------------------------------------------------------------------------


def _change(index, **values):
    def change(rows):
        rows[index] = {**rows[index], **values}
        return rows

    return change


DAMAGED = {
    "bad number": (_change(5, H_MEDIAN="25.8x"), 7, "H_MEDIAN", "'25.8x' is not a number"),
    "unknown marker": (_change(3, A_MEAN="***"), 5, "A_MEAN", "'***' is not a whole number"),
    "marker of another column": (_change(2, TOT_EMP="#"), 4, "TOT_EMP", "'#' is not a whole"),
    "too many decimals": (_change(6, H_PCT25="20.935"), 8, "H_PCT25", "at most 2 decimal"),
    "negative number": (_change(4, EMP_PRSE="-3.1"), 6, "EMP_PRSE", "'-3.1' is not a number"),
    "number too large": (_change(9, A_PCT90="99999999999"), 11, "A_PCT90", "'99999999999' is"),
    "empty figure": (_change(1, H_MEAN=""), 3, "H_MEAN", "empty is not a number"),
    "bad AREA_TYPE": (_change(8, AREA_TYPE="5"), 10, "AREA_TYPE", "'5' is not an area type"),
    "bad OCC_CODE": (_change(4, OCC_CODE="981011"), 6, "OCC_CODE", "is not a SOC code"),
    "bad O_GROUP": (_change(4, O_GROUP="Detailed"), 6, "O_GROUP", "'Detailed' is not total"),
    "bad flag": (_change(7, HOURLY="yes"), 9, "HOURLY", "'yes' is not TRUE or empty"),
    "both flags": (_change(6, HOURLY="TRUE"), 8, "HOURLY", "cannot both be TRUE"),
    "duplicate row": (
        lambda rows: [*rows, rows[5]],
        12,
        "OCC_CODE",
        "a second row for area 06 and occupation 98-1011 (the first is row 7)",
    ),
    "area named two ways": (
        _change(6, AREA_TITLE="Californa"),
        8,
        "AREA_TITLE",
        "'Californa' differs from 'California' given for AREA 06 in row 7",
    ),
}


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_file_fails_naming_file_row_and_column_and_writes_nothing(
    release, tmp_path, damage
):
    change, row, column, problem = damage
    path = write_csv(tmp_path / f"oews_{YEAR}_damaged.csv", change(sample_rows()))
    before = snapshot()

    with pytest.raises(CommandError) as failure:
        import_file(path)

    message = str(failure.value)
    assert f"oews_{YEAR}_damaged.csv, row {row}, column {column}: " in message
    assert problem in message
    assert "Nothing was imported" in message
    assert snapshot() == before


def test_a_file_already_imported_is_left_as_it_was_by_a_damaged_version(release, tmp_path):
    import_file(write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows()))
    before = snapshot()
    rows = sample_rows()
    rows[0]["H_MEDIAN"] = "30.00"  # a change that would be written...
    rows[9]["A_PCT10"] = "36,71O"  # ...but a later row is damaged
    with pytest.raises(CommandError, match="row 11, column A_PCT10"):
        import_file(write_csv(tmp_path / f"oews_{YEAR}_sample.csv", rows))
    assert snapshot() == before


def test_a_missing_column_is_named(release, tmp_path):
    header = [name for name in HEADER if name != "H_MEDIAN"]
    path = write_csv(tmp_path / f"oews_{YEAR}_short.csv", sample_rows(), header=header)
    with pytest.raises(CommandError, match=r"short.csv, row 1: missing column H_MEDIAN "):
        import_file(path)


def test_a_row_with_too_many_or_too_few_fields_is_named(release, tmp_path):
    path = write_csv(tmp_path / f"oews_{YEAR}_ragged.csv", sample_rows())
    lines = path.read_text().splitlines()
    lines[3] += ",extra"
    lines[6] = lines[6].rsplit(",", 3)[0]
    path.write_text("\n".join(lines) + "\n")
    before = snapshot()
    with pytest.raises(CommandError, match=r"ragged\.csv, row 4: the row has more fields"):
        import_file(path)
    lines[3] = lines[3].removesuffix(",extra")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match="row 7, column A_PCT90: the row has fewer fields"):
        import_file(path)
    assert snapshot() == before


def test_an_empty_file_or_one_without_rows_is_refused(release, tmp_path):
    empty = tmp_path / f"oews_{YEAR}_empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match=r"oews_2031_empty\.csv: the file is empty"):
        import_file(empty)
    header_only = write_csv(tmp_path / f"oews_{YEAR}_header.csv", [])
    with pytest.raises(CommandError, match=r"oews_2031_header\.csv: the file has a header but no"):
        import_file(header_only)


def test_a_truncated_gz_file_fails_and_writes_nothing(release, tmp_path):
    rows = [bls_row("06", "98-1011", AREA=f"{90000 + i}") for i in range(3000)]
    for i, row in enumerate(rows):
        row["AREA_TYPE"], row["AREA_TITLE"] = "4", f"Metro {i}, CA"
    path = write_csv(tmp_path / f"oews_{YEAR}_metro.csv.gz", rows)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = snapshot()

    with pytest.raises(CommandError) as failure:
        import_file(path)

    message = str(failure.value)
    assert f"oews_{YEAR}_metro.csv.gz, row " in message
    assert "the compressed file is damaged or truncated" in message
    assert snapshot() == before


def test_a_file_that_is_not_xlsx_or_csv_is_refused(release, tmp_path):
    bad = tmp_path / f"oews_{YEAR}.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="not a readable XLSX workbook"):
        import_file(bad)
    with pytest.raises(CommandError, match="unknown file type"):
        import_file(write_csv(tmp_path / f"oews_{YEAR}.txt", sample_rows()))


def test_a_damaged_xlsx_row_is_named(release, tmp_path):
    rows = sample_rows()
    rows[4]["H_PCT75"] = "n/a"
    path = write_xlsx(tmp_path / f"state_M{YEAR}_dl.xlsx", rows)
    with pytest.raises(CommandError, match=r"dl.xlsx, row 6, column H_PCT75: 'n/a' is not"):
        import_file(path)


def test_the_command_exits_non_zero_on_a_damaged_file(db, tmp_path):
    """As a person runs it: a separate process, its exit status and its message."""
    rows = sample_rows()
    rows[2]["LOC_QUOTIENT"] = "1.0.5"
    path = write_csv(tmp_path / "oews_2025_damaged.csv", rows)
    database = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "True",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "import_oews", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "oews_2025_damaged.csv, row 4, column LOC_QUOTIENT: '1.0.5' is not" in result.stderr


# Output -----------------------------------------------------------------------------------------


def test_it_is_quiet_off_a_terminal_and_silent_at_verbosity_0(release, tmp_path):
    path = write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows())
    out, err = io.StringIO(), io.StringIO()
    call_command("import_oews", str(path), stdout=out, stderr=err)
    assert out.getvalue().count("\n") == 1
    assert "rows read" in out.getvalue() and " s\n" in out.getvalue()
    assert err.getvalue() == ""

    out, err = io.StringIO(), io.StringIO()
    call_command("import_oews", str(path), verbosity=0, stdout=out, stderr=err)
    assert out.getvalue() == err.getvalue() == ""


def test_verbosity_2_reports_each_phase(release, tmp_path):
    path = write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows())
    err = io.StringIO()
    call_command("import_oews", str(path), verbosity=2, stdout=io.StringIO(), stderr=err)
    phases = [line.split(" (")[0] for line in err.getvalue().splitlines()]
    assert phases == [
        "Checking 10 rows",
        "Updating areas and occupations",
        "Converting figures",
        "Writing 10 wage rows",
    ]


# The SOC hierarchy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "known", "parent"),
    [
        ("15-1211", "detailed", {"15-1210": "broad", "15-1200": "minor"}, "15-1210"),
        ("15-1211", "detailed", {"15-1200": "minor", "15-0000": "major"}, "15-1200"),
        ("29-2072", "detailed", {"29-2000": "minor", "29-0000": "major"}, "29-2000"),
        ("29-2072", "detailed", {"29-0000": "major"}, "29-0000"),
        ("15-1210", "broad", {"15-1200": "minor", "15-0000": "major"}, "15-1200"),
        ("19-5011", "detailed", {"19-5010": "minor", "19-0000": "major"}, "19-5010"),
        ("13-1020", "detailed", {"13-1000": "minor"}, "13-1000"),
        ("15-1200", "minor", {"15-0000": "major"}, "15-0000"),
        ("15-0000", "major", {"00-0000": "total"}, None),
        ("00-0000", "total", {}, None),
    ],
)
def test_parent_is_the_nearest_enclosing_group(code, level, known, parent):
    assert parent_code(code, level, {code: level, **known}) == parent


# The real file ----------------------------------------------------------------------------------

BLS_FILE = settings.BASE_DIR / "fixtures" / "oews_2025_national_state.csv.gz"
SHARED = SHARED_DIR / "data" / "oews"


def assert_matches_bls(row: dict, wage: WageEstimate) -> None:
    """Every figure and flag of one database row against BLS's text for it."""
    for field, column in FIGURES:
        text, value, status = row[column], getattr(wage, field), getattr(wage, f"{field}_status")
        where = f"{row['AREA']} {row['OCC_CODE']} {column}"
        if text in ("*", "**", "#"):
            assert (value, status) == (None, text), where
        elif text == "":
            assert (value, status) == (None, FigureStatus.NOT_APPLICABLE), where
        else:
            assert status == FigureStatus.AVAILABLE, where
            assert Decimal(text) == value, where
            if isinstance(value, Decimal):  # stored exactly as given: 25.80 stays 25.80
                assert str(value) == text, where
    assert wage.annual_only == (row["ANNUAL"] == "TRUE")
    assert wage.hourly_only == (row["HOURLY"] == "TRUE")


def test_make_run_data_matches_bls_file_for_sampled_rows(db):
    """load_site_data (run for the test session) imported the committed file: spot checks of
    every 97th row, which reach every state and occupation group."""
    release = Release.objects.get(year=2025)
    rows = [row for number, row in enumerate(read_rows(BLS_FILE)) if number % 97 == 0]
    wages = {
        (w.area.code, w.occupation.soc_code): w
        for w in WageEstimate.objects.filter(release=release).select_related("area", "occupation")
    }
    assert len(wages) == 38512
    assert len(rows) == 398
    for row in rows:
        assert_matches_bls(row, wages[row["AREA"], row["OCC_CODE"]])


@pytest.mark.parametrize(
    ("area", "soc_code", "what"),
    [
        ("01", "29-1022", "top-coded: Oral and Maxillofacial Surgeons in Alabama"),
        ("06", "11-9032", "annual only: K-12 education administrators in California"),
        ("99", "27-2011", "hourly only: actors in the U.S."),
        ("01", "11-9039", "employment not available (**): education administrators in Alabama"),
        ("19", "29-1249", "90th percentile top-coded: surgeons in Iowa"),
        ("06", "29-2072", "Medical Records Specialists in California"),
        ("99", "00-0000", "all occupations in the U.S."),
    ],
)
def test_make_run_data_matches_bls_for_each_kind_of_row(db, area, soc_code, what):
    row = next(r for r in read_rows(BLS_FILE) if r["AREA"] == area and r["OCC_CODE"] == soc_code)
    wage = estimate(area, soc_code, Release.objects.get(year=2025))
    assert_matches_bls(row, wage)


def test_the_top_coded_annual_only_and_no_employment_rows_hold_no_numbers(db):
    release = Release.objects.get(year=2025)
    surgeons = estimate("01", "29-1022", release)
    assert surgeons.annual_median is None and surgeons.annual_median_status == "#"
    assert surgeons.hourly_median is None and surgeons.hourly_median_status == "#"
    assert surgeons.employment == 130
    administrators = estimate("06", "11-9032", release)
    assert administrators.annual_only and administrators.annual_median == 159950
    assert administrators.hourly_median is None and administrators.hourly_median_status == "*"
    others = estimate("01", "11-9039", release)
    assert others.employment is None and others.employment_status == "**"
    assert others.annual_median == 94610


@pytest.mark.skipif(not (SHARED / "state_M2025_dl.xlsx").exists(), reason="BLS workbook absent")
def test_bls_state_workbook_gives_the_same_figures_as_the_csv(db):
    """BLS's state workbook holds the same rows as the committed CSV (without the U.S.):
    importing it over the CSV's data changes nothing."""
    before = snapshot()
    output = import_file(SHARED / "state_M2025_dl.xlsx")
    assert "37,408 rows read, 0 changed (0 inserted, 0 updated), 37,408 unchanged" in output
    assert snapshot() == before


@pytest.mark.skipif(not (SHARED / "oews_2025_metro.csv.gz").exists(), reason="metro file absent")
def test_bls_metro_file_imports_exactly_and_again_changes_nothing(db):
    path = SHARED / "oews_2025_metro.csv.gz"
    output = import_file(path)
    assert "198,287 rows read, 198,287 changed (198,287 inserted, 0 updated)" in output
    assert "areas 528 created" in output
    release = Release.objects.get(year=2025)
    assert Area.objects.filter(type=AreaType.METRO).count() == 393
    assert Area.objects.filter(type=AreaType.NONMETRO).count() == 135
    wages = {
        (w.area.code, w.occupation.soc_code): w
        for w in WageEstimate.objects.filter(
            release=release, area__type__in=[AreaType.METRO, AreaType.NONMETRO]
        ).select_related("area", "occupation")
    }
    for number, row in enumerate(read_rows(path)):
        if number % 499 == 0:
            assert_matches_bls(row, wages[row["AREA"], row["OCC_CODE"]])
    # A metro file lists no broad or minor groups: occupations keep the national file's.
    assert Occupation.objects.get(soc_code="15-1211").parent.soc_code == "15-1210"

    before = snapshot()
    assert "0 changed (0 inserted, 0 updated), 198,287 unchanged" in import_file(path)
    assert snapshot() == before
