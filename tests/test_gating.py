"""Which alternative occupations each plan may see, and the wages shown beside them."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers.gating import (
    TOP_CODED_ANNUAL,
    MedianWage,
    gated_alternatives,
    plan_offers,
    pricing_cards,
)
from careers.models import Plan, PlanOffer, UpgradeRequest, User
from occupations.models import Alternative, Occupation, SocLevel
from salaries.models import FIGURES, Area, AreaType, FigureStatus, Release, WageEstimate

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


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


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
        year=2001, name="May 2001", reference_period=datetime.date(2001, 5, 1), citation="Old"
    )
    new = Release.objects.create(
        year=2002, name="May 2002", reference_period=datetime.date(2002, 5, 1), citation="New"
    )
    # A newer release that has no figures yet must not be the one compared against.
    Release.objects.create(
        year=2003, name="May 2003", reference_period=datetime.date(2003, 5, 1), citation="Empty"
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
    with django_assert_num_queries(5):
        gated_alternatives(occupation=base, plan=plan)


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

    offers = {offer.plan: offer.limit for offer in plan_offers()}

    assert offers == {Plan.FREE: 2, Plan.BASIC: 5, Plan.PREMIUM: None}
    assert len(gated_alternatives(occupation=base, plan=Plan.BASIC).shown) == 5


def test_medians_come_from_the_newest_release_with_figures(base):
    gated = gated_alternatives(occupation=base, plan=Plan.PREMIUM)
    shown = {item.alternative.title: item for item in gated.shown}

    assert gated.release_name == "May 2002"
    assert gated.median.display == "$50,000"
    assert shown["Closest Clerk"].median.display == "$54,500"
    assert shown["Closest Clerk"].difference == "$4,500 more"
    assert shown["Second Specialist"].difference == "$9,000 less"
    assert shown["Sixth Assistant"].difference == "The same"


def test_markers_are_shown_honestly(base):
    gated = gated_alternatives(occupation=base, plan=Plan.PREMIUM)
    shown = {item.alternative.title: item for item in gated.shown}

    top = shown["Third Technician"]
    assert top.median.display == "≥ $239,200"
    assert top.difference == f"At least ${TOP_CODED_ANNUAL - 50_000:,} more"
    assert "At or above the top" in top.median.explanation
    unavailable = shown["Fourth Coordinator"]
    assert unavailable.median.display == "Not available"
    assert unavailable.difference == ""
    missing = shown["Fifth Analyst"]
    assert missing.median.display == "No BLS estimate"
    assert missing.difference == ""
    assert shown["Eighth Manager"].median.display == "No BLS estimate"


def test_a_top_coded_base_gives_an_at_least_difference():
    base = MedianWage(None, FigureStatus.TOP_CODED)

    assert MedianWage(200_000, "").difference_from(base) == "At least $39,200 less"
    assert MedianWage(None, FigureStatus.TOP_CODED).difference_from(base) == ""


def test_hourly_only_occupations_say_so():
    wage = MedianWage(None, FigureStatus.NOT_APPLICABLE, hourly_only=True)

    assert wage.display == "Hourly wages only"
    assert "only hourly" in wage.explanation


# Pricing cards


def test_pricing_marks_free_for_a_visitor_and_offers_nothing_to_request(db):
    from django.contrib.auth.models import AnonymousUser

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
