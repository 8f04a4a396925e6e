"""Fuzzing every query parameter of every public page: whatever a visitor (or a crawler, or an
attacker) puts in the address, the answer is a page, a redirect or a clear 4xx, never a 500.

The Django test client re-raises any exception a view lets escape, so a crash fails the example
with its traceback; hypothesis then shrinks the query string to the smallest one that crashes.
"""

import re
import time
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE_DIR = Path(__file__).resolve().parent.parent

# Every parameter any view reads (test_every_parameter_the_code_reads_is_fuzzed keeps this
# complete), plus "states" and "format", which a visitor may well guess.
PARAMETERS = [
    "q",
    "sort",
    "page",
    "per_page",
    "release",
    "level",
    "wages",
    "state",
    "states",
    "compare",
    "next",
    "format",
]

# Values that mean something to some page, so that the fuzzer also explores the valid paths.
MEANINGFUL = [
    "",
    "nurse",
    "medical records",
    "29-2072",
    "29-9021",
    "ca",
    "CA",
    "tx",
    "ny",
    "all",
    "detailed",
    "major",
    "percentiles",
    "medians",
    "hourly",
    "annual",
    "2023",
    "2024",
    "2025",
    "1",
    "2",
    "10",
    "25",
    "100",
    "state",
    "-state",
    "employment",
    "-employment",
    "annual_median",
    "-annual_median",
    "hourly_median",
    "title",
    "-title",
    "soc_code",
    "/",
    "//evil.example.com",
    "https://evil.example.com/",
]
# Values that commonly crash code that trusts its input.
HOSTILE = [
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "-0",
    "1e9",
    "NaN",
    "inf",
    "9" * 30,
    "-" * 5,
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "..",
    "<script>alert(1)</script>",
    "\u202e",
    "\U0001f600",
    "ǅ",
    " " * 3,
    "x" * 2000,
]

values = st.one_of(
    st.sampled_from(MEANINGFUL),
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.text(max_size=40),
)
queries = st.dictionaries(
    keys=st.sampled_from(PARAMETERS),
    values=st.lists(values, min_size=1, max_size=3),
    max_size=5,
)

FUZZ_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Far above any real response here; a blow-up (an unbounded per_page, a pathological regex,
# a query per row) shows as seconds.
SLOW = 5.0


# Page type: (URL name, keyword arguments for reverse() taken from the data below).
PAGE_TYPES = {
    "home": ("home", {}),
    "browse": ("occupations:list", {}),
    "group": ("occupations:group", {"code": "group_code"}),
    "group-by-slug": ("occupations:detail", {"slug": "group_slug"}),
    "profile": ("occupations:detail", {"slug": "profile_slug"}),
    "data-only": ("occupations:detail", {"slug": "data_only_slug"}),
    "by-code": ("occupations:by-code", {"code": "profile_code"}),
    "search": ("search:results", {}),
    "states": ("salaries:state-list", {}),
    "state": ("salaries:state", {"abbr": "abbr"}),
    "state-csv": ("salaries:state-csv", {"abbr": "abbr"}),
    "compare": ("salaries:compare", {"slug": "profile_slug"}),
    "compare-csv": ("salaries:compare-csv", {"slug": "profile_slug"}),
    "profile-csv": ("salaries:occupation-csv", {"slug": "profile_slug"}),
    "pricing": ("pricing", {}),
    "signup": ("signup", {}),
    "signup-sent": ("signup_sent", {}),
    "signup-confirm": ("signup_confirm", {"uidb64": "signup_uid", "token": "signup_token"}),
    "login": ("login", {}),
    "admin-login": ("admin:login", {}),
    "robots": ("robots-txt", {}),
    "favicon": ("favicon", {}),
    "about-data": ("about-data", {}),
    "healthz": ("healthz", {}),
}
# Parameters a page needs to do its real work; the fuzzer's own values replace them.
BASE_QUERY = {
    "compare": {"state": ["CA", "TX"]},
    "compare-csv": {"state": ["CA", "TX"]},
}
# Pages that need an account (they redirect visitors to the log-in page) or staff rights.
PRIVATE = re.compile(r"^(admin:(?!login$)|account$|password_|upgrade-|logout$)")


@pytest.fixture
def pages(wages):
    """One address for every public page type, over the site's profiles plus wage figures for
    two releases in every state, a data-only occupation and its SOC group."""
    from occupations.models import Occupation, SocLevel

    profile = Occupation.objects.with_profile().exclude(soc_code=None).first()
    assert profile is not None, "the site data has no written profile with an SOC code"
    group = Occupation.objects.create(
        title="Test Group Occupations", slug="test-group", soc_code="98-0000",
        level=SocLevel.MAJOR,
    )  # fmt: skip
    data_only = wages.occupation("Test Data Technician")
    data_only.parent = group
    data_only.save()
    for year in (2030, 2031):
        release = wages.release(year)
        wages.state_table(profile, release)
        wages.state_table(data_only, release, states=["CA", "TX", "NY"])
    data = {
        "group_code": group.soc_code,
        "group_slug": group.slug,
        "profile_slug": profile.slug,
        "profile_code": profile.soc_code,
        "data_only_slug": data_only.slug,
        "abbr": "ca",
        # A link that names no sign-up: the page explains that it no longer works.
        "signup_uid": "MQ",
        "signup_token": "forged-token",
    }
    return {
        page_type: reverse(name, kwargs={key: data[value] for key, value in kwargs.items()})
        for page_type, (name, kwargs) in PAGE_TYPES.items()
    }


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_query_string_makes_a_page_fail(client, pages, page_type):
    path = pages[page_type]
    base = BASE_QUERY.get(page_type, {})
    assert client.get(path, base).status_code in {200, 301, 302}, f"{path} is not a working page"

    @FUZZ_SETTINGS
    @given(query=queries)
    def fetch(query):
        started = time.perf_counter()
        response = client.get(path, {**base, **query})
        elapsed = time.perf_counter() - started
        assert response.status_code < 500, (path, query, response.status_code)
        assert response.status_code in {200, 301, 302, 400, 404}, (path, query)
        assert elapsed < SLOW, f"{path}?{query} took {elapsed:.1f}s"

    fetch()


def test_every_public_url_is_fuzzed():
    """A page added to the site without a fuzzing entry fails here."""
    from django.urls import get_resolver

    def names(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from names(pattern, inner)
            elif pattern.name:
                yield namespace + pattern.name

    public = {name for name in names(get_resolver()) if not PRIVATE.match(name)}
    fuzzed = {name for name, _ in PAGE_TYPES.values()}
    assert public <= fuzzed, f"public pages not fuzzed: {sorted(public - fuzzed)}"


READS = [
    # `params` is the request's QueryDict inside the salary views' from_params().
    re.compile(r"""(?:request\.GET|params)\.(?:get|getlist)\(\s*["'](\w+)["']"""),
    re.compile(r"""["'](\w+)["']\s+in\s+request\.GET"""),
    re.compile(r"""request\.GET\[\s*["'](\w+)["']\s*\]"""),
]


def test_every_parameter_the_code_reads_is_fuzzed():
    read = set()
    for app in ("careers", "occupations", "salaries"):
        for source in (BASE_DIR / app).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            text = source.read_text()
            for pattern in READS:
                read.update(pattern.findall(text))
    assert read, "the scan found no query parameters at all: the patterns are out of date"
    assert read <= set(PARAMETERS), f"not fuzzed: {sorted(read - set(PARAMETERS))}"
