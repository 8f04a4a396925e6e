"""Which alternative occupations a viewer may see on a profile, and what each one pays.

The gate is applied in the database query: only the first N alternatives for the viewer's plan
are ever fetched, so a locked alternative cannot reach a template, an export or a cache by
mistake. The limits come from careers.plans (PlanOffer rows, cached under the content version).
"""

from dataclasses import dataclass

from careers.plans import Offer, Unlock, offer_for, unlock_text, unlocks
from occupations.models import Alternative
from salaries.figures import NO_ESTIMATE, Difference, Wage
from salaries.models import Release, WageEstimate


@dataclass(frozen=True)
class ShownAlternative:
    """One alternative the viewer may see: the occupation, what it shares, and what it pays."""

    alternative: object
    shared_tasks: str
    shared_knowledge: str
    shared_environment: str
    median: Wage
    difference: Difference | None


@dataclass(frozen=True)
class GatedAlternatives:
    total: int
    shown: list[ShownAlternative]
    unlocks: list[Unlock]
    median: Wage
    release_name: str

    @property
    def locked(self) -> int:
        return self.total - len(self.shown)

    @property
    def unlock_text(self) -> str:
        """'4 more alternative occupations with Basic, 7 with Premium'; "" when none are locked."""
        return unlock_text(self.unlocks)


def gated_alternatives(*, occupation, plan, offers: list[Offer]) -> GatedAlternatives:
    """The alternatives a viewer on `plan` may see on `occupation`'s profile, closest first.

    Four queries whatever the plan: the number of alternatives, the visible ones (sliced in
    SQL, so locked rows are never fetched), the newest release with figures, and the U.S.
    medians of the occupation and the alternatives shown.
    """
    limit = offer_for(offers, plan).limit
    alternatives = Alternative.objects.filter(occupation=occupation)
    total = alternatives.count()
    visible = alternatives.select_related("alternative").order_by("position", "id")
    if limit is not None:
        visible = visible[:limit]
    visible = list(visible)

    release = Release.objects.newest_with_figures()
    ids = [occupation.pk, *(item.alternative_id for item in visible)]
    medians = {
        pk: Wage.of(row) for pk, row in WageEstimate.objects.national_medians(ids, release).items()
    }
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
    return GatedAlternatives(
        total=total,
        shown=shown,
        unlocks=unlocks(offers, plan=plan, total=total),
        median=base,
        release_name=release.name if release else "",
    )
