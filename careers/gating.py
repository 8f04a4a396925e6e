"""How many alternative occupations a viewer may see on a profile, and which ones.

The gate is applied in the database query: only the first N alternatives for the viewer's plan are
ever fetched, so a locked alternative cannot reach a template, an export or a cache by mistake.
Limits are read from PlanOffer, or from a copy cached under the content stamp that any write to
PlanOffer bumps, so a change in admin applies on the next request.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef

from careers.cache import TIMEOUT
from careers.models import Plan, PlanOffer, UpgradeRequest
from careers.plans import viewer_plan
from occupations.models import Alternative, Occupation
from salaries.models import FigureStatus, Release, WageEstimate

# Used only if a plan's PlanOffer row is missing (fixtures/plans.json creates all three), so that
# a deleted row degrades to the documented defaults instead of showing nothing or everything.
DEFAULT_LIMITS = {Plan.FREE: 2, Plan.BASIC: 5, Plan.PREMIUM: None}

# BLS publishes no annual wage above this figure; such wages carry the "#" marker instead.
TOP_CODED_ANNUAL = 239_200

_MARKER_TEXT = {
    FigureStatus.NOT_AVAILABLE: "Not available",
    FigureStatus.EMPLOYMENT_NOT_AVAILABLE: "Not available",
    FigureStatus.NOT_APPLICABLE: "Not published",
    FigureStatus.NOT_IN_SOURCE: "Not published",
}


def money(amount: int) -> str:
    return f"${amount:,}"


@dataclass(frozen=True)
class Offer:
    plan: Plan
    name: str
    limit: int | None


def plan_offers(*, version: int | None = None) -> list[Offer]:
    """Every plan with its current limit, lowest plan first: one query, or none when cached.

    With the content stamp's `version`, the list is remembered under it: every write to
    PlanOffer bumps the stamp (a database trigger, migration careers 0004), so a limit changed in
    admin still applies on the next request.
    """
    if version is not None:
        return cache.get_or_set(f"plan-offers:{version}", plan_offers, TIMEOUT)
    rows = {row.plan: row for row in PlanOffer.objects.only("plan", "name", "alternatives_limit")}
    offers = []
    for plan in Plan:
        row = rows.get(plan.value)
        if row is None:
            offers.append(Offer(plan, plan.label, DEFAULT_LIMITS[plan]))
        else:
            offers.append(Offer(plan, row.name, row.alternatives_limit))
    return offers


def plan_rank(plan) -> int:
    """Free < Basic < Premium, in the order the Plan choices are declared."""
    return Plan.values.index(Plan(plan))


def _shown(total: int, limit: int | None) -> int:
    return total if limit is None else min(total, limit)


@dataclass(frozen=True)
class MedianWage:
    """A U.S. median annual wage as BLS published it: a figure, or a marker and what it means."""

    amount: int | None
    status: str
    hourly_only: bool = False
    found: bool = True

    @property
    def top_coded(self) -> bool:
        return self.status == FigureStatus.TOP_CODED

    @property
    def display(self) -> str:
        if not self.found:
            return "No BLS estimate"
        if self.amount is not None:
            return money(self.amount)
        if self.top_coded:
            return f"≥ {money(TOP_CODED_ANNUAL)}"
        if self.hourly_only:
            return "Hourly wages only"
        return _MARKER_TEXT.get(self.status, "Not available")

    @property
    def explanation(self) -> str:
        """What a marker means, for a title or a footnote; empty for a plain figure."""
        if not self.found or self.amount is not None:
            return ""
        if self.hourly_only and not self.top_coded:
            return "BLS publishes only hourly wages for this occupation."
        return FigureStatus(self.status).label

    def difference_from(self, base: "MedianWage") -> str:
        """'$4,500 more', '$3,000 less', 'The same'; 'at least' when a side is top-coded."""
        if self.amount is not None and base.amount is not None:
            gap = self.amount - base.amount
            if gap == 0:
                return "The same"
            return f"{money(abs(gap))} {'more' if gap > 0 else 'less'}"
        if self.top_coded and base.amount is not None:
            return f"At least {money(TOP_CODED_ANNUAL - base.amount)} more"
        if base.top_coded and self.amount is not None:
            return f"At least {money(TOP_CODED_ANNUAL - self.amount)} less"
        return ""


def newest_release_with_national_figures():
    """The newest release with U.S.-wide estimates: one query.

    A release row can exist before its figures are imported; comparing against it would show
    "No BLS estimate" everywhere, so such releases are skipped.
    """
    national = WageEstimate.objects.national().filter(release=OuterRef("pk"))
    return Release.objects.filter(Exists(national)).newest_first().only("pk", "name").first()


NO_ESTIMATE = MedianWage(amount=None, status=FigureStatus.NOT_AVAILABLE, found=False)


def national_medians(occupation_ids, release) -> dict[int, MedianWage]:
    """U.S. median annual wages in `release` for these occupations: one query."""
    if release is None:
        return {}
    rows = (
        WageEstimate.objects.national()
        .filter(release=release, occupation_id__in=list(occupation_ids))
        .values_list("occupation_id", "annual_median", "annual_median_status", "hourly_only")
    )
    return {
        occupation_id: MedianWage(amount, status, hourly_only)
        for occupation_id, amount, status, hourly_only in rows
    }


@dataclass(frozen=True)
class ShownAlternative:
    """One alternative the viewer may see: the occupation, what it shares, and what it pays."""

    alternative: Occupation
    shared_tasks: str
    shared_knowledge: str
    shared_environment: str
    median: MedianWage
    difference: str


@dataclass(frozen=True)
class Unlock:
    plan_name: str
    more: int


@dataclass(frozen=True)
class GatedAlternatives:
    plan: Plan
    limit: int | None
    total: int
    shown: list[ShownAlternative]
    unlocks: list[Unlock]
    median: MedianWage
    release_name: str

    @property
    def locked(self) -> int:
        return self.total - len(self.shown)

    @property
    def unlock_text(self) -> str:
        """'4 more alternative occupations with Basic, 7 with Premium'; "" when none are locked."""
        parts = []
        for index, unlock in enumerate(self.unlocks):
            if index == 0:
                noun = "occupation" if unlock.more == 1 else "occupations"
                parts.append(f"{unlock.more} more alternative {noun} with {unlock.plan_name}")
            else:
                parts.append(f"{unlock.more} with {unlock.plan_name}")
        return ", ".join(parts)


def cache_parts(plan, offers: list[Offer]) -> list[str]:
    """What a cached copy of the gated list depends on besides the content: the viewer's plan
    and every plan's limit and name (the unlock line names the plans above the viewer's)."""
    return [str(Plan(plan)), *(f"{o.plan}={o.limit}:{o.name}" for o in offers)]


def gated_alternatives(*, occupation, plan, offers: list[Offer] | None = None) -> GatedAlternatives:
    """The alternatives a viewer on `plan` may see on `occupation`'s profile, closest first.

    Four queries whatever the plan (five without `offers`): the number of alternatives, the
    visible ones (sliced in SQL, so locked rows are never fetched), the newest release, and the
    national medians.
    """
    plan = Plan(plan)
    if offers is None:
        offers = plan_offers()
    limit = next(offer.limit for offer in offers if offer.plan == plan)

    alternatives = Alternative.objects.filter(occupation=occupation)
    total = alternatives.count()
    visible = alternatives.select_related("alternative").order_by("position", "id")
    if limit is not None:
        visible = visible[:limit]
    visible = list(visible)

    release = newest_release_with_national_figures()
    medians = national_medians([occupation.pk, *(item.alternative_id for item in visible)], release)
    base = medians.get(occupation.pk, NO_ESTIMATE)

    shown = []
    for item in visible:
        median = medians.get(item.alternative_id, NO_ESTIMATE)
        shown.append(
            ShownAlternative(
                alternative=item.alternative,
                shared_tasks=item.shared_tasks,
                shared_knowledge=item.shared_knowledge,
                shared_environment=item.shared_environment,
                median=median,
                difference=median.difference_from(base),
            )
        )

    # Name only the plans above the viewer's that show more than the plan before them did, so the
    # line never offers a dearer plan that unlocks nothing more.
    unlocks = []
    best = len(shown)
    for offer in offers:
        if plan_rank(offer.plan) <= plan_rank(plan):
            continue
        reach = _shown(total, offer.limit)
        if reach > best:
            unlocks.append(Unlock(offer.name, reach - len(shown)))
            best = reach

    return GatedAlternatives(
        plan=plan,
        limit=limit,
        total=total,
        shown=shown,
        unlocks=unlocks,
        median=base,
        release_name=release.name if release else "",
    )


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
