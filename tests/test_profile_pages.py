"""The public occupation pages: home, profiles, classification pages, redirects and the 404."""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from careers.models import Plan
from occupations.models import (
    AlternateTitle,
    Alternative,
    EducationStep,
    Occupation,
    Responsibility,
    Skill,
    SocLevel,
)

MRS = "/occupations/medical-records-specialist/"
ALTERNATIVES_IN_ORDER = [
    "Document Management Specialist",
    "File Clerk",
    "Medical Coder",
    "Health Information Technologist",
    "Medical Transcriptionist",
    "Medical Secretary",
    "Billing and Posting Clerk",
    "Insurance Claims Clerk",
    "Health Information Manager",
    "Compliance Officer",
]


@pytest.fixture
def premium_client(client, django_user_model):
    user = django_user_model.objects.create_user("premium@example.com", "pw", plan=Plan.PREMIUM)
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    """The page's visible text, one space between words."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, flags=re.S)
    assert match, f"no section id={section_id}"
    return match.group(0)


def soc_chain(code_prefix="97"):
    """A SOC path like the BLS import makes: major > minor > broad > detailed, no profiles."""
    major = Occupation.objects.create(
        title="Test Major Group", slug="test-major", soc_code=f"{code_prefix}-0000",
        level=SocLevel.MAJOR,
    )  # fmt: skip
    minor = Occupation.objects.create(
        title="Test Minor Group", slug="test-minor", soc_code=f"{code_prefix}-1000",
        level=SocLevel.MINOR, parent=major,
    )  # fmt: skip
    broad = Occupation.objects.create(
        title="Test Broad Occupation", slug="test-broad", soc_code=f"{code_prefix}-1010",
        level=SocLevel.BROAD, parent=minor,
    )  # fmt: skip
    detailed = Occupation.objects.create(
        title="Test Detailed Occupation", slug="test-detailed", soc_code=f"{code_prefix}-1011",
        level=SocLevel.DETAILED, parent=broad, bls_title="Test Detailed Occupations",
    )  # fmt: skip
    sibling = Occupation.objects.create(
        title="Test Sibling Occupation", slug="test-sibling", soc_code=f"{code_prefix}-1012",
        level=SocLevel.DETAILED, parent=broad,
    )  # fmt: skip
    return major, minor, broad, detailed, sibling


def test_home_says_what_the_site_offers_and_links_to_every_profile(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>What occupations involve and what they pay · Career Explorer</title>" in html
    assert '<meta name="description" content="Career profiles that explain' in html
    for profile in Occupation.objects.with_profile():
        assert f'href="{profile.get_absolute_url()}"' in html, profile.title
    # The fullest profile leads, with links into its sections.
    assert f'href="{MRS}#alternatives"' in html
    assert "What each profile tells you" in html


def test_occupations_index_lists_every_written_profile(client, db):
    response = client.get("/occupations/")
    assert response.status_code == 200
    html = response.content.decode()
    for profile in Occupation.objects.with_profile():
        assert f'href="{profile.get_absolute_url()}"' in html, profile.title


def test_seed_profile_renders_every_section(client, db):
    response = client.get(MRS)
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)

    assert "<title>Medical Records Specialist: what the job involves · Career Explorer</title>" in (
        html
    )
    assert '<meta name="description" content="Keeps patients&#x27; health records' in html
    assert "<h1>Medical Records Specialist</h1>" in html
    assert "SOC code 29-2072" in text
    assert "Also called: Coding Specialist, Health Information Technician" in text
    for section_id, heading in [
        ("overview", "What the job is"),
        ("responsibilities", "Responsibilities"),
        ("skills", "Essential skills"),
        ("education", "Education pathway"),
        ("certifications", "Certifications"),
        ("outlook", "Career outlook"),
        ("alternatives", "Alternative occupations"),
    ]:
        assert f">{heading}</h2>" in section(html, section_id), section_id
        assert f'href="#{section_id}"' in html, f"table of contents lacks {section_id}"

    responsibilities = text_of(section(html, "responsibilities"))
    assert responsibilities.index("ICD-10 and CPT") < responsibilities.index("Audit charts")
    skills = text_of(section(html, "skills"))
    for skill in ["Attention to detail", "Organization", "EHR and health software",
                  "Medical terminology and coding", "Communication",
                  "Ethics and discretion"]:  # fmt: skip
        assert skill in skills
    education = text_of(section(html, "education"))
    assert education.index("High school diploma") < education.index("Professional certification")
    certifications = text_of(section(html, "certifications"))
    assert "Registered Health Information Technician RHIT" in certifications
    assert "Certified Coding Specialist CCS" in certifications
    assert certifications.count("American Health Information Management Association (AHIMA)") == 2
    outlook = text_of(section(html, "outlook"))
    assert "more quickly than in the typical occupation" in outlook
    assert "nursing homes, outpatient clinics and insurance companies" in outlook
    assert "supervisory and management positions" in outlook
    # Breadcrumbs: Home > Occupations > the profile.
    assert '<nav class="breadcrumbs wrap" aria-label="Breadcrumb">' in html
    assert '<span aria-current="page">Medical Records Specialist</span>' in html


def test_visitor_sees_the_closest_alternatives_first_with_what_they_share(client, db):
    html = section(client.get(MRS).content.decode(), "alternatives")
    text = text_of(html)
    first, second = ALTERNATIVES_IN_ORDER[:2]
    assert text.index(first) < text.index(second)
    assert 'href="/occupations/document-management-specialist/"' in html
    assert 'href="/occupations/file-clerk/"' in html
    assert "Shared tasks" in text and "Shared knowledge" in text
    assert "Shared work environment" in text


def test_every_alternative_is_listed_in_order_for_a_plan_that_shows_all(premium_client):
    html = section(premium_client.get(MRS).content.decode(), "alternatives")
    titles = re.findall(r'<h3><a href="/occupations/[^"]+/">([^<]+)</a></h3>', html)
    assert titles == ALTERNATIVES_IN_ORDER


def test_each_alternative_has_a_written_profile_of_its_own(client, db):
    alternatives = Alternative.objects.filter(occupation__slug="medical-records-specialist")
    assert alternatives.count() >= 8
    for alternative in alternatives.select_related("alternative"):
        target = alternative.alternative
        response = client.get(target.get_absolute_url())
        assert response.status_code == 200, target.slug
        html = response.content.decode()
        assert f"<h1>{target.title}</h1>" in html
        assert ">What the job is</h2>" in html
        assert ">Responsibilities</h2>" in html
        assert ">Essential skills</h2>" in html
        # No heading without content: these short profiles have no outlook figures of their own.
        if not target.outlook and not target.work_settings and not target.advancement:
            assert "Career outlook" not in html


def test_profile_without_optional_sections_shows_no_empty_headings(client, db):
    bare = Occupation.objects.create(
        title="Bare Profile", slug="bare-profile", has_profile=True, summary="Just a summary."
    )
    html = client.get(bare.get_absolute_url()).content.decode()
    assert "Just a summary." in html
    for heading in ["What the job is", "Responsibilities", "Essential skills",
                    "Education pathway", "Certifications", "Career outlook",
                    "Alternative occupations", "Also called"]:  # fmt: skip
        assert heading not in html, heading


def test_soc_occupation_without_profile_shows_its_group_path_and_neighbours(client, db):
    _, _, broad, detailed, sibling = soc_chain()
    response = client.get(detailed.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert "<title>Test Detailed Occupation (SOC 97-1011) · Career Explorer</title>" in html
    assert "SOC code 97-1011" in text
    assert "BLS title Test Detailed Occupations" in text
    assert "There is no written career profile for it yet." in text
    # The group path, broadest first, in the breadcrumbs and in the page.
    crumbs = re.search(r'<nav class="breadcrumbs.*?</nav>', html, flags=re.S).group(0)
    assert text_of(crumbs) == (
        "Home Occupations Test Major Group Test Minor Group Test Broad Occupation "
        "Test Detailed Occupation"
    )
    assert text.index("Test Major Group") < text.index("Test Minor Group")
    assert f'href="{broad.get_absolute_url()}"' in html
    assert f'href="{sibling.get_absolute_url()}"' in html
    for heading in ["Responsibilities", "Essential skills", "Career outlook", "Also called"]:
        assert heading not in html


def test_soc_group_page_lists_the_occupations_it_holds(client, db):
    # A group's one page is its major group's browse page, filtered to it (tests/test_browse.py):
    # its slug address redirects there.
    broad = soc_chain()[2]
    assert client.get(f"/occupations/{broad.slug}/").status_code == 301
    response = client.get(broad.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    members = text_of(section(html, "occupations"))
    assert members.index("Test Detailed Occupation") < members.index("Test Sibling Occupation")
    assert "<h1>Test Major Group</h1>" in html


def test_unknown_slug_gets_the_styled_404(client, db):
    response = client.get("/occupations/no-such-occupation/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert 'class="site-header"' in html
    assert "/static/css/site.css" in html


def test_soc_code_redirects_to_the_profile_keeping_the_query_string(client, db):
    response = client.get("/occupations/29-2072/?release=2025&sort=-median")
    assert response.status_code == 302
    assert response["Location"] == f"{MRS}?release=2025&sort=-median"


def test_unknown_soc_code_is_a_404(client, db):
    assert client.get("/occupations/99-9998/").status_code == 404


def test_a_shell_write_to_the_summary_shows_on_the_next_request(client, db):
    lead = '<p class="lead">New summary.</p>'
    assert lead not in client.get(MRS).content.decode()  # the page is cached now
    Occupation.objects.filter(slug="medical-records-specialist").update(summary="New summary.")
    assert lead in client.get(MRS).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _add_items(occupation, count):
    targets = [
        Occupation.objects.create(
            title=f"Extra Alternative {occupation.pk}-{n}", slug=f"extra-alt-{occupation.pk}-{n}",
            has_profile=True, summary="An extra alternative.",
        )
        for n in range(count)
    ]  # fmt: skip
    for n in range(count):
        Responsibility.objects.create(
            occupation=occupation, text=f"Extra duty {n}", position=50 + n
        )
        Skill.objects.create(occupation=occupation, name=f"Extra skill {n}", position=50 + n)
        EducationStep.objects.create(
            occupation=occupation, title=f"Extra step {n}", position=50 + n
        )
        AlternateTitle.objects.create(occupation=occupation, title=f"Extra title {n}")
        Alternative.objects.create(
            occupation=occupation, alternative=targets[n], position=50 + n, shared_tasks="Some."
        )


def test_profile_page_query_count_does_not_grow_with_its_lists(
    premium_client, django_assert_max_num_queries
):
    occupation = Occupation.objects.get(slug="medical-records-specialist")
    cold = _queries(premium_client, MRS)
    warm = _queries(premium_client, MRS)

    print(f"profile page queries: cold {cold}, warm {warm}")
    _add_items(occupation, 15)
    cache.clear()
    assert _queries(premium_client, MRS) == cold
    assert _queries(premium_client, MRS) == warm
    html = premium_client.get(MRS).content.decode()
    assert "Extra duty 14" in html and "Extra Alternative" in html

    # A small constant, whatever the profile holds: on a repeat visit the session, the user, the
    # content stamp and the plan limits.
    with django_assert_max_num_queries(4):
        premium_client.get(MRS)
    cache.clear()
    with django_assert_max_num_queries(30):
        premium_client.get(MRS)


def test_a_repeat_visit_by_a_visitor_costs_one_query(client, db, django_assert_num_queries):
    client.get(MRS)
    # The content stamp; the plan limits and everything else come from the cache under it.
    with django_assert_num_queries(1):
        assert client.get(MRS).status_code == 200


def test_visitors_share_one_cached_document_but_the_search_box_still_echoes_the_query(client, db):
    first = client.get(MRS).content
    assert client.get(MRS).content == first
    echoed = client.get(MRS, {"q": "coder"}).content.decode()
    assert 'name="q" value="coder"' in echoed
    assert 'name="q" value=""' in client.get(MRS).content.decode()


def test_a_logged_in_viewer_never_gets_the_visitors_copy(premium_client):
    visitor = Client()
    assert "Log in" in visitor.get(MRS).content.decode()  # the visitors' copy is cached now
    html = premium_client.get(MRS).content.decode()
    assert "Log out" in html and "Log in" not in html


def test_a_waiting_message_is_shown_even_when_the_page_is_cached(client, db):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    client.get(MRS)  # cached for visitors
    encoded = CookieStorage(HttpRequest())._encode([Message(constants.INFO, "You are logged out.")])
    client.cookies["messages"] = encoded
    assert "You are logged out." in client.get(MRS).content.decode()


def test_a_canonical_salary_choice_is_served_to_visitors_from_one_cache_read(
    client, db, django_assert_num_queries
):
    url = f"{MRS}?release=2023&sort=-annual_median"
    first = client.get(url).content
    with django_assert_num_queries(1):
        assert client.get(url).content == first


def test_junk_query_strings_are_never_filed_for_visitors(client, db):
    from careers.cache import content_version
    from careers.pages.profile import document_key

    client.get(MRS, {"sort": "no-such-column", "release": "1850"})
    request = client.get(MRS, {"sort": "no-such-column", "release": "1850"}).wsgi_request
    key = document_key("medical-records-specialist", request.GET, version=content_version())
    assert key is not None and cache.get(key) is None


def test_a_plan_limit_changed_in_the_database_applies_to_the_next_visitor(client, db):
    from careers.models import PlanOffer

    def shown():
        html = section(client.get(MRS).content.decode(), "alternatives")
        return html.count('class="alternative"')

    before = shown()
    PlanOffer.objects.filter(plan=Plan.FREE).update(alternatives_limit=4)
    assert shown() == 4 != before


def test_the_cached_profile_body_never_loads_the_alternatives(db):
    """The body is shared by every plan, so it may only know that alternatives exist."""
    from occupations.models import Occupation as OccupationModel

    occupation = OccupationModel.objects.for_profile_page().get(slug="medical-records-specialist")
    assert occupation.has_alternatives
    assert "alternatives" not in getattr(occupation, "_prefetched_objects_cache", {})
