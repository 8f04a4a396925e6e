"""The one cache rule: a content version read once per request, bumped by the database on any
write to what pages show (careers.cache, careers.triggers)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory

from careers.cache import cached, content_version
from careers.models import ContentStamp, Plan, PlanOffer
from careers.triggers import trigger_names
from occupations.models import Occupation
from salaries.models import Release, WageEstimate
from salaries.queries import NEWEST_RELEASE_SQL


def test_without_a_request_every_call_reads_the_database(db):
    before = content_version()
    ContentStamp.objects.filter(key="content").update(version=before + 5)
    assert content_version() == before + 5


def test_a_request_reads_the_version_once(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        first = content_version(request)
        assert content_version(request) == first
    # Everything cached while answering this request is filed under that one version.
    ContentStamp.objects.filter(key="content").update(version=first + 5)
    assert content_version(request) == first


def test_a_write_to_any_content_table_retires_every_cached_value(db):
    assert cached("probe", "a", version=content_version(), compute=lambda: "old") == "old"
    assert cached("probe", "a", version=content_version(), compute=lambda: "new") == "old"
    Occupation.objects.filter(slug="medical-records-specialist").update(summary="Changed.")
    assert cached("probe", "a", version=content_version(), compute=lambda: "new") == "new"


def test_a_statement_that_changes_nothing_keeps_the_version(db):
    before = content_version()
    Occupation.objects.filter(slug="no-such-occupation").update(summary="Nothing.")
    WageEstimate.objects.filter(pk=-1).delete()
    assert content_version() == before


@pytest.mark.parametrize(
    "write",
    [
        lambda: Occupation.objects.filter(slug="medical-records-specialist").update(title="T"),
        lambda: WageEstimate.objects.filter(pk=WageEstimate.objects.first().pk).update(
            employment=1
        ),
        lambda: PlanOffer.objects.filter(plan=Plan.FREE).update(alternatives_limit=1),
        lambda: Release.objects.filter(year=2025).update(name="May 2025 (revised)"),
    ],
    ids=["occupation", "wage", "plan offer", "release"],
)
def test_a_write_from_anywhere_bumps_the_version_once_per_statement(db, write):
    before = content_version()
    write()
    assert content_version() == before + 1


def test_plain_sql_bumps_it_too(db):
    before = content_version()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE occupations_occupation SET summary = summary || ' ' "
            "WHERE id = (SELECT min(id) FROM occupations_occupation)"
        )
    assert content_version() == before + 1


def test_none_is_never_stored(db):
    calls = []

    def missing():
        calls.append(1)

    assert cached("probe-none", "x", version=1, compute=missing) is None
    assert cached("probe-none", "x", version=1, compute=missing) is None
    assert len(calls) == 2


def content_tables() -> list[str]:
    from django.apps import apps

    tables = [
        model._meta.db_table
        for app in ("occupations", "salaries")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    ]
    return [*tables, PlanOffer._meta.db_table]


def test_every_table_pages_render_from_carries_the_triggers(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        installed = {name for (name,) in cursor.fetchall()}
    missing = {
        table: [name for name in trigger_names(table) if name not in installed]
        for table in content_tables()
    }
    assert {table: names for table, names in missing.items() if names} == {}


def test_the_sql_and_the_orm_agree_on_the_newest_release(db):
    Release.objects.create(
        year=2099, name="May 2099", reference_period="2099-05-01", citation="Not imported yet."
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {NEWEST_RELEASE_SQL}")
        (newest_id,) = cursor.fetchone()
    assert newest_id == Release.objects.newest_with_figures().pk
    assert Release.objects.get(pk=newest_id).year == 2025


def test_cache_keys_hold_the_version(db):
    version = content_version()
    cached("probe-version", "k", version=version, compute=lambda: "v1")
    cache.clear()
    assert cached("probe-version", "k", version=version + 1, compute=lambda: "v2") == "v2"
