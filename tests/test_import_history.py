"""Occupations written by the BLS import, the seed loader or before history began have history:
one record per row created or changed, in the import's own transaction, none for a row that did
not change, so that admin's history shows what the import did and can revert past it."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from occupations.models import Occupation
from salaries.models import Release
from salaries.oews import OEWSImportError, import_oews
from salaries.services import SeedTable, load_seed_table
from tests.test_admin_occupations import form_data
from tests.test_import_oews import OCCUPATIONS, YEAR, bls_row, sample_rows, write_csv

TEST_CODES = [code for code in OCCUPATIONS if code.startswith("98-")]
backfill_migration = importlib.import_module(
    "occupations.migrations.0007_backfill_occupation_history"
)


@pytest.fixture
def release(db):
    return Release.objects.create(
        year=YEAR, name=f"May {YEAR}", reference_period=f"{YEAR}-05-01", citation="Test release."
    )


def history_of(code):
    return Occupation.history.filter(soc_code=code).order_by("history_date", "history_id")


def tracked(record_or_row) -> dict:
    """The fields an occupation's history keeps, as plain values."""
    names = [field.attname for field in Occupation._meta.concrete_fields]
    return {name: getattr(record_or_row, name) for name in names}


def test_an_import_records_each_occupation_it_creates(release, tmp_path):
    import_oews(
        path=write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows()), release=release
    )

    for code in TEST_CODES:
        (record,) = history_of(code)
        assert record.history_type == "+"
        assert record.history_user is None
        assert record.history_change_reason == f"BLS OEWS import of oews_{YEAR}_sample.csv"
        # The row as the import left it, its group included.
        assert tracked(record) == tracked(Occupation.objects.get(soc_code=code))
    assert history_of("98-1011").get().parent.soc_code == "98-1010"


def test_an_import_records_each_occupation_it_changes_and_no_other(release, tmp_path):
    import_oews(
        path=write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows()), release=release
    )
    renamed = [
        bls_row("06", "98-1011", OCC_TITLE="Software Quality Engineers"),
        bls_row("06", "98-1021"),
    ]

    result = import_oews(
        path=write_csv(tmp_path / f"oews_{YEAR}_fix.csv", renamed), release=release
    )

    assert result.occupations_updated == 1
    created, changed = history_of("98-1011")
    assert (changed.history_type, changed.history_change_reason) == (
        "~",
        f"BLS OEWS import of oews_{YEAR}_fix.csv",
    )
    assert changed.title == changed.bls_title == "Software Quality Engineers"
    assert created.title == "Software Test Engineers"
    assert history_of("98-1021").count() == 1


def test_a_reimport_of_the_same_file_writes_no_history(release, tmp_path):
    path = write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows())
    import_oews(path=path, release=release)
    records = Occupation.history.count()

    import_oews(path=path, release=release)

    assert Occupation.history.count() == records


def test_a_failed_import_writes_no_history(release, tmp_path):
    records = Occupation.history.count()
    rows = [*sample_rows(), bls_row("06", "98-1021", A_MEDIAN="fifty thousand")]

    with pytest.raises(OEWSImportError, match="row 12, column A_MEDIAN"):
        import_oews(path=write_csv(tmp_path / f"oews_{YEAR}_bad.csv", rows), release=release)

    assert Occupation.history.count() == records
    assert not Occupation.objects.filter(soc_code__in=TEST_CODES).exists()


def test_the_first_admin_edit_of_an_imported_occupation_can_be_reverted(
    release, tmp_path, client, django_user_model
):
    import_oews(
        path=write_csv(tmp_path / f"oews_{YEAR}_sample.csv", sample_rows()), release=release
    )
    occupation = Occupation.objects.get(soc_code="98-1011")
    imported = tracked(occupation)
    client.force_login(django_user_model.objects.create_superuser("editor@example.com", "pw-1"))
    change = reverse("admin:occupations_occupation_change", args=[occupation.pk])
    data = form_data(client.get(change))
    data["title"] = "Software Testers"
    assert client.post(change, data).status_code == 302
    occupation.refresh_from_db()
    assert occupation.title == "Software Testers"

    # The import's version is there to go back to.
    before_edit = occupation.history.order_by("history_date", "history_id").first()
    assert before_edit.history_type == "+"
    revert = reverse(
        "admin:occupations_occupation_simple_history", args=[occupation.pk, before_edit.pk]
    )
    assert client.post(revert, form_data(client.get(revert))).status_code == 302

    occupation.refresh_from_db()
    assert {**tracked(occupation), "updated_at": None} == {**imported, "updated_at": None}


def test_after_the_site_data_load_every_occupation_has_history_ending_at_its_row(db):
    without = Occupation.objects.exclude(id__in=Occupation.history.values("id"))
    assert without.count() == 0
    profile = Occupation.objects.get(slug="medical-records-specialist")
    # The data load's last writer is the O*NET import (it gave the profile its O*NET code);
    # the BLS import's record, which gave it its group, comes just before.
    latest, bls = profile.history.all()[:2]
    assert (latest.history_type, latest.history_change_reason) == (
        "~",
        "O*NET import of db_30_1/Occupation Data.txt.gz",
    )
    assert bls.history_change_reason == "BLS OEWS import of oews_2025_national_state.csv.gz"
    assert latest.bls_title == profile.bls_title == "Medical Records Specialists"
    assert latest.parent_id == profile.parent_id is not None
    assert tracked(latest) == tracked(profile)


def test_the_seed_loader_records_why_it_created_an_occupation(db, tmp_path):
    path = tmp_path / "seed.csv"
    path.write_text('State,Median Salary,Median Hourly,Positions\nTX,"41,600",20.00,"1,200"\n')

    load_seed_table(SeedTable(path, "98-7011", "Seed Testers", 2023))

    (record,) = history_of("98-7011")
    assert (record.history_type, record.history_user) == ("+", None)
    assert record.history_change_reason == "Seed table seed.csv"


# The migration that backfills history for rows written before the import recorded it


def run_backfill():
    backfill_migration.backfill(apps, SimpleNamespace(connection=connection))


def test_the_backfill_records_occupations_written_without_history(db):
    unrecorded = Occupation.objects.get(soc_code="29-0000")
    Occupation.history.filter(id=unrecorded.pk).delete()
    profile = Occupation.objects.get(slug="medical-records-specialist")
    with connection.cursor() as cursor:  # as the import used to: SQL, no history
        cursor.execute(
            "UPDATE occupations_occupation SET bls_title = 'Records Specialists' WHERE id = %s",
            [profile.pk],
        )
    records = Occupation.history.count()

    run_backfill()

    assert Occupation.history.count() == records + 2
    (created,) = Occupation.history.filter(id=unrecorded.pk)
    assert (created.history_type, created.history_user) == ("+", None)
    assert created.history_change_reason == backfill_migration.CREATED_REASON
    assert tracked(created) == tracked(Occupation.objects.get(pk=unrecorded.pk))
    changed = profile.history.first()
    assert (changed.history_type, changed.bls_title) == ("~", "Records Specialists")
    assert changed.history_change_reason == backfill_migration.CHANGED_REASON
    profile.refresh_from_db()
    assert tracked(changed) == tracked(profile)


def test_the_backfill_writes_nothing_where_history_is_complete(db):
    records = Occupation.history.count()

    run_backfill()

    assert Occupation.history.count() == records
