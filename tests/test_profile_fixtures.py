"""Loading the written profiles: idempotent, respectful of BLS fields and staff edits, and strict
about bad files (a clear message naming file and entry, nothing written)."""

import json
import shutil

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from careers.cache import content_version
from occupations.models import Alternative, Occupation, SocLevel
from occupations.services import PROFILES_DIR, ProfileDataError, load_profiles

# The SOC codes of the profiles and the titles BLS gives them (OEWS May 2025).
BLS_TITLES = {
    "medical-records-specialist": ("29-2072", "Medical Records Specialists"),
    "file-clerk": ("43-4071", "File Clerks"),
    "health-information-technologist": (
        "29-9021",
        "Health Information Technologists and Medical Registrars",
    ),
    "medical-transcriptionist": ("31-9094", "Medical Transcriptionists"),
    "medical-secretary": ("43-6013", "Medical Secretaries and Administrative Assistants"),
    "billing-and-posting-clerk": ("43-3021", "Billing and Posting Clerks"),
    "insurance-claims-clerk": ("43-9041", "Insurance Claims and Policy Processing Clerks"),
    "health-information-manager": ("11-9111", "Medical and Health Services Managers"),
    "compliance-officer": ("13-1041", "Compliance Officers"),
    "document-management-specialist": (None, None),
    "medical-coder": (None, None),
}


def snapshot():
    """Row count of every table the loader could touch (history included), and every stamp."""
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("occupations").get_models()
    }
    stamps = sorted(Occupation.objects.values_list("slug", "updated_at"))
    return counts, stamps, content_version()


def test_loading_the_site_data_twice_changes_nothing(db):
    # The test session has loaded the site data once already, as `make run` would.
    before = snapshot()
    assert before[0]["occupations.HistoricalOccupation"] > 0  # history tables are counted
    call_command("load_site_data", verbosity=0)
    assert snapshot() == before


def test_the_seed_profile_and_its_alternatives_are_loaded(db):
    mrs = Occupation.objects.get(slug="medical-records-specialist")
    assert (mrs.soc_code, mrs.level, mrs.has_profile) == ("29-2072", SocLevel.DETAILED, True)
    alternatives = list(
        Alternative.objects.filter(occupation=mrs).select_related("alternative")
        .values_list("alternative__slug", flat=True)
    )  # fmt: skip
    assert alternatives[:2] == ["document-management-specialist", "file-clerk"]
    assert len(alternatives) >= 8
    for slug, (code, _) in BLS_TITLES.items():
        occupation = Occupation.objects.get(slug=slug)
        assert occupation.soc_code == code, slug
        assert occupation.has_profile and occupation.summary and occupation.overview, slug
        assert occupation.responsibilities.count() >= 3, slug
        assert occupation.skills.count() >= 3, slug
    assert [c.certification.abbreviation for c in mrs.occupation_certifications.all()] == [
        "RHIT",
        "CCS",
    ]
    assert {c.certification.issuing_body for c in mrs.occupation_certifications.all()} == {
        "American Health Information Management Association (AHIMA)"
    }


def test_profile_soc_codes_are_real_bls_codes():
    """The codes in the files match BLS's list; the BLS titles are those of OEWS May 2025."""
    for slug, (code, _) in BLS_TITLES.items():
        data = json.loads((PROFILES_DIR / f"{slug}.json").read_text())
        assert data["soc_code"] == code, slug


def test_loading_keeps_the_bls_fields_the_wage_import_set(db):
    mrs = Occupation.objects.get(slug="medical-records-specialist")
    group = Occupation.objects.create(
        title="Test Group", slug="test-group", soc_code="97-2000", level=SocLevel.MINOR
    )
    # What the BLS import does: a bulk update, no history row, no save(). (97-xxxx is no SOC
    # code, so the test's values differ from whatever the import has set.)
    Occupation.objects.filter(pk=mrs.pk).update(
        bls_title="Test BLS Title", parent=group, level=SocLevel.DETAILED
    )
    before = snapshot()
    result = load_profiles()
    assert not result.changed
    assert snapshot() == before
    mrs.refresh_from_db()
    assert (mrs.bls_title, mrs.parent_id) == ("Test BLS Title", group.pk)


@pytest.fixture
def profiles_dir(tmp_path):
    """A private copy of the profile files to break or change."""
    directory = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIR, directory)
    return directory


def edit(directory, name, **changes):
    path = directory / f"{name}.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))
    return data


def test_a_row_the_bls_import_made_becomes_the_profile_instead_of_a_duplicate(db, profiles_dir):
    row = Occupation.objects.create(
        title="Test Workers, All Other", slug="test-workers-all-other", soc_code="97-1099",
        level=SocLevel.DETAILED, bls_title="Test Workers, All Other",
    )  # fmt: skip
    data = edit(profiles_dir, "medical-coder")
    data.update(slug="test-worker", title="Test Worker", soc_code="97-1099", alternatives=[])
    (profiles_dir / "test-worker.json").write_text(json.dumps(data))

    load_profiles(directory=profiles_dir)
    row.refresh_from_db()
    assert (row.slug, row.title, row.has_profile) == ("test-worker", "Test Worker", True)
    assert (row.bls_title, row.level) == ("Test Workers, All Other", SocLevel.DETAILED)
    assert Occupation.objects.filter(soc_code="97-1099").count() == 1


def test_a_changed_file_updates_in_place(db, profiles_dir):
    data = edit(profiles_dir, "file-clerk", summary="A corrected summary.")
    data["responsibilities"] = list(reversed(data["responsibilities"]))
    edit(profiles_dir, "file-clerk", responsibilities=data["responsibilities"])
    before_version = content_version()
    result = load_profiles(directory=profiles_dir)
    clerk = Occupation.objects.get(slug="file-clerk")
    assert clerk.summary == "A corrected summary."
    assert [r.text for r in clerk.responsibilities.all()] == data["responsibilities"]
    assert result.changed and result.created == 0
    assert content_version() > before_version
    # And the corrected files, loaded again, change nothing.
    before = snapshot()
    assert not load_profiles(directory=profiles_dir).changed
    assert snapshot() == before


def test_staff_edits_survive_a_reload_unless_overwritten(client, db, django_user_model):
    editor = django_user_model.objects.create_superuser("editor@example.com", "pw-123-editor")
    mrs = Occupation.objects.get(slug="medical-records-specialist")
    mrs.summary = "Written by an editor."
    mrs._history_user = editor
    mrs.save()

    result = load_profiles()
    mrs.refresh_from_db()
    assert mrs.summary == "Written by an editor."
    assert "medical-records-specialist" in result.kept

    call_command("load_profiles", "--overwrite-staff-edits", verbosity=0)
    mrs.refresh_from_db()
    assert mrs.summary.startswith("Keeps patients")


def test_a_profile_staff_deleted_is_not_brought_back(client, db, django_user_model):
    editor = django_user_model.objects.create_superuser("editor@example.com", "pw-123-editor")
    coder = Occupation.objects.get(slug="medical-coder")
    coder._history_user = editor
    coder.delete()
    result = load_profiles()
    assert not Occupation.objects.filter(slug="medical-coder").exists()
    assert "medical-coder" in result.kept


def test_a_profile_staff_renamed_is_recognised_not_duplicated(db, django_user_model):
    editor = django_user_model.objects.create_superuser("editor@example.com", "pw-123-editor")
    dms = Occupation.objects.get(slug="document-management-specialist")
    dms.slug = "document-manager"
    dms._history_user = editor
    dms.save()
    load_profiles()
    assert not Occupation.objects.filter(slug="document-management-specialist").exists()
    assert Occupation.objects.filter(title="Document Management Specialist").count() == 1


FC = "file-clerk.json (file-clerk)"
ALT_X = {"shared_tasks": "x"}
BROKEN = [
    ("bad JSON", lambda d: (d / "file-clerk.json").write_text('{"slug": "file-clerk",'),
     "file-clerk.json: not valid JSON at line 1"),
    ("missing field", lambda d: _drop(d, "file-clerk", "summary"),
     f"{FC}: field 'summary' is missing"),
    ("unknown field", lambda d: edit(d, "file-clerk", salary=50000),
     f"{FC}: unknown field 'salary'"),
    ("bad SOC code", lambda d: edit(d, "file-clerk", soc_code="434071"),
     f"{FC}: field 'soc_code': Enter a SOC code in the form NN-NNNN"),
    ("wrong type", lambda d: edit(d, "file-clerk", responsibilities="File things."),
     f"{FC}: field 'responsibilities' must be a list"),
    ("unknown certification",
     lambda d: edit(d, "file-clerk", certifications=[{"abbreviation": "XYZ"}]),
     f"{FC}: certification 'XYZ' is not in certifications.json"),
    ("unknown alternative",
     lambda d: edit(d, "file-clerk", alternatives=[{"slug": "nobody", **ALT_X}]),
     f"{FC}: alternative 'nobody' is neither a profile file nor an occupation"),
    ("alternative sharing nothing",
     lambda d: edit(d, "file-clerk", alternatives=[{"slug": "medical-coder"}]),
     f"{FC}: alternatives item 1 (medical-coder) must say what it shares"),
    ("itself as alternative",
     lambda d: edit(d, "file-clerk", alternatives=[{"slug": "file-clerk", **ALT_X}]),
     f"{FC}: alternatives item 1 is the profile itself"),
    ("same SOC twice", lambda d: edit(d, "medical-coder", soc_code="43-4071"),
     "SOC code 43-4071 is also used by"),
    ("file named wrongly", lambda d: edit(d, "file-clerk", slug="records-clerk"),
     "file-clerk.json (records-clerk): the file must be named after its slug"),
    ("duplicate skill", lambda d: edit(d, "file-clerk", skills=[{"name": "A"}, {"name": "A"}]),
     f"{FC}: skills lists 'A' twice"),
    ("slug taken by another row", lambda d: _slug_clash(),
     f"{FC}: SOC code 43-4071 belongs to"),
]  # fmt: skip


def _drop(directory, slug, field):
    path = directory / f"{slug}.json"
    data = json.loads(path.read_text())
    del data[field]
    path.write_text(json.dumps(data))


def _slug_clash():
    clerk = Occupation.objects.get(slug="file-clerk")
    Occupation.objects.filter(pk=clerk.pk).update(slug="file-clerk-bls")
    Occupation.objects.create(title="Other", slug="file-clerk")


@pytest.mark.parametrize(("case", "breaks", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_bad_file_is_refused_with_its_name_and_entry_and_nothing_written(
    db, profiles_dir, case, breaks, message
):
    # A valid change elsewhere proves that nothing at all is written, not just the bad entry.
    edit(profiles_dir, "compliance-officer", summary="Changed in the same load.")
    breaks(profiles_dir)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        call_command("load_profiles", directory=profiles_dir, verbosity=0)
    assert message in str(raised.value)
    assert snapshot() == before
    with pytest.raises(ProfileDataError):
        load_profiles(directory=profiles_dir)


def test_a_missing_folder_is_refused(db, tmp_path):
    with pytest.raises(ProfileDataError, match="no such folder"):
        load_profiles(directory=tmp_path / "nowhere")


def test_dry_run_writes_nothing(db, profiles_dir):
    edit(profiles_dir, "file-clerk", summary="Would change.")
    before = snapshot()
    call_command("load_profiles", directory=profiles_dir, dry_run=True, verbosity=0)
    assert snapshot() == before
