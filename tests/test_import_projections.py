"""`manage.py import_projections`: BLS's Employment Projections workbook, as BLS publishes it."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from careers.cache import content_version
from occupations.models import Occupation, Projection, ProjectionCoverage
from occupations.projections import AGGREGATES
from tests.conftest import SHARED_DIR, snapshot

PROJECTIONS_DIR = SHARED_DIR / "data" / "projections"
SOC_DEFINITIONS = SHARED_DIR / "data" / "soc" / "soc_2018_definitions.xlsx"

HEADER = [
    "2024 National Employment Matrix title",
    "2024 National Employment Matrix code",
    "Occupation type",
    "Employment, 2024",
    "Employment, 2034",
    "Employment distribution, percent, 2024",
    "Employment distribution, percent, 2034",
    "Employment change, numeric, 2024–34",  # noqa: RUF001 (BLS's en dash)
    "Employment change, percent, 2024–34",  # noqa: RUF001
    "Percent self employed, 2024",
    "Occupational openings, 2024–34 annual average",  # noqa: RUF001
    "Median annual wage, dollars, 2024[1]",
    "Typical education needed for entry",
    "Work experience in a related occupation",
    "Typical on-the-job training needed to attain competency in the occupation",
    "Related Occupational Outlook Handbook (OOH) content xlsx",
]
TITLE = (
    "Table 1.2 Occupational projections, 2024–2034, and worker characteristics, 2024 "  # noqa: RUF001
    "(Employment in thousands)"
)
NA = "—"


def rows():
    return [
        [
            "Total, all occupations",
            "00-0000",
            "Summary",
            1000.5,
            1031.5,
            100,
            100,
            31,
            3.1,
            5.8,
            120.3,
            49500,
            NA,
            NA,
            NA,
            NA,
        ],
        [
            "  Test occupations",
            "98-0000",
            "Summary",
            10,
            11,
            1,
            1,
            1,
            10,
            NA,
            1,
            50000,
            NA,
            NA,
            NA,
            NA,
        ],
        [
            "      Probe testers",
            "98-1011",
            "Line item",
            194.8,
            208.6,
            0.1,
            0.1,
            13.8,
            7.1,
            0.8,
            14.2,
            50250,
            "Postsecondary nondegree award",
            "None",
            "None",
            "OOH Content",
        ],
        [
            "      Probe makers",
            "98-1021",
            "Line item",
            12,
            11.5,
            0,
            0,
            -0.5,
            -4.2,
            NA,
            1.3,
            ">=$239,200",
            "Bachelor's degree",
            "Less than 5 years",
            "Moderate-term on-the-job training",
            NA,
        ],
    ]


def write_workbook(path, body=None, *, header=HEADER, title=TITLE, sheet="Table 1.2"):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Index"
    table = workbook.create_sheet(sheet)
    table.append([title])
    table.append(header)
    for row in rows() if body is None else body:
        table.append(row)
    table.append([])
    table.append(["Footnotes:"])
    table.append(["Source: Employment Projections program, U.S. Bureau of Labor Statistics"])
    workbook.save(path)
    return path


def write_education(path, body):
    import openpyxl

    workbook = openpyxl.Workbook()
    table = workbook.active
    table.title = "Table 5.4"
    table.append(["Table 5.4 Education and training assignments by detailed occupation, 2024"])
    table.append([HEADER[0], HEADER[1], *HEADER[12:15], HEADER[15].removesuffix(" xlsx")])
    for row in body:
        table.append(row)
    workbook.save(path)
    return path


def run(path, *args) -> str:
    out = io.StringIO()
    call_command("import_projections", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def probes(db):
    for code, title in (("98-1011", "Probe Testers"), ("98-1021", "Probe Makers")):
        Occupation.objects.create(
            title=title, slug=title.lower().replace(" ", "-"), soc_code=code, level="detailed"
        )


# The fixture loaded by make run ---------------------------------------------------------------


def test_medical_records_specialists_show_bls_figures_exactly(db):
    link = ProjectionCoverage.objects.select_related("projection").get(
        occupation__soc_code="29-2072"
    )
    projection = link.projection
    assert not link.aggregate
    assert (projection.employment_base, projection.employment_target) == (
        Decimal("194.8"),
        Decimal("208.6"),
    )
    assert (projection.change, projection.change_percent) == (Decimal("13.8"), Decimal("7.1"))
    assert projection.openings == Decimal("14.2")
    assert (projection.median_wage, projection.median_wage_status) == (50250, "available")
    assert projection.get_education_display() == "Postsecondary nondegree award"
    assert projection.get_work_experience_display() == "None"
    assert projection.get_training_display() == "None"
    assert str(projection.release) == "2024-34"


def test_the_all_occupations_row_is_kept_for_comparison(db):
    total = Projection.objects.get(code="00-0000")
    assert total.change_percent == Decimal("3.1")
    assert total.education == ""
    assert ProjectionCoverage.objects.get(projection=total).occupation.level == "total"
    # Summary groups are left out.
    assert not Projection.objects.filter(code="29-0000").exists()


def test_each_occupation_an_aggregate_combines_shows_the_aggregates_figures(db):
    for aggregate, covered in AGGREGATES.items():
        for code in covered:
            link = ProjectionCoverage.objects.select_related("projection").get(
                occupation__soc_code=code
            )
            assert (link.projection.code, link.aggregate) == (aggregate, True), code
    laboratory = ProjectionCoverage.objects.get(occupation__soc_code="29-2011")
    assert laboratory.projection.title == "Clinical laboratory technologists and technicians"


@pytest.mark.skipif(
    not SOC_DEFINITIONS.is_file() or not (PROJECTIONS_DIR / "occupation.xlsx").is_file(),
    reason=f"the SOC definitions or BLS's projections are not in {SHARED_DIR / 'data'}",
)
def test_the_aggregates_map_to_the_soc_occupations_of_their_group_without_a_line_item():
    from python_calamine import CalamineWorkbook

    soc = CalamineWorkbook.from_path(SOC_DEFINITIONS).get_sheet_by_index(0).to_python()
    detailed = {str(row[1]) for row in soc if row and row[0] == "Detailed"}
    table = CalamineWorkbook.from_path(PROJECTIONS_DIR / "occupation.xlsx")
    items = {
        str(row[1])
        for row in table.get_sheet_by_name("Table 1.2").to_python()
        if len(row) > 2 and row[2] == "Line item"
    }
    not_soc = sorted(items - detailed)
    assert not_soc == sorted(AGGREGATES)
    for aggregate, covered in AGGREGATES.items():
        expected = {code for code in detailed if code[:6] == aggregate[:6]} - items
        assert set(covered) == expected, aggregate
    # And OEWS has none of the covered occupations on its own: they share the aggregate's wages.
    from salaries.services import BLS_FILE
    from tests.conftest import read_rows

    oews = {row["OCC_CODE"] for row in read_rows(BLS_FILE)}
    assert not {code for covered in AGGREGATES.values() for code in covered} & oews
    assert set(AGGREGATES) <= oews


# Small workbooks --------------------------------------------------------------------------------


def test_it_imports_line_items_and_links_them(probes, tmp_path):
    output = run(write_workbook(tmp_path / "occupation.xlsx"))

    # 00-0000 was loaded by load_site_data: the small table replaces the fixture's rows.
    assert "4 rows read, 1 summary rows left out; projections 2 inserted, 1 updated" in output
    makers = Projection.objects.get(code="98-1021")
    assert (makers.change, makers.change_percent) == (Decimal("-0.5"), Decimal("-4.2"))
    assert (makers.median_wage, makers.median_wage_status) == (None, "top-coded")
    assert makers.self_employed_percent is None
    assert makers.training == "moderate-term"
    assert ProjectionCoverage.objects.get(occupation__soc_code="98-1011").projection.code == (
        "98-1011"
    )


def test_reimporting_the_same_workbook_changes_nothing(probes, tmp_path):
    path = write_workbook(tmp_path / "occupation.xlsx")
    run(path)
    before, stamp = snapshot(), content_version()

    assert "the same file as last time, skipped" in run(path)
    assert "0 inserted, 0 updated, 0 deleted" in run(path, "--force")
    assert snapshot() == before
    assert content_version() == stamp


def test_education_table_agrees_with_table_1_2(probes, tmp_path):
    education = write_education(
        tmp_path / "education.xlsx",
        [["Probe testers", "98-1011", "Postsecondary nondegree award", "None", "None", NA]],
    )
    output = run(write_workbook(tmp_path / "occupation.xlsx"), "--education", str(education))
    assert "1 rows of Table 5.4 agree" in output


def _change(index, column, value):
    def change(body):
        body[index][column] = value
        return body

    return change


DAMAGE = [
    pytest.param(
        _change(2, 4, "lots"),
        "occupation.xlsx, row 5, column Employment, 2034: 'lots' is not employment in thousands",
        id="not-a-number",
    ),
    pytest.param(
        _change(2, 12, NA),
        "occupation.xlsx, row 5, column Typical education needed for entry: — on a line item",
        id="no-education-on-a-line-item",
    ),
    pytest.param(
        _change(2, 12, "Some training"),
        "occupation.xlsx, row 5, column Typical education needed for entry: 'Some training' is "
        "not one of BLS's education categories",
        id="unknown-education",
    ),
    pytest.param(
        _change(3, 1, "98-10211"),
        "occupation.xlsx, row 6, column 2024 National Employment Matrix code: '98-10211' is not "
        "a code like 29-2072",
        id="bad-code",
    ),
    pytest.param(
        lambda body: [*body, [*body[2][:3], 999, *body[2][4:]]],
        "occupation.xlsx, row 7, column Employment, 2024: '999' disagrees with '194.8' in row 5 "
        "for code 98-1011",
        id="duplicate-that-disagrees",
    ),
    pytest.param(
        lambda body: body[1:],
        "occupation.xlsx: no 00-0000 row (Total, all occupations) to compare with",
        id="no-total",
    ),
    pytest.param(
        lambda body: [], "occupation.xlsx: Table 1.2 has a header but no rows", id="empty"
    ),
]


@pytest.mark.parametrize(("damage", "message"), DAMAGE)
def test_a_damaged_workbook_is_refused_and_nothing_is_written(probes, tmp_path, damage, message):
    path = write_workbook(tmp_path / "occupation.xlsx", damage(rows()))
    before = snapshot()

    with pytest.raises(CommandError) as raised:
        run(path)

    assert message in str(raised.value)
    assert snapshot() == before


def test_a_missing_column_is_refused(probes, tmp_path):
    header = [name for name in HEADER if name != "Occupational openings, 2024–34 annual average"]  # noqa: RUF001
    body = [row[:10] + row[11:] for row in rows()]
    before = snapshot()
    with pytest.raises(CommandError, match=r"occupation.xlsx, row 2: missing column Occupational"):
        run(write_workbook(tmp_path / "occupation.xlsx", body, header=header))
    assert snapshot() == before


def test_a_workbook_without_table_1_2_is_refused(probes, tmp_path):
    path = write_workbook(tmp_path / "occupation.xlsx", sheet="Table 1.3")
    with pytest.raises(CommandError, match=r"occupation.xlsx: no sheet 'Table 1.2'"):
        run(path)


def test_an_education_table_that_disagrees_is_refused(probes, tmp_path):
    education = write_education(
        tmp_path / "education.xlsx",
        [["Probe testers", "98-1011", "Bachelor's degree", "None", "None", NA]],
    )
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run(write_workbook(tmp_path / "occupation.xlsx"), "--education", str(education))
    assert (
        "education.xlsx, row 3, column Typical education needed for entry: \"Bachelor's "
        "degree\" disagrees with 'Postsecondary nondegree award' in occupation.xlsx, Table 1.2, "
        "row 5"
    ) in str(raised.value)
    assert snapshot() == before
