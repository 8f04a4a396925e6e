"""Browsing every occupation: the major groups, a group's page, sorting, filters, pagination."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from occupations.models import Occupation, SocLevel
from salaries.models import FigureStatus, WageEstimate
from tests.sample_data import build_sample, estimate_fields, national_area, release_2025

HEALTHCARE = "29-0000"


@pytest.fixture
def sample(db):
    return build_sample()


def group_url(code=HEALTHCARE):
    return reverse("occupations:group", kwargs={"code": code})


def rows(response):
    table = response.context["table"]
    return list(table.page.object_list if hasattr(table, "page") else table.rows)


def codes(response):
    return [row.record.soc_code for row in rows(response)]


def add_detailed(code, title, median=None, employment=None):
    """A made-up occupation for a test; 29-98xx is not a SOC code, so it never clashes."""
    occupation = Occupation.objects.create(
        soc_code=code, title=title, bls_title=title, level=SocLevel.DETAILED, slug=f"test-{code}"
    )
    if median is not None:
        fields = estimate_fields(employment or 1000, median, "20.00")
        WageEstimate.objects.create(
            release=release_2025(), area=national_area(), occupation=occupation, **fields
        )
    return occupation


# --- /occupations/ ----------------------------------------------------------------------------


def test_index_lists_every_major_group_with_figures_and_counts(client, sample):
    response = client.get(reverse("occupations:list"))
    html = response.content.decode()
    assert response.status_code == 200
    majors = Occupation.objects.filter(level=SocLevel.MAJOR)
    assert majors.count() >= 5
    for major in majors:
        assert f'<a href="{group_url(major.soc_code)}">{major.title}</a>' in html
    healthcare = next(r.record for r in rows(response) if r.record.soc_code == HEALTHCARE)
    detailed = Occupation.objects.filter(level=SocLevel.DETAILED, soc_code__startswith="29-")
    assert healthcare.occupation_count == detailed.count()
    assert "$86,530" in html
    assert "9,823,860" in html
    assert "U.S. median annual wage and employment, May 2025" in html


def test_index_keeps_written_profiles_without_a_soc_code_visible(client, sample):
    html = client.get(reverse("occupations:list")).content.decode()
    for slug in ("document-management-specialist", "medical-coder"):
        profile = Occupation.objects.get(slug=slug)
        assert profile.soc_code is None
        assert f'<a href="{profile.get_absolute_url()}">{profile.title}</a>' in html
    assert "No SOC code of its own" in html
    assert html.count('<span class="badge">Written profile</span>') >= (
        Occupation.objects.with_profile().count()
    )


def test_index_sorts_groups_by_median(client, sample):
    response = client.get(reverse("occupations:list"), {"sort": "-median"})
    medians = [r.record.us_median_low for r in rows(response)]
    known = [m for m in medians if m is not None]
    assert known == sorted(known, reverse=True)
    assert 'aria-sort="descending"' in response.content.decode()


def test_index_query_count_does_not_grow_with_groups(client, sample, django_assert_num_queries):
    client.get(reverse("occupations:list"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("occupations:list"))
    expected = len(before)
    Occupation.objects.create(
        soc_code="55-0000", title="Military Specific Occupations", level=SocLevel.MAJOR, slug="x55"
    )
    with django_assert_num_queries(expected):
        response = client.get(reverse("occupations:list"))
    assert "Military Specific Occupations" in response.content.decode()


# --- /occupations/groups/<code>/ --------------------------------------------------------------


def test_group_page_lists_minor_and_broad_groups_down_to_occupations(client, sample):
    response = client.get(group_url(), {"per_page": 100})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Healthcare Practitioners and Technical Occupations</h1>" in html
    minor = Occupation.objects.get(soc_code="29-2000")
    broad = Occupation.objects.get(soc_code="29-2050")
    assert f">{minor.title}</a>" in html
    assert f">{broad.title}</a>" in html
    assert "?group=29-2050#occupations" in html
    listed = codes(response)
    assert "29-2072" in listed
    assert all(code.startswith("29-") for code in listed)
    assert {"29-0000", "29-2000", "29-2050"}.isdisjoint(listed)  # groups are not rows
    mrs = Occupation.objects.get(soc_code="29-2072")
    assert f'<a href="{mrs.get_absolute_url()}">{mrs.title}</a>' in html
    assert "$51,140" in html
    assert "194,720" in html
    assert "Written profile" in html


def test_group_page_has_breadcrumbs_title_and_description(client, sample):
    html = client.get(group_url()).content.decode()
    assert '<nav class="breadcrumbs' in html
    assert f'<a href="{reverse("occupations:list")}">Occupations</a>' in html
    assert "<title>Healthcare Practitioners and Technical Occupations (29-0000)" in html
    assert re.search(r'<meta name="description" content="\d+ occupations in Healthcare', html)


@pytest.mark.parametrize(
    ("sort", "key", "reverse_order"),
    [
        ("title", "title", False),
        ("-title", "title", True),
        ("soc_code", "soc_code", False),
        ("-soc_code", "soc_code", True),
        ("median", "us_median_low", False),
        ("-median", "us_median_low", True),
        ("employment", "us_employment", False),
        ("-employment", "us_employment", True),
    ],
)
def test_group_table_sorts_and_keeps_rows_without_figures_last(
    client, sample, sort, key, reverse_order
):
    add_detailed("29-9899", "Healthcare Practitioners Without Figures (test)")
    response = client.get(group_url(), {"sort": sort, "per_page": 100})
    values = [getattr(row.record, key) for row in rows(response)]
    known = [v for v in values if v is not None]
    if key == "title":
        # The database collation decides where case and punctuation go; letters must agree.
        assert [t.casefold() for t in known] == sorted(
            (t.casefold() for t in known), reverse=reverse_order
        ) or known == sorted(known, reverse=reverse_order)
    else:
        assert known == sorted(known, reverse=reverse_order)
    if key.startswith("us_"):
        assert values[-1] is None
    header = "descending" if reverse_order else "ascending"
    assert f'aria-sort="{header}"' in response.content.decode()


def test_group_filter_keeps_one_minor_group(client, sample):
    response = client.get(group_url(), {"group": "29-2000", "per_page": 100})
    listed = codes(response)
    assert listed
    assert all(code.startswith("29-2") for code in listed)
    assert "29-1141" not in listed


def test_the_caption_says_which_filters_are_in_force(client, sample):
    response = client.get(group_url(), {"group": "29-2000", "min": "50000", "max": "70000"})
    count = response.context["table"].paginator.count
    assert (
        f"{count} occupation{'' if count == 1 else 's'} · in Health Technologists and "
        "Technicians (29-2000), median $50,000 to $70,000 · U.S. median annual wage"
        in (response.content.decode())
    )


def test_wage_range_filter(client, sample):
    response = client.get(group_url(), {"min": "50,000", "max": "$70000", "per_page": 100})
    listed = [row.record for row in rows(response)]
    assert listed
    assert all(50_000 <= o.us_median <= 70_000 for o in listed)
    assert "29-2072" in [o.soc_code for o in listed]
    assert "29-1141" not in [o.soc_code for o in listed]


def test_top_coded_medians_count_as_at_least_the_top_code(client, sample):
    estimate = WageEstimate.objects.national().get(occupation__soc_code="29-1171")
    estimate.annual_median = None
    estimate.annual_median_status = FigureStatus.TOP_CODED
    estimate.save()
    above = codes(client.get(group_url(), {"min": "200000", "per_page": 100}))
    assert "29-1171" in above
    below = codes(client.get(group_url(), {"max": "300000", "per_page": 100}))
    assert "29-1171" not in below  # its median has no known upper bound
    html = client.get(group_url(), {"per_page": 100}).content.decode()
    assert "≥ $239,200" in html
    assert '<ul class="table-notes"' in html
    assert "BLS does not publish wages at or above $239,200 a year" in html


def test_hourly_only_occupations_show_their_hourly_median_with_a_note(client, sample):
    html = client.get(group_url("27-0000"), {"per_page": 100}).content.decode()
    assert "$29.05 an hour" in html
    assert "BLS releases only hourly wages for this occupation" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min": "abc"}, "Enter a whole number."),
        ({"max": "-5"}, "greater than or equal to 0"),
        ({"min": "90000", "max": "50000"}, "is above the highest"),
        ({"group": "99-9999"}, "Select a valid choice."),
        ({"group": "<script>alert(1)</script>"}, "Select a valid choice."),
        ({"min": "1e308"}, "Enter a whole number."),
        ({"min": "9" * 400}, "less than or equal to"),
    ],
)
def test_bad_filter_values_show_a_form_error_not_a_500(client, sample, params, message):
    response = client.get(group_url(), {**params, "per_page": 100})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Some filters could not be used" in html
    assert "<script>alert(1)</script>" not in html
    # Nothing is filtered on a form with errors: the whole group is listed.
    assert "29-1141" in codes(response)


@pytest.mark.parametrize(
    ("params", "page", "per_page"),
    [
        ({"per_page": "100000"}, 1, 100),
        ({"per_page": "1"}, 1, 10),
        ({"per_page": "many"}, 1, 25),
        ({"page": "abc"}, 1, 25),
        ({"page": "0"}, None, 25),
        ({"page": "-1"}, None, 25),
        ({"page": "99999999999999999999"}, None, 25),
        ({"page": "1.5"}, 1, 25),
    ],
)
def test_pagination_bounds(client, sample, params, page, per_page):
    response = client.get(group_url(), params)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.per_page == per_page
    expected = table.paginator.num_pages if page is None else page
    assert table.page.number == expected


def test_sorting_with_garbage_keeps_the_page_working(client, sample):
    for sort in ("nonsense", "-", "<script>", "title,,-median", "us_wage__annual_median"):
        assert client.get(group_url(), {"sort": sort}).status_code == 200


def test_group_page_query_count_does_not_grow_with_rows(client, sample, django_assert_num_queries):
    client.get(group_url(), {"per_page": 100})
    with CaptureQueriesContext(connection) as before:
        response = client.get(group_url(), {"per_page": 100})
    # Counted now: the next request starts a new query log.
    expected = len(before)
    shown = len(rows(response))
    for number in range(20):
        add_detailed(f"29-98{number:02d}", f"Test Occupation {number}", 50_000 + number, 100)
    with django_assert_num_queries(expected):
        response = client.get(group_url(), {"per_page": 100})
    assert len(rows(response)) == min(shown + 20, 100)
    assert expected <= 6


def test_minor_and_broad_codes_open_their_major_group_filtered(client, sample):
    response = client.get(group_url("29-2050"))
    assert response.status_code == 301
    assert response["Location"] == f"{group_url()}?group=29-2050#occupations"


def test_a_minor_code_keeps_the_filters_order_and_page_size_but_not_other_parameters(
    client, sample
):
    response = client.get(
        group_url("29-2000"),
        {
            "min": "40000",
            "max": "90000",
            "sort": "-median",
            "per_page": "50",
            "page": "3",
            "q": "x",
        },
    )
    assert response.status_code == 301
    assert response["Location"] == (
        f"{group_url()}?group=29-2000&min=40000&max=90000&sort=-median&per_page=50#occupations"
    )
    assert client.get(response["Location"]).status_code == 200


# --- One page per SOC group ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "canonical"),
    [
        (HEALTHCARE, "/occupations/groups/29-0000/"),
        ("29-2000", "/occupations/groups/29-0000/?group=29-2000#occupations"),
        ("29-2050", "/occupations/groups/29-0000/?group=29-2050#occupations"),
    ],
)
def test_one_page_per_soc_group_the_slug_address_redirects_to_it(client, sample, code, canonical):
    group = Occupation.objects.get(soc_code=code)
    assert group.get_absolute_url() == canonical
    for query in ("", "?release=2025&wages=annual-percentiles"):
        response = client.get(f"/occupations/{group.slug}/{query}")
        assert response.status_code == 301, query
        # A profile's salary choice means nothing on the browse page: it is not carried over.
        assert response["Location"] == canonical
    # The SOC-code address goes straight to it too.
    assert client.get(f"/occupations/{code}/?release=2025")["Location"] == canonical
    page = client.get(canonical)
    assert page.status_code == 200
    assert f"<h1>{Occupation.objects.get(soc_code=f'{code[:2]}-0000').title}</h1>" in (
        page.content.decode()
    )


def test_every_link_to_a_group_points_to_its_one_page(client, sample):
    """Breadcrumbs and "Part of" on an occupation's page, the search results, the browse index
    and the state page's groups: all at the group's browse page, none at its slug address."""
    from tests.sample_data import release_2025

    major, minor = (Occupation.objects.get(soc_code=code) for code in ("29-0000", "29-2000"))
    slug_addresses = [f'href="/occupations/{group.slug}/"' for group in (major, minor)]
    pages = {
        "profile": "/occupations/medical-records-specialist/",
        "search": "/search/?q=healthcare+practitioners",
        "index": "/occupations/",
        "state": f"/states/ca/?level=all&release={release_2025().year}&per_page=100",
    }
    for name, path in pages.items():
        html = client.get(path).content.decode()
        for address in slug_addresses:
            assert address not in html, (name, address)
    profile = client.get(pages["profile"]).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs.*?</nav>', profile, flags=re.S).group(0)
    assert f'<a href="{group_url()}">{major.title}</a>' in crumbs
    assert f'<a href="{group_url()}?group=29-2000#occupations">{minor.title}</a>' in crumbs
    part_of = re.search(r"<dt>Part of</dt>.*?</dd>", profile, flags=re.S).group(0)
    assert f'href="{group_url()}"' in part_of
    search = client.get(pages["search"]).content.decode()
    assert f'href="{group_url()}"' in search


def test_a_groups_page_links_its_pay_in_each_state(client, sample):
    html = client.get(group_url()).content.decode()
    major = Occupation.objects.get(soc_code=HEALTHCARE)
    assert f'href="/salaries/{major.slug}/compare/"' in html
    assert f'href="/salaries/{major.slug}/states.csv"' in html
    assert client.get(f"/salaries/{major.slug}/states.csv").status_code == 200
    compare = client.get(f"/salaries/{major.slug}/compare/?state=CA&state=TX").content.decode()
    # Its "all states" link is the download: the group has no salary section of its own.
    assert f'<a href="/salaries/{major.slug}/states.csv?release=2025">All states' in compare


@pytest.mark.parametrize("code", ["29-2072", "99-0000", "00-0000"])
def test_codes_that_are_not_groups_are_404(client, sample, code):
    assert client.get(group_url(code)).status_code == 404


def test_malformed_group_codes_are_404(client, sample):
    for path in ("/occupations/groups/29/", "/occupations/groups/abc/", "/occupations/groups/"):
        assert client.get(path).status_code == 404
