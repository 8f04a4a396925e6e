"""Plans: which plan applies to a viewer, how plans rank, what each one unlocks, and the pricing
page's cards. The one place plan limits and ranks are known.

Limits are PlanOffer rows that staff edit in admin. Any write to them bumps the content version
(a database trigger, see careers.triggers), so a copy cached under a version is never stale.
"""

import datetime
from dataclasses import dataclass

from django.utils.timezone import localdate

from careers.cache import cached
from careers.models import Plan, PlanOffer, UpgradeRequest

# The promise the pricing and account pages make: staff decide an upgrade request within this
# many working days (Monday to Friday). The one place the number is written.
DECISION_WORKING_DAYS = 2

# Used only if a plan's PlanOffer row is missing (fixtures/plans.json creates all three), so that
# a deleted row degrades to the documented defaults instead of showing nothing or everything.
DEFAULT_LIMITS = {Plan.FREE: 2, Plan.BASIC: 5, Plan.PREMIUM: None}


def viewer_plan(user) -> Plan:
    """The plan whose entitlements apply to this viewer; visitors who are not logged in get Free."""
    if getattr(user, "is_authenticated", False):
        return Plan(user.plan)
    return Plan.FREE


def plan_rank(plan) -> int:
    """Free < Basic < Premium, in the order the Plan choices are declared."""
    return Plan.values.index(Plan(plan))


@dataclass(frozen=True)
class Offer:
    plan: Plan
    name: str
    limit: int | None

    def shows(self, total: int) -> int:
        """How many of `total` items this plan shows."""
        return total if self.limit is None else min(total, self.limit)


def _read_offers() -> list[Offer]:
    rows = {row.plan: row for row in PlanOffer.objects.only("plan", "name", "alternatives_limit")}
    offers = []
    for plan in Plan:
        row = rows.get(plan.value)
        if row is None:
            offers.append(Offer(plan, plan.label, DEFAULT_LIMITS[plan]))
        else:
            offers.append(Offer(plan, row.name, row.alternatives_limit))
    return offers


def plan_offers(*, version: int) -> list[Offer]:
    """Every plan with its current limit, lowest plan first: one query, none when cached."""
    return cached("plan-offers", version=version, compute=_read_offers)


def offer_for(offers: list[Offer], plan) -> Offer:
    return next(offer for offer in offers if offer.plan == Plan(plan))


@dataclass(frozen=True)
class Unlock:
    """A plan above the viewer's and how many more items it would show."""

    plan_name: str
    more: int


def unlocks(offers: list[Offer], *, plan, total: int) -> list[Unlock]:
    """The plans above `plan` that show more of `total` items than the plan before them did, so
    an offer never names a dearer plan that unlocks nothing more."""
    shown = offer_for(offers, plan).shows(total)
    found, best = [], shown
    for offer in offers:
        if plan_rank(offer.plan) <= plan_rank(plan):
            continue
        reach = offer.shows(total)
        if reach > best:
            found.append(Unlock(offer.name, reach - shown))
            best = reach
    return found


def unlock_text(found: list[Unlock], noun: str = "alternative occupation") -> str:
    """'4 more alternative occupations with Basic, 7 with Premium'; "" when nothing is locked."""
    parts = []
    for index, unlock in enumerate(found):
        if index == 0:
            plural = noun if unlock.more == 1 else f"{noun}s"
            parts.append(f"{unlock.more} more {plural} with {unlock.plan_name}")
        else:
            parts.append(f"{unlock.more} with {unlock.plan_name}")
    return ", ".join(parts)


@dataclass(frozen=True)
class PricingCard:
    """One plan on the pricing page, as this viewer stands with it."""

    offer: PlanOffer
    current: bool
    included: bool
    requestable: bool
    requested: bool


def pricing_cards(*, user) -> list[PricingCard]:
    """The plans side by side, with the viewer's plan and pending request marked: two queries."""
    plan = viewer_plan(user)
    pending = None
    if getattr(user, "is_authenticated", False):
        pending = UpgradeRequest.objects.pending().filter(user=user).first()
    cards = []
    for offer in PlanOffer.objects.all():
        rank, mine = plan_rank(offer.plan), plan_rank(plan)
        cards.append(
            PricingCard(
                offer=offer,
                current=offer.plan == plan,
                included=rank < mine,
                requestable=rank > mine and getattr(user, "is_authenticated", False),
                requested=pending is not None and pending.plan == offer.plan,
            )
        )
    return cards


def decision_due(requested_at) -> datetime.date:
    """The day by which staff promise to decide a request made at `requested_at`: the
    DECISION_WORKING_DAYS-th working day (Monday to Friday) after the day it was made, in the
    site's time zone. Public holidays are not counted out; the promise is worded as working
    days, Monday to Friday."""
    day = localdate(requested_at)
    counted = 0
    while counted < DECISION_WORKING_DAYS:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day
