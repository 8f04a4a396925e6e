"""A tile map of the states: one square per state and DC, coloured by a figure, drawn as SVG.

A tile grid keeps every state the same size, so small states (DC, RI, DE) stay readable and
clickable on a phone, which a geographic map cannot do. Colours come from ColorBrewer's YlGnBu
scale, which stays distinguishable with the common forms of colour blindness; the bins are
quantiles of the figures shown, and every tile also carries its figure as text in <title>.
"""

from dataclasses import dataclass

from django.urls import reverse

from salaries.figures import Figure, format_number, top_code

# (column, row) of each tile: the layout news graphics use, roughly where each state lies.
TILES = {
    "AK": (0, 0), "ME": (10, 0),
    "VT": (9, 1), "NH": (10, 1),
    "WA": (0, 2), "ID": (1, 2), "MT": (2, 2), "ND": (3, 2), "MN": (4, 2), "IL": (5, 2),
    "WI": (6, 2), "MI": (7, 2), "NY": (8, 2), "RI": (9, 2), "MA": (10, 2),
    "OR": (0, 3), "NV": (1, 3), "WY": (2, 3), "SD": (3, 3), "IA": (4, 3), "IN": (5, 3),
    "OH": (6, 3), "PA": (7, 3), "NJ": (8, 3), "CT": (9, 3),
    "CA": (0, 4), "UT": (1, 4), "CO": (2, 4), "NE": (3, 4), "MO": (4, 4), "KY": (5, 4),
    "WV": (6, 4), "VA": (7, 4), "MD": (8, 4), "DE": (9, 4),
    "AZ": (1, 5), "NM": (2, 5), "KS": (3, 5), "AR": (4, 5), "TN": (5, 5), "NC": (6, 5),
    "SC": (7, 5), "DC": (8, 5),
    "OK": (3, 6), "LA": (4, 6), "MS": (5, 6), "AL": (6, 6), "GA": (7, 6),
    "HI": (0, 7), "TX": (3, 7), "FL": (8, 7),
}  # fmt: skip

STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

COLUMNS = 11
ROWS = 8
TILE = 40
GAP = 3
BINS = 5


@dataclass(frozen=True)
class Tile:
    abbr: str
    name: str
    url: str
    x: int
    y: int
    bin: str  # "1".."5" by value, "0" when BLS did not release it, "none" without an estimate
    label: str

    @property
    def text_x(self):
        return self.x + TILE // 2

    @property
    def text_y(self):
        return self.y + TILE // 2 + 5


@dataclass(frozen=True)
class LegendEntry:
    bin: str
    label: str


def _sort_value(figure: Figure):
    """Top-coded wages are at least the top code, so they go in the highest bin."""
    if figure.available:
        return figure.value
    if figure.top_coded:
        return float("inf")
    return None


def _breaks(values):
    """Upper bounds of up to BINS quantile bins (fewer when there are few distinct values)."""
    ordered = sorted(values)
    bounds = []
    for index in range(1, BINS + 1):
        position = min(len(ordered) - 1, max(0, (len(ordered) * index) // BINS - 1))
        bound = ordered[position]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def tile_map(records, *, field, kind, measure):
    """Tiles and legend for the states among `records` (WageEstimates with .area loaded).

    Every state and DC gets a tile; states BLS publishes no estimate for are drawn empty and
    listed in `missing`, so a gap in the data never looks like a gap in the map.
    """
    figures = {}
    for record in records:
        abbr = record.area.state_abbr
        if abbr in TILES:
            figures[abbr] = (record, Figure.of(record, field, kind))
    numbers = [v for _, f in figures.values() if (v := _sort_value(f)) is not None]
    finite = [v for v in numbers if v != float("inf")]
    bounds = _breaks(numbers) if numbers else []

    tiles, missing = [], []
    for abbr, (column, row) in TILES.items():
        position = {"x": column * (TILE + GAP), "y": row * (TILE + GAP)}
        url = reverse("salaries:state", kwargs={"abbr": abbr.lower()})
        if abbr not in figures:
            name = STATE_NAMES[abbr]
            missing.append(name)
            label = f"{name}: no BLS estimate for this occupation"
            tiles.append(Tile(abbr=abbr, name=name, url=url, bin="none", label=label, **position))
            continue
        record, figure = figures[abbr]
        value = _sort_value(figure)
        bin_ = "0"
        if value is not None:
            bin_ = str(next(i for i, bound in enumerate(bounds, start=1) if value <= bound))
        label = f"{record.area.name}: {measure} {figure.text()}"
        tiles.append(
            Tile(abbr=abbr, name=record.area.name, url=url, bin=bin_, label=label, **position)
        )

    missing.sort()
    legend = []
    previous = None
    for index, bound in enumerate(bounds, start=1):
        members = [v for v in finite if (previous is None or v > previous) and v <= bound]
        if bound == float("inf"):
            # Top-coded wages are only known to be at least the top code: say so in the legend.
            top = f"at least {format_number(top_code(kind), kind)} (top-coded)"
            if members:
                label = f"{format_number(min(members), kind)} or more; {top}"
            else:
                label = top[0].upper() + top[1:]
        elif min(members) == bound:
            label = format_number(bound, kind)
        else:
            label = f"{format_number(min(members), kind)} to {format_number(bound, kind)}"
        legend.append(LegendEntry(str(index), label))
        previous = bound
    if any(tile.bin == "0" for tile in tiles):
        legend.append(LegendEntry("0", "Not released"))
    if missing:
        legend.append(LegendEntry("none", "No BLS estimate"))
    return {
        "tiles": tiles,
        "legend": legend,
        "missing": missing,
        "width": COLUMNS * (TILE + GAP) - GAP,
        "height": ROWS * (TILE + GAP) - GAP,
        "tile": TILE,
    }
