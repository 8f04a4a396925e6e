"""Search as a job seeker uses it: titles, alternate titles, certifications, SOC codes, typos."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careers.cache import content_version
from occupations import search as search_module
from occupations.models import Occupation
from salaries.models import FigureStatus, WageEstimate
from tests.sample_data import build_sample


def run_search(query, page=1):
    """The search engine as the search page calls it, under the current content version."""
    return search_module.search(query, page, version=content_version())


TRIGRAM = "trigram"
FALLBACK = "fallback"


@pytest.fixture(params=[TRIGRAM, FALLBACK])
def search_mode(request, monkeypatch, db):
    """Run a test with pg_trgm (where this PostgreSQL has it) and with the difflib fallback."""
    if request.param == TRIGRAM:
        if not search_module.trigram_available():
            pytest.skip("this PostgreSQL has no pg_trgm; the fallback case covers search")
    else:
        monkeypatch.setattr(search_module, "trigram_available", lambda: False)
    return request.param


@pytest.fixture
def sample(db):
    return build_sample()


def positions(outcome):
    """SOC code (or slug for profiles without one) of each result, best first."""
    return [r.soc_code or r.url.rstrip("/").rsplit("/", 1)[-1] for r in outcome.results]


@pytest.mark.parametrize(
    ("query", "expected", "within"),
    [
        ("Medical Records Specialist", "29-2072", 1),  # exact title
        ("medical records", "29-2072", 1),  # partial title
        ("medical rec", "29-2072", 3),  # still typing
        ("medcal recrods", "29-2072", 3),  # misspelt
        ("medical records specialst", "29-2072", 1),
        ("29-2072", "29-2072", 1),  # SOC code
        ("292072", "29-2072", 1),  # SOC code without its hyphen
        ("Health Information Technician", "29-2072", 2),  # alternate title
        ("medical records clerk", "29-2072", 1),  # alternate title
        ("RHIT", "29-2072", 2),  # certification abbreviation
        ("Registered Health Information Technician", "29-2072", 3),  # certification name
        ("medical coder", "medical-coder", 1),  # profile without a SOC code
        ("registerd nurse", "29-1141", 1),
        ("nruse", "29-1141", 5),
        ("electrician", "47-2111", 1),
        ("elecrtician", "47-2111", 1),
        ("softwear developer", "15-1252", 2),
        ("Document Management Specialist", "document-management-specialist", 1),
    ],
)
def test_typical_queries_put_the_intended_occupation_at_the_top(
    sample, search_mode, query, expected, within
):
    found = positions(run_search(query))
    assert expected in found[:within], f"{query!r}: {found[:5]}"


def test_medical_coder_also_finds_medical_records_specialists(sample, search_mode):
    found = positions(run_search("medical coder"))
    assert "29-2072" in found[:5], found[:5]


def test_it_says_why_each_result_matched(sample, search_mode):
    def reasons(query, code):
        outcome = run_search(query)
        return next(r.reasons for r in outcome.results if r.soc_code == code)

    assert reasons("29-2072", "29-2072") == ["SOC code"]
    assert "Also called: Medical Records Clerk" in reasons("medical records clerk", "29-2072")
    assert "Certification: Registered Health Information Technician (RHIT)" in reasons(
        "RHIT", "29-2072"
    )
    assert reasons("medcal recrods", "29-2072")[0].startswith("Similar spelling to “")
    assert "Described in the summary" in reasons("confidential", "29-2072")


def test_a_partial_code_lists_that_part_of_the_classification_in_order(sample, search_mode):
    outcome = run_search("29-20")
    codes = [r.soc_code for r in outcome.results]
    assert all(code.startswith("29-20") for code in codes)
    assert codes == sorted(codes)
    assert outcome.results[0].reasons == ["SOC code starts with 29-20"]
    assert "29-2072" in [r.soc_code for r in run_search("29-207").results]


def test_a_group_code_links_to_its_browse_page(sample, search_mode):
    result = run_search("29-0000").results[0]
    assert result.soc_code == "29-0000"
    assert result.is_group
    assert result.url == reverse("occupations:group", kwargs={"code": "29-0000"})


def test_the_results_page_shows_title_link_code_wage_and_profile(client, sample, search_mode):
    html = client.get(reverse("search:results"), {"q": "medical records"}).content.decode()
    mrs = Occupation.objects.get(soc_code="29-2072")
    assert f'<a href="{mrs.get_absolute_url()}">{mrs.title}</a>' in html
    assert "SOC code 29-2072" in html
    assert "$51,140 a year" in html
    assert "Written profile" in html
    assert "U.S. median wage, May 2025" in html


def test_markers_are_shown_honestly(client, sample, search_mode):
    # Actors: BLS publishes an hourly median only.
    html = client.get(reverse("search:results"), {"q": "actors"}).content.decode()
    assert "$29.05 an hour" in html
    # A top-coded median is "at least", never a made-up number.
    estimate = WageEstimate.objects.national().get(occupation__soc_code="29-1171")
    estimate.annual_median = None
    estimate.annual_median_status = FigureStatus.TOP_CODED
    estimate.save()
    html = client.get(reverse("search:results"), {"q": "nurse practitioners"}).content.decode()
    assert "≥ $239,200" in html
    assert "132,300" not in html


def test_empty_query_shows_examples_and_a_way_to_browse(client, sample):
    response = client.get(reverse("search:results"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not sure what to type?" in html
    assert 'href="/search/?q=RHIT"' in html
    assert reverse("occupations:list") in html
    assert "search-results" not in html


def test_no_hits_suggest_close_titles(client, sample, search_mode):
    response = client.get(reverse("search:results"), {"q": "electrishun"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No occupation matches" in html
    assert "Close titles" in html
    assert "Electricians" in html


def test_nonsense_gets_no_results_and_no_made_up_suggestions(client, sample, search_mode):
    html = client.get(reverse("search:results"), {"q": "qqqxxzzj"}).content.decode()
    assert "No occupation matches" in html
    assert "Close titles" not in html


def test_the_query_is_escaped_everywhere(client, sample, search_mode):
    attack = '<script>alert("x")</script>" onfocus="alert(1)'
    response = client.get(reverse("search:results"), {"q": attack})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '" onfocus="alert(1)' not in html


def test_summaries_are_escaped_and_only_the_match_is_marked(client, sample, search_mode):
    Occupation.objects.filter(soc_code="29-2072").update(
        summary="Keeps <script>alert(1)</script> & patient records in order."
    )
    html = client.get(reverse("search:results"), {"q": "patient records"}).content.decode()
    assert "Keeps &lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>patient</mark>" in html
    assert "<mark>records</mark> in order." in html


def test_search_indexes_keep_no_pending_list(db):
    """GIN pending lists slow every scan until VACUUM; the search indexes write through."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname LIKE '%%_search_document_gin'"
        )
        found = dict(cursor.fetchall())
    assert set(found) == {
        "occupation_search_document_gin",
        "alternatetitle_search_document_gin",
        "certification_search_document_gin",
        "onettitle_search_document_gin",
    }
    assert all(options == ["fastupdate=off"] for options in found.values())


@pytest.mark.parametrize(
    "query",
    [
        "a\x00b",
        "medical\x00 records",
        "x" * 5000,
        "medical " * 300,
        "!!!???",
        "'; DROP TABLE occupations_occupation; --",
        "medical & | ! ( ) :* <-> records",
        "\\\\ ' '' \"",
        "médecin 医生 🙂",
        "\u202e\u200b\ufeff",
        "-",
        "00-0000",
        "29-",
    ],
)
def test_odd_input_gets_a_normal_page(client, sample, search_mode, query):
    before = Occupation.objects.count()
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == 200
    assert Occupation.objects.count() == before
    html = response.content.decode()
    for box in ("search-q", "site-search-q"):  # the page's own box and the header's
        field = re.search(rf'<input id="{box}"[^>]*>', html).group(0)
        assert "\x00" not in field
        assert len(re.search(r'value="([^"]*)"', field).group(1)) <= 200 * len("&quot;")


def test_the_header_box_on_any_page_shows_the_cleaned_query(client, sample):
    html = client.get(reverse("home"), {"q": "  medical\x00   records  "}).content.decode()

    field = re.search(r'<input id="site-search-q"[^>]*>', html).group(0)
    assert 'value="medical records"' in field


def test_a_long_query_is_cut_to_the_limit(sample):
    outcome = run_search("medical records " * 100)
    assert len(outcome.query.text) <= search_module.MAX_QUERY_LENGTH
    assert "29-2072" in positions(outcome)[:3]


def test_query_count_does_not_grow_with_the_results(client, sample, search_mode):
    # Once per process or connection: the vocabulary, the pg_trgm check, PREPARE.
    for query in ("29-2072", "29", "medical records", "nurse"):
        client.get(reverse("search:results"), {"q": query})

    def count(query):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("search:results"), {"q": query})
        assert response.status_code == 200
        return len(queries), len(response.context["outcome"].results)

    few_queries, few = count("29-2072")
    many_queries, many = count("29")
    assert few == 1
    assert many > 10
    assert few_queries == many_queries
    assert many_queries <= 2  # the content version and the search
    assert count("nurse")[0] == count("medical records")[0] == many_queries


def test_results_come_a_page_at_a_time(client, sample, search_mode):
    for number in range(search_module.PAGE_SIZE):
        Occupation.objects.create(
            soc_code=f"29-98{number:02d}",
            title=f"Test Practitioners {number}",
            level="detailed",
            slug=f"test-practitioners-{number}",
        )
    first = client.get(reverse("search:results"), {"q": "29"}).context["outcome"]
    assert first.total > search_module.PAGE_SIZE
    assert len(first.results) == search_module.PAGE_SIZE
    response = client.get(reverse("search:results"), {"q": "29", "page": "2"})
    second = response.context["outcome"]
    assert second.page == 2
    assert second.results[0].soc_code not in {r.soc_code for r in first.results}
    html = response.content.decode()
    assert 'rel="prev"' in html
    assert '<ol class="search-results" start="21">' in html
    for page in ("abc", "-3", "0", "99999999999999999999999", "1e3"):
        response = client.get(reverse("search:results"), {"q": "29", "page": page})
        assert response.status_code == 200
        assert response.context["outcome"].results


@pytest.mark.parametrize(
    ("table", "index", "condition"),
    [
        (
            "occupations_occupation o",
            "occupation_search_document_gin",
            f"{search_module.OCCUPATION_DOCUMENT} @@ to_tsquery('english', 'medical')",
        ),
        (
            "occupations_alternatetitle a",
            "alternatetitle_search_document_gin",
            f"{search_module.ALTERNATE_TITLE_DOCUMENT} @@ to_tsquery('english', 'coder')",
        ),
        (
            "occupations_certification c",
            "certification_search_document_gin",
            f"{search_module.CERTIFICATION_DOCUMENT} @@ to_tsquery('english', 'rhit')",
        ),
    ],
)
def test_full_text_conditions_can_use_their_gin_indexes(db, table, index, condition):
    """The query's expressions must match the migration's index expressions exactly."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT 1 FROM {table} WHERE {condition}")  # noqa: S608
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


def test_trigram_candidates_use_the_trigram_index(sample):
    if not search_module.trigram_available():
        pytest.skip("this PostgreSQL has no pg_trgm")
    with connection.cursor() as cursor:
        # On the full data the planner picks the index by itself, because the migration tells
        # it what the similarity operator costs; the few rows of a test database do not.
        cursor.execute(
            "SELECT procost FROM pg_proc WHERE proname = 'word_similarity_commutator_op'"
        )
        assert cursor.fetchone()[0] >= 100
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT o.id FROM occupations_occupation o WHERE o.title %> 'medcal'"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "occupation_title_trgm_gin" in plan, plan


@pytest.mark.parametrize(
    ("raw", "text", "words", "code", "prefix"),
    [
        ("  Medical\tRecords\n", "Medical Records", ("medical", "records"), "", ""),
        ("29-2072", "29-2072", (), "29-2072", ""),
        ("292072", "292072", (), "29-2072", ""),
        ("29-20", "29-20", (), "", "29-20"),
        ("29", "29", (), "", "29-"),
        ("coder 29-2072", "coder 29-2072", ("coder",), "29-2072", ""),
        ("a\x00b\x07c", "abc", ("abc",), "", ""),
        ("Coder coder CODER", "Coder coder CODER", ("coder",), "", ""),
    ],
)
def test_queries_are_cleaned_and_parsed(raw, text, words, code, prefix):
    parsed = search_module.parse_query(search_module.clean_query(raw))
    assert (parsed.text, parsed.words, parsed.code, parsed.code_prefix) == (
        text,
        words,
        code,
        prefix,
    )


def test_tsquery_text_cannot_carry_operators():
    built = search_module.tsquery(
        search_module.parse_query("a'b | c:* & !d").words, {}, operator="&", prefix_last=True
    )
    assert re.fullmatch(r"('[^\W_]+'(:\*)?)( & '[^\W_]+'(:\*)?)*", built), built
