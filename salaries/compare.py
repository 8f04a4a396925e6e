"""Compare states: which states to show, in the order chosen, and the quick picks that fill the
form with one tap (links, so they work without JavaScript).

The neighbour table is written here, once: the states (and DC) that share a land border, from
the map. States that touch at a single point (the Four Corners: Arizona and Colorado, Utah and
New Mexico) and those that share only water (Michigan and Illinois across Lake Michigan) are
not neighbours. Alaska, Hawaii and the territories have none.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from salaries.forms import MAX_STATES

_BORDERS = {
    "AL": "FL GA MS TN",
    "AZ": "CA NV NM UT",
    "AR": "LA MS MO OK TN TX",
    "CA": "AZ NV OR",
    "CO": "KS NE NM OK UT WY",
    "CT": "MA NY RI",
    "DE": "MD NJ PA",
    "DC": "MD VA",
    "FL": "AL GA",
    "GA": "AL FL NC SC TN",
    "ID": "MT NV OR UT WA WY",
    "IL": "IN IA KY MO WI",
    "IN": "IL KY MI OH",
    "IA": "IL MN MO NE SD WI",
    "KS": "CO MO NE OK",
    "KY": "IL IN MO OH TN VA WV",
    "LA": "AR MS TX",
    "ME": "NH",
    "MD": "DE PA VA WV DC",
    "MA": "CT NH NY RI VT",
    "MI": "IN OH WI",
    "MN": "IA ND SD WI",
    "MS": "AL AR LA TN",
    "MO": "AR IL IA KS KY NE OK TN",
    "MT": "ID ND SD WY",
    "NE": "CO IA KS MO SD WY",
    "NV": "AZ CA ID OR UT",
    "NH": "ME MA VT",
    "NJ": "DE NY PA",
    "NM": "AZ CO OK TX",
    "NY": "CT MA NJ PA VT",
    "NC": "GA SC TN VA",
    "ND": "MN MT SD",
    "OH": "IN KY MI PA WV",
    "OK": "AR CO KS MO NM TX",
    "OR": "CA ID NV WA",
    "PA": "DE MD NJ NY OH WV",
    "RI": "CT MA",
    "SC": "GA NC",
    "SD": "IA MN MT NE ND WY",
    "TN": "AL AR GA KY MS MO NC VA",
    "TX": "AR LA NM OK",
    "UT": "AZ CO ID NV WY",
    "VT": "MA NH NY",
    "VA": "KY MD NC TN WV DC",
    "WA": "ID OR",
    "WV": "KY MD OH PA VA",
    "WI": "IL IA MI MN",
    "WY": "CO ID MT NE SD UT",
}
NEIGHBOURS: dict[str, frozenset[str]] = {
    abbr: frozenset(others.split()) for abbr, others in _BORDERS.items()
}
# How many states the "most positions" pick holds.
LARGEST = MAX_STATES


def in_order_chosen(areas, chosen) -> list:
    """The areas whose abbreviations are in `chosen`, in the order of `chosen` (the order of the
    ?state= parameters), each once."""
    by_abbr = {area.state_abbr: area for area in areas}
    return [by_abbr[abbr] for abbr in dict.fromkeys(chosen) if abbr in by_abbr]


@dataclass(frozen=True)
class QuickPick:
    label: str
    areas: tuple
    url: str
    current: bool

    @property
    def names(self) -> str:
        return ", ".join(area.name for area in self.areas)


def _by_positions(areas) -> list:
    """Most positions first; areas without a published employment figure last, by name."""
    return sorted(
        areas,
        key=lambda area: (area.employment is None, -(area.employment or 0), area.name),
    )


def neighbour_pick_areas(area, areas) -> tuple:
    """`area` first, then its neighbours that have figures, most positions first, so that the
    pick fits the form's limit of MAX_STATES."""
    near = NEIGHBOURS.get(area.state_abbr, frozenset())
    others = _by_positions([other for other in areas if other.state_abbr in near])
    return (area, *others[: MAX_STATES - 1])


class QuickPicks:
    """The picks offered beside the check boxes, for one occupation and release.

    `areas`: the states with figures, each annotated with `employment` (None when BLS did not
    release it); `chosen`: the abbreviations of the comparison shown, in order, or ().
    """

    def __init__(self, *, slug: str, release_year: int, areas, chosen=()):
        self.base = reverse("salaries:compare", kwargs={"slug": slug})
        self.release_year = release_year
        self.areas = list(areas)
        self.chosen = tuple(chosen)

    max_neighbours = MAX_STATES - 1

    def url(self, areas) -> str:
        params = {"release": self.release_year, "state": [area.state_abbr for area in areas]}
        return f"{self.base}?{urlencode(params, doseq=True)}"

    def pick(self, label, areas) -> QuickPick:
        abbreviations = tuple(area.state_abbr for area in areas)
        return QuickPick(label, tuple(areas), self.url(areas), abbreviations == self.chosen)

    def largest(self) -> QuickPick | None:
        """The states with the most positions in this occupation, most first."""
        counted = [area for area in self.areas if area.employment is not None]
        if len(counted) < 2:
            return None
        top = _by_positions(counted)[:LARGEST]
        return self.pick(f"The {len(top)} states with the most positions", top)

    def neighbours(self, area) -> QuickPick | None:
        group = neighbour_pick_areas(area, self.areas)
        if len(group) < 2:
            return None
        return self.pick(f"{area.name} and its neighbours", group)

    def for_chosen(self) -> list[QuickPick]:
        """The neighbours pick of each state in the comparison shown."""
        chosen = in_order_chosen(self.areas, self.chosen)
        return [pick for pick in (self.neighbours(area) for area in chosen) if pick]

    def every_state(self) -> list[QuickPick]:
        """A neighbours pick for every state that has neighbours with figures, by name."""
        return [pick for pick in (self.neighbours(area) for area in self.areas) if pick]
