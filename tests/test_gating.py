"""Which alternative occupations each plan may see, and the wages shown beside them."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careers.cache import content_version
from careers.models import Plan, PlanOffer, UpgradeRequest, User
from careers.pages import alternatives as alternatives_module
from careers.pages.profile import ProfileRequest, page
from careers.plans import plan_offers, pricing_cards
from occupations.models import Alternative, Occupation, SocLevel
from salaries.figures import ANNUAL, HOURLY, Figure, Wage
from salaries.models import (
    FIGURES,
    TOP_CODE_ANNUAL,
    Area,
    AreaType,
    FigureStatus,
    Release,
    WageEstimate,
)


def gated_alternatives(*, occupation, plan):
    """The gated list as a page builds it: with the plan limits cached under the version."""
    return alternatives_module.gated_alternatives(
        occupation=occupation, plan=plan, offers=plan_offers(version=content_version())
    )


# Closeness order is `position`; rows are inserted out of order so the test sees the sorting.
ALTERNATIVE_TITLES = [
    "Closest Clerk",
    "Second Specialist",
    "Third Technician",
    "Fourth Coordinator",
    "Fifth Analyst",
    "Sixth Assistant",
    "Seventh Officer",
    "Eighth Manager",
]
INSERT_ORDER = [3, 0, 7, 5, 1, 6, 2, 4]


def occupation(title, soc_code=None):
    return Occupation.objects.create(
        title=title,
        slug=title.lower().replace(" ", "-"),
        soc_code=soc_code,
        level=SocLevel.DETAILED if soc_code else "",
    )


@pytest.fixture
def base(db):
    """An occupation with eight alternatives, and U.S. medians in two releases."""
    base = occupation("Gating Base Role", "91-0001")
    alternatives = [
        occupation(title, f"91-{1000 + number}") for number, title in enumerate(ALTERNATIVE_TITLES)
    ]
    for number in INSERT_ORDER:
        Alternative.objects.create(
            occupation=base,
            alternative=alternatives[number],
            position=number,
            shared_tasks=f"Tasks shared with {ALTERNATIVE_TITLES[number]}",
            shared_knowledge="Records law" if number % 2 else "",
            shared_environment="Offices" if number % 3 == 0 else "",
        )
    us, _ = Area.objects.get_or_create(
        code="99", defaults={"type": AreaType.NATIONAL, "name": "U.S.", "state_abbr": "US"}
    )
    old = Release.objects.create(
        year=2031, name="May 2031", reference_period=datetime.date(2031, 5, 1), citation="Old"
    )
    new = Release.objects.create(
        year=2032, name="May 2032", reference_period=datetime.date(2032, 5, 1), citation="New"
    )
    # A newer release that has no figures yet must not be the one compared against.
    Release.objects.create(
        year=2033, name="May 2033", reference_period=datetime.date(2033, 5, 1), citation="Empty"
    )

    def median(target, release, amount, status=FigureStatus.AVAILABLE):
        # Every other figure is absent, with the marker that says so.
        absent = {f"{field}_status": FigureStatus.NOT_AVAILABLE for field, _ in FIGURES}
        WageEstimate.objects.create(
            release=release,
            area=us,
            occupation=target,
            **{**absent, "annual_median": amount, "annual_median_status": status},
        )

    median(base, old, 10_000)
    median(base, new, 50_000)
    median(alternatives[0], new, 54_500)  # $4,500 more
    median(alternatives[1], new, 41_000)  # $9,000 less
    median(alternatives[2], new, None, FigureStatus.TOP_CODED)
    median(alternatives[3], new, None, FigureStatus.NOT_AVAILABLE)
    median(alternatives[4], old, 99_999)  # only in the old release: no estimate in the new one
    median(alternatives[5], new, 50_000)
    return base


def titles(gated):
    return [item.alternative.title for item in gated.shown]


@pytest.mark.parametrize(("plan", "count"), [(Plan.FREE, 2), (Plan.BASIC, 5), (Plan.PREMIUM, 8)])
def test_each_plan_sees_its_number_of_alternatives_closest_first(base, plan, count):
    gated = gated_alternatives(occupation=base, plan=plan)

    assert titles(gated) == ALTERNATIVE_TITLES[:count]
    assert gated.total == 8
    assert gated.locked == 8 - count


def test_locked_alternatives_are_never_fetched(base):
    with CaptureQueriesContext(connection) as queries:
        gated_alternatives(occupation=base, plan=Plan.FREE)

    fetched = [q["sql"] for q in queries.captured_queries if "alternative" in q["sql"].lower()]
    assert any("LIMIT 2" in sql for sql in fetched)
    everything = "\n".join(q["sql"] for q in queries.captured_queries)
    for title in ALTERNATIVE_TITLES[2:]:
        assert title not in everything


@pytest.mark.parametrize("plan", list(Plan))
def test_the_query_count_is_the_same_for_every_plan(base, plan, django_assert_num_queries):
    version = content_version()
    # The plans, then the count, the visible rows, the newest release and the medians.
    with django_assert_num_queries(5):
        alternatives_module.gated_alternatives(
            occupation=base, plan=plan, offers=plan_offers(version=version)
        )


def test_a_limit_change_applies_on_the_next_call(base):
    assert len(gated_alternatives(occupation=base, plan=Plan.FREE).shown) == 2

    PlanOffer.objects.filter(plan=Plan.FREE).update(alternatives_limit=3)

    assert titles(gated_alternatives(occupation=base, plan=Plan.FREE)) == ALTERNATIVE_TITLES[:3]


def test_a_limit_of_zero_shows_none_and_says_how_many_are_locked(base):
    PlanOffer.objects.filter(plan=Plan.FREE).update(alternatives_limit=0)

    gated = gated_alternatives(occupation=base, plan=Plan.FREE)

    assert gated.shown == []
    assert gated.unlock_text == "5 more alternative occupations with Basic, 8 with Premium"


def test_the_unlock_line_counts_what_each_higher_plan_adds(base):
    assert gated_alternatives(occupation=base, plan=Plan.FREE).unlock_text == (
        "3 more alternative occupations with Basic, 6 with Premium"
    )
    assert gated_alternatives(occupation=base, plan=Plan.BASIC).unlock_text == (
        "3 more alternative occupations with Premium"
    )
    assert gated_alternatives(occupation=base, plan=Plan.PREMIUM).unlock_text == ""


def test_the_unlock_line_uses_the_names_staff_gave_the_plans(base):
    PlanOffer.objects.filter(plan=Plan.BASIC).update(name="Plus")

    assert "with Plus" in gated_alternatives(occupation=base, plan=Plan.FREE).unlock_text


def test_a_dearer_plan_that_adds_nothing_is_not_offered(base):
    PlanOffer.objects.filter(plan=Plan.BASIC).update(alternatives_limit=8)

    assert gated_alternatives(occupation=base, plan=Plan.FREE).unlock_text == (
        "6 more alternative occupations with Basic"
    )


def test_one_locked_alternative_is_singular(base):
    PlanOffer.objects.filter(plan=Plan.BASIC).update(alternatives_limit=7)

    assert gated_alternatives(occupation=base, plan=Plan.BASIC).unlock_text == (
        "1 more alternative occupation with Premium"
    )


def test_an_occupation_without_alternatives_locks_nothing(db):
    lonely = occupation("Lonely Role")

    gated = gated_alternatives(occupation=lonely, plan=Plan.FREE)

    assert (gated.total, gated.shown, gated.unlock_text) == (0, [], "")


def test_a_missing_plan_row_falls_back_to_the_documented_defaults(base):
    PlanOffer.objects.filter(plan=Plan.BASIC).delete()

    offers = {offer.plan: offer.limit for offer in plan_offers(version=content_version())}

    assert offers == {Plan.FREE: 2, Plan.BASIC: 5, Plan.PREMIUM: None}
    assert len(gated_alternatives(occupation=base, plan=Plan.BASIC).shown) == 5


def test_medians_come_from_the_newest_release_with_figures(base):
    gated = gated_alternatives(occupation=base, plan=Plan.PREMIUM)
    shown = {item.alternative.title: item for item in gated.shown}

    assert gated.release_name == "May 2032"
    assert gated.median.text == "$50,000"
    assert shown["Closest Clerk"].median.text == "$54,500"
    assert shown["Closest Clerk"].difference.words() == "$4,500 more"
    assert shown["Second Specialist"].difference.words() == "$9,000 less"
    assert shown["Sixth Assistant"].difference.words() == "The same"


def test_markers_are_shown_honestly(base):
    gated = gated_alternatives(occupation=base, plan=Plan.PREMIUM)
    shown = {item.alternative.title: item for item in gated.shown}

    top = shown["Third Technician"]
    assert top.median.text == "≥ $239,200"
    assert top.difference.words() == f"At least ${TOP_CODE_ANNUAL - 50_000:,} more"
    assert "at or above $239,200" in top.median.note.text
    # The same words as every salary table of the site: one figures vocabulary.
    unavailable = shown["Fourth Coordinator"]
    assert unavailable.median.text == "not released"
    assert unavailable.difference is None
    missing = shown["Fifth Analyst"]
    assert missing.median.text == "No BLS estimate"
    assert missing.difference is None
    assert shown["Eighth Manager"].median.text == "No BLS estimate"


def annual(amount, status=FigureStatus.AVAILABLE, **flags):
    return Wage(Figure(amount, status, ANNUAL, **flags), Figure(None, status, HOURLY, **flags))


def test_a_top_coded_base_gives_an_at_least_difference():
    base = annual(None, FigureStatus.TOP_CODED)

    assert annual(200_000).difference_from(base).words() == "At least $39,200 less"
    assert annual(None, FigureStatus.TOP_CODED).difference_from(base) is None


def test_hourly_only_occupations_show_their_hourly_median_and_say_so():
    wage = Wage(
        Figure(None, FigureStatus.NOT_AVAILABLE, ANNUAL, hourly_only=True),
        Figure(23, FigureStatus.AVAILABLE, HOURLY, hourly_only=True),
    )

    assert wage.text == "$23.00 an hour"
    assert "only hourly" in wage.note.text
    # An hourly-only wage is never turned into an annual one to compare with.
    assert wage.difference_from(annual(50_000)) is None


# Pricing cards


def test_pricing_marks_free_for_a_visitor_and_offers_nothing_to_request(db):
    cards = pricing_cards(user=AnonymousUser())

    assert [card.offer.plan for card in cards] == [Plan.FREE, Plan.BASIC, Plan.PREMIUM]
    assert [card.current for card in cards] == [True, False, False]
    assert not any(card.requestable for card in cards)


def test_pricing_marks_a_basic_member_and_their_pending_request(db):
    user = User.objects.create_user("basic@example.com", "x", plan=Plan.BASIC)
    UpgradeRequest.objects.create(user=user, plan=Plan.PREMIUM, plan_at_request=Plan.BASIC)

    cards = {card.offer.plan: card for card in pricing_cards(user=user)}

    assert cards[Plan.FREE].included
    assert cards[Plan.BASIC].current
    assert cards[Plan.PREMIUM].requestable
    assert cards[Plan.PREMIUM].requested


# The profile page's section, as each viewer receives it

VIEWERS = [(None, 2), (Plan.FREE, 2), (Plan.BASIC, 5), (Plan.PREMIUM, 8)]
VIEWER_IDS = ["visitor", "free", "basic", "premium"]
LISTED = re.compile(r'<li class="alternative">\s*<h3><a href="([^"]+)">([^<]+)</a>')


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def viewer(db, fast_hashing):
    """A test client for a visitor (None) or a member on the given plan."""

    def make(plan):
        client = Client()
        if plan is not None:
            user = User.objects.create_user(f"{plan}-{User.objects.count()}@example.com", "x")
            user.plan = plan
            user.save()
            client.force_login(user)
        return client

    return make


def listed(html):
    return [(url, title) for url, title in LISTED.findall(html)]


def slug(title):
    return title.lower().replace(" ", "-")


@pytest.mark.parametrize(("plan", "count"), VIEWERS, ids=VIEWER_IDS)
def test_the_profile_shows_the_plans_alternatives_and_no_trace_of_the_rest(
    base, viewer, plan, count
):
    response = viewer(plan).get(base.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert listed(html) == [
        (f"/occupations/{slug(title)}/", title) for title in ALTERNATIVE_TITLES[:count]
    ]
    for title in ALTERNATIVE_TITLES[count:]:
        assert title not in html
        assert slug(title) not in html
        assert f"/occupations/{slug(title)}/" not in html
    section = html.split('id="alternatives"')[1].split("</section>")[0]
    if count < 8:
        assert 'class="alternatives-more"><a href="/pricing/">' in section
    else:
        assert "alternatives-more" not in section


def test_the_unlock_line_on_the_page_names_counts_not_occupations(base, viewer):
    html = viewer(None).get(base.get_absolute_url()).content.decode()

    assert (
        '<a href="/pricing/">3 more alternative occupations with Basic, 6 with Premium</a>' in html
    )


def test_the_page_shows_wages_and_differences_honestly(base, viewer):
    html = viewer(Plan.BASIC).get(base.get_absolute_url()).content.decode()

    assert "U.S. median annual wages from BLS, May 2032; Gating Base Role: $50,000" in html
    assert "<dd>$54,500</dd>" in html
    assert "<dd>$4,500 more</dd>" in html
    assert "<dd>$9,000 less</dd>" in html
    assert "≥ $239,200" in html
    assert "At least $189,200 more" in html
    assert "No BLS estimate" in html


def test_a_premium_copy_in_the_cache_is_never_served_to_a_lower_plan(base, viewer):
    url = base.get_absolute_url()
    assert len(listed(viewer(Plan.PREMIUM).get(url).content.decode())) == 8

    assert len(listed(viewer(None).get(url).content.decode())) == 2
    assert len(listed(viewer(Plan.FREE).get(url).content.decode())) == 2
    assert len(listed(viewer(Plan.BASIC).get(url).content.decode())) == 5


def test_a_limit_changed_in_admin_applies_on_the_next_request(base, viewer):
    url = base.get_absolute_url()
    visitor = viewer(None)
    assert len(listed(visitor.get(url).content.decode())) == 2
    staff = Client()
    staff.force_login(User.objects.create_superuser("staff@example.com", "x"))
    free = PlanOffer.objects.get(plan=Plan.FREE)

    response = staff.post(
        reverse("admin:careers_planoffer_change", args=[free.pk]),
        {
            "name": free.name,
            "tagline": free.tagline,
            "price": free.price,
            "alternatives_limit": "4",
            "position": free.position,
        },
    )

    assert response.status_code == 302
    html = visitor.get(url).content.decode()
    assert [title for _, title in listed(html)] == ALTERNATIVE_TITLES[:4]
    assert "1 more alternative occupation with Basic, 4 with Premium" in html


def test_an_upgrade_shows_more_on_the_next_request(base, viewer):
    client = viewer(Plan.FREE)
    url = base.get_absolute_url()
    assert len(listed(client.get(url).content.decode())) == 2

    User.objects.filter(email__startswith="free").update(plan=Plan.PREMIUM)

    assert len(listed(client.get(url).content.decode())) == 8


def test_a_locked_alternative_keeps_its_own_public_profile(base, viewer):
    locked = ALTERNATIVE_TITLES[-1]

    response = viewer(None).get(f"/occupations/{slug(locked)}/")

    assert response.status_code == 200
    assert locked in response.content.decode()


@pytest.mark.parametrize(("plan", "count"), VIEWERS, ids=VIEWER_IDS)
def test_the_page_costs_a_fixed_number_of_queries(base, plan, count, django_assert_num_queries):
    user = (
        AnonymousUser()
        if plan is None
        else User.objects.create_user(f"q-{plan}@example.com", "x", plan=plan)
    )
    version = content_version()
    asked = ProfileRequest.parse(
        slug=base.slug, params=RequestFactory().get("/").GET, user=user, version=version
    )
    # Cold: the page's own reads (the occupation and its five lists, the occupations under
    # it, the salary tables: release, states, U.S.) and the gated list's (the plans,
    # then the four queries of gated_alternatives), whatever the plan.
    with django_assert_num_queries(15):
        page(asked, version=version)
    # Warm: all of it from the cache.
    with django_assert_num_queries(0):
        html = str(page(asked, version=version))
    assert len(listed(html)) == count


def test_the_whole_page_costs_the_same_for_every_member_plan(base, viewer):
    url = base.get_absolute_url()
    counts = {}
    for plan in (Plan.FREE, Plan.BASIC, Plan.PREMIUM):
        client = viewer(plan)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[plan] = len(queries.captured_queries)

    assert len(set(counts.values())) == 1, counts


# The seed profile: Medical Records Specialist and its ten alternatives


def written_text(occupation):
    """Everything the profile's own writing says, where it may name a related role in prose."""
    parts = [
        occupation.summary,
        occupation.overview,
        occupation.education,
        occupation.outlook,
        occupation.work_settings,
        occupation.advancement,
    ]
    parts += [item.text for item in occupation.responsibilities.all()]
    parts += [f"{item.name} {item.description}" for item in occupation.skills.all()]
    parts += [f"{item.title} {item.description}" for item in occupation.education_steps.all()]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("plan", "count"),
    [(None, 2), (Plan.FREE, 2), (Plan.BASIC, 5), (Plan.PREMIUM, 10)],
    ids=VIEWER_IDS,
)
def test_the_seed_profile_gates_its_ten_alternatives(site_data, viewer, plan, count):
    profile = Occupation.objects.get(slug="medical-records-specialist")
    closest_first = list(
        Alternative.objects.filter(occupation=profile)
        .select_related("alternative")
        .order_by("position", "id")
    )
    assert len(closest_first) == 10

    html = viewer(plan).get(profile.get_absolute_url()).content.decode()

    assert listed(html) == [
        (item.alternative.get_absolute_url(), item.alternative.title)
        for item in closest_first[:count]
    ]
    prose = written_text(profile)
    for item in closest_first[count:]:
        locked = item.alternative
        assert locked.get_absolute_url() not in html
        # The profile's own writing names no alternative a plan locks (see test_profile_pages);
        # beyond those words, the locked role leaves no trace.
        assert html.count(locked.title) == prose.count(locked.title), locked.title
        assert item.shared_tasks not in html
