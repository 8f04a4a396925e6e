import pytest

from careers import cache as content_cache
from careers.cache import bump_content_version, cached_html, content_version
from careers.models import ContentStamp


@pytest.fixture
def fresh_memory():
    content_cache._remembered.update(version=0, until=0.0)
    yield
    content_cache._remembered.update(version=0, until=0.0)


def test_without_a_ttl_every_call_reads_the_database(db, settings, fresh_memory):
    settings.CONTENT_STAMP_TTL = 0
    before = content_version()
    ContentStamp.objects.filter(key="content").update(version=before + 5)
    assert content_version() == before + 5


def test_with_a_ttl_a_worker_reuses_the_stamp_without_a_query(
    db, settings, fresh_memory, django_assert_num_queries
):
    settings.CONTENT_STAMP_TTL = 60
    first = content_version()
    # Another worker's write: this process keeps its copy until the TTL runs out.
    ContentStamp.objects.filter(key="content").update(version=first + 5)
    with django_assert_num_queries(0):
        assert content_version() == first


def test_a_bump_in_this_process_shows_at_once_even_with_a_ttl(db, settings, fresh_memory):
    settings.CONTENT_STAMP_TTL = 60
    first = content_version()
    bump_content_version()
    assert content_version() == first + 1


def test_a_bump_retires_every_cached_fragment(db, settings, fresh_memory):
    settings.CONTENT_STAMP_TTL = 0
    assert cached_html("probe", ["a"], lambda: "old") == "old"
    assert cached_html("probe", ["a"], lambda: "new") == "old"
    bump_content_version()
    assert cached_html("probe", ["a"], lambda: "new") == "new"
