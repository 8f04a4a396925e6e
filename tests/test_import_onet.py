"""`manage.py import_onet`: O*NET's downloads in, as O*NET publishes them, or nothing at all."""

import csv
import gzip
import io
import random
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from careers.cache import content_version
from occupations.models import (
    AlternateTitle,
    DataPart,
    Occupation,
    OnetEducation,
    OnetEducationCategory,
    OnetInterest,
    OnetJobZone,
    OnetRating,
    OnetRelated,
    OnetTask,
    OnetTechnology,
    OnetTitle,
    SocLevel,
)
from occupations.onet import attribution
from occupations.services import load_profiles
from tests.conftest import SHARED_DIR, snapshot

ONET_DIR = SHARED_DIR / "data" / "onet"
TEXT_RELEASE = ONET_DIR / "db_30_1_text"
EXCEL_RELEASE = ONET_DIR / "db_29_0_excel"
needs_real_files = pytest.mark.skipif(
    not TEXT_RELEASE.is_dir() or not EXCEL_RELEASE.is_dir(),
    reason=f"O*NET's real files are not in {ONET_DIR} (the product owner's shared folder)",
)

# Test occupations live in 98-xxxx, which SOC does not use; the texts are made up here.
RATING_HEADER = [
    *("O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value", "N"),
    *("Standard Error", "Lower CI Bound", "Upper CI Bound", "Recommend Suppress"),
    *("Not Relevant", "Date", "Domain Source"),
]


def rating_rows(code, elements):
    rows = []
    for element_id, name, importance, level in elements:
        rows.append([code, element_id, name, "IM", importance, "8", "0.1", "3", "4", "N", "n/a"])
        rows.append([code, element_id, name, "LV", level, "8", "0.1", "3", "4", "N", "N"])
    return [[*row, "08/2023", "Analyst"] for row in rows]


def interest_rows(code, scores, high_points):
    rows = [
        [code, f"1.B.1.{letter}", name, "OI", score, "11/2023", "Machine Learning"]
        for letter, name, score in zip(
            "abcdef",
            ["Realistic", "Investigative", "Artistic", "Social", "Enterprising", "Conventional"],
            scores,
            strict=True,
        )
    ]
    rows += [
        [code, f"1.B.1.{letter}", name, "IH", point, "11/2023", "Machine Learning"]
        for letter, name, point in zip(
            "ghi",
            [
                "First Interest High-Point",
                "Second Interest High-Point",
                "Third Interest High-Point",
            ],
            high_points,
            strict=True,
        )
    ]
    return rows


def release_files() -> dict[str, list[list[str]]]:
    """One small, complete O*NET release: part -> rows, header first."""
    ete_header = [
        *("O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Category", "Data Value"),
        *("N", "Standard Error", "Lower CI Bound", "Upper CI Bound", "Recommend Suppress"),
        *("Date", "Domain Source"),
    ]
    education = "Required Level of Education"
    return {
        "Occupation Data": [
            ["O*NET-SOC Code", "Title", "Description"],
            ["98-1011.00", "Probe Testers", "Test probes in a made-up way."],
            ["98-1011.01", "Probe Calibration Testers", "Calibrate made-up probes."],
            ["98-1021.00", "Probe Makers", "Make probes that do not exist."],
        ],
        "Related Occupations": [
            ["O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier", "Index"],
            ["98-1011.00", "98-1021.00", "Primary-Short", "1"],
            ["98-1011.00", "98-1011.01", "Supplemental", "2"],
            ["98-1021.00", "98-1011.00", "Primary-Long", "1"],
        ],
        "Alternate Titles": [
            ["O*NET-SOC Code", "Alternate Title", "Short Title", "Source(s)"],
            ["98-1011.00", "Probe Tester (PT)", "PT", "04,06"],
            ["98-1011.00", "Test Probe Technician", "n/a", "08"],
            ["98-1021.00", "Probe Builder", "n/a", "10"],
        ],
        "Sample of Reported Titles": [
            ["O*NET-SOC Code", "Reported Job Title", "Shown in My Next Move"],
            ["98-1011.00", "Probe Tester (PT)", "Y"],
            ["98-1021.00", "Probe Builder", "N"],
        ],
        "Job Zone Reference": [
            ["Job Zone", "Name"],
            *([str(zone), f"Zone {zone}"] for zone in range(1, 6)),
        ],
        "Job Zones": [
            ["O*NET-SOC Code", "Job Zone", "Date", "Domain Source"],
            ["98-1011.00", "3", "08/2023", "Analyst"],
            ["98-1021.00", "2", "08/2023", "Analyst"],
        ],
        "Education, Training, and Experience Categories": [
            ["Element ID", "Element Name", "Scale ID", "Category", "Category Description"],
            ["2.D.1", education, "RL", "1", "Less than a High School Diploma"],
            ["2.D.1", education, "RL", "2", "High School Diploma - or the equivalent"],
            ["2.D.1", education, "RL", "3", "Post-Secondary Certificate - a made-up definition"],
        ],
        "Education, Training, and Experience": [
            ete_header,
            [
                "98-1011.00",
                "2.D.1",
                education,
                "RL",
                "1",
                "10.00",
                "28",
                "0.1",
                "n/a",
                "n/a",
                "N",
                "08/2023",
                "Incumbent",
            ],
            [
                "98-1011.00",
                "2.D.1",
                education,
                "RL",
                "2",
                "22.50",
                "28",
                "0.1",
                "1",
                "2",
                "N",
                "08/2023",
                "Incumbent",
            ],
            [
                "98-1011.00",
                "2.D.1",
                education,
                "RL",
                "3",
                "67.50",
                "28",
                "0.1",
                "1",
                "2",
                "N",
                "08/2023",
                "Incumbent",
            ],
            [
                "98-1011.00",
                "2.D.4.a",
                "Certification",
                "IM",
                "n/a",
                "2.10",
                "28",
                "0.1",
                "1",
                "2",
                "N",
                "08/2023",
                "Incumbent",
            ],
        ],
        "Technology Skills": [
            [
                *("O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title"),
                *("Hot Technology", "In Demand"),
            ],
            ["98-1011.00", "ProbeSuite", "43232202", "Test software", "Y", "Y"],
            ["98-1011.00", "Spreadsheet", "43232110", "Spreadsheet software", "N", "N"],
        ],
        "Task Statements": [
            [
                *("O*NET-SOC Code", "Task ID", "Task", "Task Type", "Incumbents Responding"),
                *("Date", "Domain Source"),
            ],
            ["98-1011.00", "990001", "Test each probe twice.", "Core", "20", "08/2023", "Analyst"],
            [
                "98-1011.00",
                "990002",
                "Log the results.",
                "Supplemental",
                "20",
                "08/2023",
                "Analyst",
            ],
            ["98-1021.00", "990003", "Assemble probes.", "n/a", "n/a", "08/2023", "Analyst"],
        ],
        "Interests": [
            [
                *("O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value"),
                *("Date", "Domain Source"),
            ],
            *interest_rows("98-1011.00", ["5.50", "6.10", "1.00", "2.00", "3.00", "4.00"], "210"),
            *interest_rows("98-1021.00", ["6.90", "2.00", "1.50", "1.00", "3.00", "2.00"], "100"),
        ],
        "Skills": [
            RATING_HEADER,
            *rating_rows(
                "98-1011.00",
                [
                    ("2.A.1.a", "Reading Comprehension", "4.12", "4.62"),
                    ("2.A.1.b", "Active Listening", "3.00", "0.00"),
                ],
            ),
        ],
        "Knowledge": [
            RATING_HEADER,
            *rating_rows(
                "98-1011.00", [("2.C.1.a", "Administration and Management", "2.50", "3.10")]
            ),
        ],
    }


def readme(version="30.1", month="December 2025") -> str:
    return f"O*NET {version} Database\r\n{month} Release\r\n"


def write_text(path: Path, rows) -> Path:
    path.write_bytes("".join("\t".join(row) + "\r\n" for row in rows).encode())
    return path


def write_release(folder: Path, files=None, *, version="30.1", month="December 2025") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Read Me.txt").write_text(readme(version, month))
    for part, rows in (release_files() if files is None else files).items():
        write_text(folder / f"{part}.txt", rows)
    return folder


def write_zip(folder: Path, target: Path) -> Path:
    """As O*NET zips a release: one folder named like the zip holding every file."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{target.stem}/{path.name}")
    return target


def write_xlsx(folder: Path, files, *, version="29.0", month="August 2024") -> Path:
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Read Me.txt").write_text(readme(version, month))
    for part, rows in files.items():
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = part[:31]
        for row in rows:
            sheet.append(
                [float(v) if v.replace(".", "", 1).isdigit() and "." in v else v for v in row]
            )
        workbook.save(folder / f"{part}.xlsx")
    return folder


def run(*paths, force=False) -> str:
    out = io.StringIO()
    args = [str(path) for path in paths] + (["--force"] if force else [])
    call_command("import_onet", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def occupation(code):
    return Occupation.objects.select_related("parent").get(onet_code=code)


# Importing ------------------------------------------------------------------------------------


def test_it_imports_every_part_of_a_text_release(db, tmp_path):
    output = run(write_release(tmp_path / "db_30_1_text"))

    assert "Occupations: 3 created" in output
    testers = occupation("98-1011.00")
    assert (testers.soc_code, testers.level, testers.title) == (
        "98-1011",
        "detailed",
        "Probe Testers",
    )
    assert testers.onet_description.text == "Test probes in a made-up way."
    assert [r.related.onet_code for r in testers.onet_related.order_by("index")] == [
        "98-1021.00",
        "98-1011.01",
    ]
    assert testers.onet_related.get(index=1).tier == "primary-short"
    assert OnetJobZone.objects.get(occupation=testers).zone == 3
    titles = OnetTitle.objects.filter(occupation=testers)
    assert set(titles.filter(kind="alternate").values_list("title", "short_title", "sources")) == {
        ("Probe Tester (PT)", "PT", "04,06"),
        ("Test Probe Technician", "", "08"),
    }
    reported = titles.get(kind="reported")
    assert (reported.title, reported.shown_in_my_next_move) == ("Probe Tester (PT)", True)
    assert dict(
        OnetEducation.objects.filter(occupation=testers, scale="RL").values_list(
            "category", "percent"
        )
    ) == {1: Decimal("10.00"), 2: Decimal("22.50"), 3: Decimal("67.50")}
    assert not OnetEducation.objects.filter(occupation=testers, scale="IM").exists()
    assert (
        OnetEducationCategory.objects.get(scale="RL", category=3).label
        == "Post-Secondary Certificate"
    )
    hot = OnetTechnology.objects.get(occupation=testers, example="ProbeSuite")
    assert (hot.commodity_code, hot.hot, hot.in_demand) == (43232202, True, True)
    tasks = OnetTask.objects.filter(occupation__onet_code__startswith="98-").order_by("task_id")
    assert [(t.task_id, t.type) for t in tasks] == [
        (990001, "core"),
        (990002, "supplemental"),
        (990003, ""),
    ]
    interests = {i.interest: (i.score, i.high_point) for i in testers.onet_interests.all()}
    assert interests["I"] == (Decimal("6.10"), 1)
    assert interests["R"] == (Decimal("5.50"), 2)
    assert interests["A"] == (Decimal("1.00"), None)
    assert (
        OnetInterest.objects.get(occupation__onet_code="98-1021.00", interest="R").high_point == 1
    )
    reading = OnetRating.objects.get(occupation=testers, domain="skill", element_id="2.A.1.a")
    assert (reading.element_name, reading.importance, reading.level) == (
        "Reading Comprehension",
        Decimal("4.12"),
        Decimal("4.62"),
    )
    assert OnetRating.objects.get(occupation=testers, domain="knowledge").level == Decimal("3.10")
    part = DataPart.objects.get(source="onet", part="Skills")
    assert (part.release, part.label, part.rows) == ("30.1", "O*NET 30.1 (December 2025)", 4)


def test_a_specialty_gets_a_page_of_its_own_under_its_soc_occupation(db, tmp_path):
    run(write_release(tmp_path / "db_30_1_text"))

    specialty = occupation("98-1011.01")
    assert specialty.soc_code is None and specialty.level == ""
    assert specialty.parent.onet_code == "98-1011.00"
    assert specialty.title == specialty.onet_title == "Probe Calibration Testers"
    assert specialty.slug == "probe-calibration-testers"
    assert specialty.onet_description.text == "Calibrate made-up probes."


def test_a_soc_occupation_the_database_lacks_is_created_in_its_soc_group(db, tmp_path):
    files = release_files()
    files["Occupation Data"].append(["29-2079.00", "Imaginary Health Technicians", "Made up."])
    run(write_release(tmp_path / "db_30_1_text", files))

    created = occupation("29-2079.00")
    assert (created.soc_code, created.level, created.bls_title) == (
        "29-2079",
        SocLevel.DETAILED,
        "",
    )
    # In the same SOC group as its neighbour 29-2072, as the OEWS import placed that one.
    assert created.parent_id == Occupation.objects.get(soc_code="29-2072").parent_id
    assert created.parent.level in (SocLevel.BROAD, SocLevel.MINOR)
    assert created.history.get().history_type == "+"


def test_an_existing_soc_occupation_keeps_its_title_and_gains_its_onet_code(db, tmp_path):
    records = Occupation.objects.get(soc_code="29-2072")
    title, history = records.title, records.history.count()
    files = release_files()
    files["Occupation Data"].append(
        ["29-2072.00", "Medical Records Specialists (O*NET)", "Made up."]
    )
    run(write_release(tmp_path / "db_30_1_text", files))

    records.refresh_from_db()
    assert records.title == title
    assert (records.onet_code, records.onet_title) == (
        "29-2072.00",
        "Medical Records Specialists (O*NET)",
    )
    assert records.history.count() == history + 1
    assert records.history.first().history_type == "~"


def test_zip_of_the_text_release_and_the_excel_release_give_the_same_rows(db, tmp_path):
    run(write_zip(write_release(tmp_path / "folder"), tmp_path / "db_30_1_text.zip"))
    before = snapshot()

    # The same rows as an Excel release of the same version: nothing differs but DataPart (and,
    # since pages name the file a part came from, the content version that its write moves).
    write_xlsx(tmp_path / "db_30_1_excel", release_files(), version="30.1", month="December 2025")
    output = run(tmp_path / "db_30_1_excel", force=True)

    assert "Occupations: 0 created, 0 updated" in output
    assert ", 0 inserted, 0 updated, 0 deleted" in output
    after = snapshot()
    changed = {table for table in before if before[table] != after[table]}
    assert changed == {"occupations_datapart", "careers_contentstamp"}


def test_the_newer_release_wins_a_part_given_twice_and_says_so(db, tmp_path):
    older = release_files()
    older["Job Zones"][1][1] = "5"
    write_release(
        tmp_path / "db_29_0_text",
        {"Job Zones": older["Job Zones"]},
        version="29.0",
        month="August 2024",
    )

    output = run(tmp_path / "db_29_0_text", write_release(tmp_path / "db_30_1_text"))

    assert (
        "Job Zones: O*NET 30.1 (December 2025) (db_30_1_text/Job Zones.txt) used, "
        "not O*NET 29.0 (August 2024) (db_29_0_text/Job Zones.txt)"
    ) in output
    assert OnetJobZone.objects.get(occupation__onet_code="98-1011.00").zone == 3
    assert DataPart.objects.get(part="Job Zones").release == "30.1"


def test_reimporting_the_same_files_changes_nothing(db, tmp_path):
    folder = write_release(tmp_path / "db_30_1_text")
    run(folder)
    before, stamp = snapshot(), content_version()

    skipped = run(folder)
    forced = run(folder, force=True)

    assert "Skills (O*NET 30.1 (December 2025)): the same file as last time, skipped" in skipped
    assert "Occupations: 0 created, 0 updated" in forced
    assert forced.count("0 inserted, 0 updated, 0 deleted") == 13
    assert snapshot() == before
    assert content_version() == stamp


def test_a_corrected_file_updates_only_what_changed(db, tmp_path):
    run(write_release(tmp_path / "v1"))
    related = OnetRelated.objects.get(occupation__onet_code="98-1011.00", index=1)
    files = release_files()
    # O*NET swaps the order of two related occupations.
    files["Related Occupations"][1][3], files["Related Occupations"][2][3] = "2", "1"
    files["Alternate Titles"].pop()

    output = run(write_release(tmp_path / "v2", files))

    assert (
        "Related Occupations (O*NET 30.1 (December 2025), v2/Related Occupations.txt): 3 rows "
        "read, 0 inserted, 2 updated, 0 deleted"
    ) in output
    related.refresh_from_db()
    assert related.index == 2
    assert not OnetTitle.objects.filter(title="Probe Builder", kind="alternate").exists()
    assert OnetTitle.objects.filter(title="Probe Builder", kind="reported").exists()


# Editors' content and the facts-only fixtures -------------------------------------------------


def test_editor_alternate_titles_and_onet_titles_never_touch_each_other(db, tmp_path):
    profile = Occupation.objects.get(soc_code="29-2072")
    editors = set(profile.alternate_titles.values_list("title", flat=True))
    assert editors
    files = release_files()
    files["Occupation Data"].append(["29-2072.00", "Medical Records Specialists", "Made up."])
    files["Alternate Titles"].append(["29-2072.00", "Made-up Records Title", "n/a", "08"])
    run(write_release(tmp_path / "db_30_1_text", files))

    assert set(profile.alternate_titles.values_list("title", flat=True)) == editors
    load_profiles()
    assert OnetTitle.objects.filter(occupation=profile, title="Made-up Records Title").exists()
    assert (
        set(AlternateTitle.objects.filter(occupation=profile).values_list("title", flat=True))
        == editors
    )


def test_loading_the_facts_only_fixtures_keeps_imported_descriptions_and_tasks(db, tmp_path):
    files = release_files()
    files["Occupation Data"].append(
        ["29-2072.00", "Medical Records Specialists", "An imported description."]
    )
    files["Task Statements"].append(
        ["29-2072.00", "990004", "An imported task.", "Core", "9", "08/2023", "Analyst"]
    )
    run(write_release(tmp_path / "db_30_1_text", files))
    before = snapshot()

    call_command("load_site_data", verbosity=0)

    records = Occupation.objects.get(soc_code="29-2072")
    assert records.onet_description.text == "An imported description."
    assert list(records.onet_tasks.values_list("text", flat=True)) == ["An imported task."]
    after = snapshot()
    assert after["occupations_onetdescription"] == before["occupations_onetdescription"]
    assert after["occupations_onettask"] == before["occupations_onettask"]


# Damaged files ----------------------------------------------------------------------------------


def _set(part, row, column, value):
    def change(files):
        files[part][row][column] = value

    return change


def _drop_column(part, column):
    def change(files):
        files[part] = [row[:column] + row[column + 1 :] for row in files[part]]

    return change


def _append(part, row):
    def change(files):
        files[part].append(row)

    return change


def _empty(part):
    def change(files):
        files[part] = []

    return change


DAMAGE = [
    pytest.param(
        _drop_column("Job Zones", 1),
        "Job Zones.txt, row 1: missing column Job Zone",
        id="missing-column",
    ),
    pytest.param(
        _set("Related Occupations", 0, 2, "Tier"),
        (
            "Related Occupations.txt, row 1, column 'Tier': not a column of O*NET's Related "
            "Occupations"
        ),
        id="renamed-column",
    ),
    pytest.param(
        _set("Technology Skills", 2, 0, "98-1011"),
        (
            "Technology Skills.txt, row 3, column O*NET-SOC Code: '98-1011' is not an O*NET-SOC "
            "code like 29-2072.00"
        ),
        id="not-an-onet-soc-code",
    ),
    pytest.param(
        _set("Related Occupations", 3, 1, "98-1099.00"),
        (
            "Related Occupations.txt, row 4, column Related O*NET-SOC Code: 98-1099.00 is not in "
            "Occupation Data"
        ),
        id="related-code-not-in-occupation-data",
    ),
    pytest.param(
        _set("Related Occupations", 2, 2, "Secondary"),
        (
            "Related Occupations.txt, row 3, column Relatedness Tier: 'Secondary' is not "
            "Primary-Short, Primary-Long or Supplemental"
        ),
        id="unknown-tier",
    ),
    pytest.param(
        _append("Job Zones", ["98-1011.00", "4", "08/2023", "Analyst"]),
        (
            "Job Zones.txt, row 4, column Job Zone: '4' disagrees with '3' in row 2 for the same "
            "O*NET-SOC Code 98-1011.00"
        ),
        id="duplicate-rows-that-disagree",
    ),
    pytest.param(
        _set("Interests", 1, 5, "03/2026"),
        (
            "Interests.txt, row 2, column Date: 03/2026 is after O*NET 30.1 (December 2025): this "
            "file is from a later release"
        ),
        id="file-of-a-later-release",
    ),
    pytest.param(
        _empty("Alternate Titles"), "Alternate Titles.txt: the file is empty", id="empty-file"
    ),
    pytest.param(
        lambda files: files.update({"Task Statements": files["Task Statements"][:1]}),
        "Task Statements.txt: the file has a header but no rows",
        id="header-only",
    ),
    pytest.param(
        _append(
            "Skills",
            [
                "98-1011.00",
                "2.A.1.c",
                "Writing",
                "IM",
                "3.00",
                "8",
                "0",
                "3",
                "4",
                "N",
                "n/a",
                "08/2023",
                "Analyst",
            ],
        ),
        "Skills.txt, row 6, column Scale ID: IM is the only rating of its element",
        id="rating-without-its-level",
    ),
    pytest.param(
        _append(
            "Task Statements",
            ["98-1011.00", "990001", "Test each probe once.", "Core", "20", "08/2023", "Analyst"],
        ),
        (
            "Task Statements.txt, row 5, column Task: 'Test each probe once.' disagrees with 'Test "
            "each probe twice.' in row 2"
        ),
        id="duplicate-task-id-that-disagrees",
    ),
]


@pytest.mark.parametrize(("damage", "message"), DAMAGE)
def test_a_damaged_file_is_refused_and_nothing_is_written(db, tmp_path, damage, message):
    run(write_release(tmp_path / "good"))
    files = release_files()
    damage(files)
    folder = write_release(tmp_path / "db_30_1_text", files)
    before = snapshot()

    with pytest.raises(CommandError) as raised:
        run(folder)

    assert message in str(raised.value)
    assert str(raised.value).endswith("Nothing was imported.")
    assert snapshot() == before


def test_exact_repeated_rows_are_read_once(db, tmp_path):
    files = release_files()
    files["Job Zones"].append(files["Job Zones"][1])
    run(write_release(tmp_path / "db_30_1_text", files))

    assert OnetJobZone.objects.get(occupation__onet_code="98-1011.00").zone == 3


def test_a_truncated_zip_is_refused(db, tmp_path):
    target = write_zip(write_release(tmp_path / "folder"), tmp_path / "db_30_1_text.zip")
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    before = snapshot()

    with pytest.raises(
        CommandError, match=r"db_30_1_text.zip: not a complete zip file, truncated or damaged"
    ):
        run(target)
    assert snapshot() == before


def test_a_zip_with_a_damaged_member_is_refused(db, tmp_path):
    target = write_zip(write_release(tmp_path / "folder"), tmp_path / "db_30_1_text.zip")
    data = bytearray(target.read_bytes())
    # Corrupt the compressed bytes of the first file after the Read Me's header.
    start = data.find(b"Alternate Titles.txt") + 40
    data[start : start + 20] = b"\x00" * 20
    target.write_bytes(bytes(data))
    before = snapshot()

    with pytest.raises(CommandError, match=r"damaged or truncated"):
        run(target)
    assert snapshot() == before


def test_a_folder_whose_name_and_read_me_disagree_is_refused(db, tmp_path):
    folder = write_release(tmp_path / "db_29_0_text")
    with pytest.raises(
        CommandError,
        match=r"db_29_0_text: the name says O\*NET 29.0 but its Read Me.txt says O\*NET 30.1",
    ):
        run(folder)


def test_a_folder_without_a_read_me_is_refused(db, tmp_path):
    folder = write_release(tmp_path / "db_30_1_text")
    (folder / "Read Me.txt").unlink()
    with pytest.raises(CommandError, match=r"db_30_1_text: no 'Read Me.txt'"):
        run(folder)


def test_the_same_part_twice_in_one_release_is_refused(db, tmp_path):
    write_release(tmp_path / "a")
    write_release(tmp_path / "b")
    with pytest.raises(
        CommandError,
        match=r"Alternate Titles is in both a/Alternate Titles.txt and b/Alternate Titles.txt, "
        r"of the same release",
    ):
        run(tmp_path / "a", tmp_path / "b")


@needs_real_files
def test_a_real_file_of_another_release_mixed_in_is_named_for_what_it_is(db, tmp_path):
    folder = write_release(tmp_path / "db_30_1_excel", {})
    shutil.copy(EXCEL_RELEASE / "Related Occupations.xlsx", folder)
    before = snapshot()

    with pytest.raises(CommandError) as raised:
        run(folder)

    assert (
        "db_30_1_excel/Related Occupations.xlsx: this is Related Occupations.xlsx of O*NET 29.0 "
        "(its SHA-256 says so), not part of O*NET 30.1 (December 2025)"
    ) in str(raised.value)
    assert snapshot() == before


# The real files and the committed fixtures ---------------------------------------------------


def read_real(part: str) -> list[dict]:
    with (TEXT_RELEASE / f"{part}.txt").open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))


@needs_real_files
def test_the_real_releases_import_with_descriptions_and_tasks_and_reimport_as_nothing(db):
    output = run(TEXT_RELEASE, EXCEL_RELEASE)

    assert (
        "Skills (O*NET 29.0 (August 2024), db_29_0_excel/Skills.xlsx): 61,530 rows read" in output
    )
    records = Occupation.objects.get(onet_code="29-2072.00")
    real = next(
        row for row in read_real("Occupation Data") if row["O*NET-SOC Code"] == "29-2072.00"
    )
    assert records.onet_description.text == real["Description"]
    assert records.onet_tasks.count() == 17
    assert OnetJobZone.objects.get(occupation=records).zone == 3
    related = records.onet_related.order_by("index").select_related("related")
    assert [r.related.onet_title for r in related[:2]] == [
        "Medical Transcriptionists",
        "Health Information Technologists and Medical Registrars",
    ]
    assert {"EHR Specialist", "RHIT", "Medical Coding Tech"} <= set(
        records.onet_titles.values_list("title", flat=True)
    ) | set(records.onet_titles.values_list("short_title", flat=True))
    nurses = Occupation.objects.get(onet_code="29-1141.00")
    assert nurses.onet_titles.get(title="Registered Nurse (RN)").short_title == "RN"
    engineers = occupation("15-1299.08")
    assert engineers.parent.soc_code == "15-1299"
    before = snapshot()

    again = run(TEXT_RELEASE, EXCEL_RELEASE)

    assert again.count("the same file as last time, skipped") == 13
    assert snapshot() == before


@needs_real_files
def test_the_fixtures_hold_the_real_files_facts_for_a_dozen_occupations(db):
    """The session database was loaded from fixtures/onet by load_site_data."""
    zones = {row["O*NET-SOC Code"]: int(row["Job Zone"]) for row in read_real("Job Zones")}
    sample = random.Random(11).sample(sorted(zones), 12)
    related = read_real("Related Occupations")
    titles = read_real("Alternate Titles")
    technology = read_real("Technology Skills")
    for code in sample:
        assert OnetJobZone.objects.get(occupation__onet_code=code).zone == zones[code], code
        expected = [
            r["Related O*NET-SOC Code"]
            for r in sorted(
                (r for r in related if r["O*NET-SOC Code"] == code), key=lambda r: int(r["Index"])
            )
        ]
        assert (
            list(
                OnetRelated.objects.filter(occupation__onet_code=code)
                .order_by("index")
                .values_list("related__onet_code", flat=True)
            )
            == expected
        ), code
        assert set(
            OnetTitle.objects.filter(occupation__onet_code=code, kind="alternate").values_list(
                "title", flat=True
            )
        ) == {r["Alternate Title"] for r in titles if r["O*NET-SOC Code"] == code}, code
        assert set(
            OnetTechnology.objects.filter(occupation__onet_code=code).values_list("example", "hot")
        ) == {
            (r["Example"], r["Hot Technology"] == "Y")
            for r in technology
            if r["O*NET-SOC Code"] == code
        }


def _fixture_texts() -> dict[str, str]:
    """Every committed fixture as text (gzip decompressed, workbooks' XML unzipped)."""
    texts = {}
    for path in (Path(settings.BASE_DIR) / "fixtures").rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        texts[str(path)] = data.decode("utf-8", "replace")
    return texts


@needs_real_files
def test_the_committed_fixtures_hold_no_onet_description_or_task_sentence():
    sentences = random.Random(7).sample(
        [row["Description"] for row in read_real("Occupation Data")], 25
    )
    sentences += random.Random(7).sample([row["Task"] for row in read_real("Task Statements")], 25)
    sentences += [row["Experience"] for row in read_real("Job Zone Reference")]
    records = next(
        row for row in read_real("Occupation Data") if row["O*NET-SOC Code"] == "29-2072.00"
    )
    sentences.append(records["Description"])
    # Whole sentences and their first clause, in case a file split them.
    needles = {text[:60] for text in sentences} | set(sentences)
    texts = _fixture_texts()
    assert len(texts) > 10
    for name, text in texts.items():
        for needle in needles:
            assert needle not in text, f"{name} holds O*NET's prose: {needle!r}"


def test_the_attribution_names_the_releases_loaded(db):
    notice = attribution()
    assert notice.startswith(
        "This page includes information from the O*NET 30.1 Database and the O*NET 29.0 "
        "Database by the U.S. Department of Labor, Employment and Training Administration "
        "(USDOL/ETA), used under the CC BY 4.0 license."
    )
    assert notice.endswith("Ranked and summarised by Career Explorer.")
    assert "29.0" not in attribution(["Job Zones", "Related Occupations"])
    DataPart.objects.filter(source="onet").delete()
    assert attribution() == ""
