"""The salary section of an occupation's page, and the state tables it is built from.

A visitor's choice of table (release, view, sort) is parsed once into a StateTableQuery, whose
values are all validated (a known release year, a known view, a known sort key): the page's
cache key, the section's links and its CSV download all start from it, never from the raw query
string. salary_section() returns the section's template context; the page template includes
salaries/salary_section.html with it.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.http import urlencode

from careers.cache import cached
from salaries.figures import ANNUAL, COUNT, HOURLY, Figure
from salaries.maps import tile_map
from salaries.models import FigureStatus, Release, WageEstimate
from salaries.tables import AnnualPercentileTable, HourlyPercentileTable, StateWageTable

ANCHOR = "salaries"
NOT_IN_SOURCE = FigureStatus.NOT_IN_SOURCE


@dataclass(frozen=True)
class View:
    key: str
    label: str
    table: type


VIEWS = {
    view.key: view
    for view in [
        View("medians", "Medians and positions", StateWageTable),
        View("annual-percentiles", "Annual wage percentiles", AnnualPercentileTable),
        View("hourly-percentiles", "Hourly wage percentiles", HourlyPercentileTable),
    ]
}
DEFAULT_VIEW = "medians"
# The query-string keys a StateTableQuery reads: anything else is not part of the choice.
PARAMETERS = frozenset({"release", "wages", "sort"})


def _releases_with_data(occupation_id) -> list[tuple[int, str]]:
    has_data = WageEstimate.objects.filter(release=OuterRef("pk"), occupation_id=occupation_id)
    return list(Release.objects.filter(Exists(has_data)).newest_first().values_list("year", "name"))


def releases_with_data(occupation_id, *, version: int) -> list[tuple[int, str]]:
    """[(year, name)] of the releases with figures for this occupation, newest first."""
    return cached(
        "salaries:releases",
        occupation_id,
        version=version,
        compute=lambda: _releases_with_data(occupation_id),
    )


def choose_release(raw, releases):
    """(year, asked_for_unknown): the year asked for if it has data, else the newest."""
    years = [year for year, _ in releases]
    if raw in (None, ""):
        return years[0], False
    try:
        year = int(str(raw).strip()[:6])
    except ValueError:
        return years[0], True
    if year in years:
        return year, False
    return years[0], True


@dataclass(frozen=True)
class StateTableQuery:
    """What a visitor asked of an occupation's state tables, normalised."""

    release: int
    view: str
    sort: str | None
    release_unknown: bool = False

    @classmethod
    def from_params(cls, params, releases):
        release, unknown = choose_release(params.get("release"), releases)
        view = params.get("wages")
        if view not in VIEWS:
            view = DEFAULT_VIEW
        sort = VIEWS[view].table.valid_sort(params.get("sort"))
        return cls(release, view, sort, unknown)

    def params(self, **changes) -> dict:
        """The query string that shows this table (defaults left out, so URLs stay short)."""
        values = {"release": self.release, "wages": self.view, "sort": self.sort}
        values.update(changes)
        if values["wages"] == DEFAULT_VIEW:
            values["wages"] = None
        return {key: value for key, value in values.items() if value is not None}

    def key_parts(self) -> tuple:
        """What a cached copy of the tables depends on: validated values only."""
        return (self.release, self.view, self.sort, self.release_unknown)

    def is_exactly(self, params) -> bool:
        """Whether the query string says exactly this choice and nothing else, so that a copy
        filed under this choice may also be filed under the raw request."""
        normalised = {"release": str(self.release), "wages": self.view, "sort": self.sort}
        return not self.release_unknown and all(
            len(params.getlist(name)) == 1 and params[name] == normalised.get(name)
            for name in params
        )


def state_table(occupation, query: StateTableQuery, *, release=None, link_path=""):
    """The django-tables2 table of one occupation's figures by state, with the U.S. row."""
    if release is None:
        release = Release.objects.get(year=query.release)
    view = VIEWS[query.view]
    estimates = WageEstimate.objects.state_table(occupation=occupation, release=release)
    national = list(
        WageEstimate.objects.national()
        .filter(occupation=occupation, release=release)
        .select_related("area")
    )
    caption = f"{occupation.title}: {view.label.lower()} by state, {release.name}"
    table = view.table(
        estimates,
        caption=caption,
        caption_detail=f"Source: {release.source}, {release.name}.",
        html_id=f"state-{query.view}",
        link_params=query.params(sort=None),
        link_path=link_path,
        link_anchor=ANCHOR,
        reference=national,
        order_by=query.sort or view.table._meta.order_by,
    )
    return table, release


def salary_section(occupation, query: StateTableQuery, releases) -> dict:
    """The template context of the page's salary section (salaries/salary_section.html)."""
    path = occupation.get_absolute_url()
    table, release = state_table(occupation, query, link_path=path)
    rows = list(table.data)
    # Hourly-only occupations (BLS's HOURLY flag) have no annual figures to colour the map by.
    annual_missing = all(
        row.annual_median is None and row.annual_median_status != FigureStatus.TOP_CODED
        for row in rows
    )
    map_field, map_kind, measure = (
        ("hourly_median", HOURLY, "median hourly wage")
        if annual_missing
        else ("annual_median", ANNUAL, "median annual wage")
    )
    national = table.reference_records[0] if table.reference_records else None
    national_figures = national and {
        "annual": Figure.of(national, "annual_median", ANNUAL),
        "hourly": Figure.of(national, "hourly_median", HOURLY),
        "employment": Figure.of(national, "employment", COUNT),
    }
    percentiles_published = any(
        (row.annual_p10_status, row.hourly_p10_status) != (NOT_IN_SOURCE, NOT_IN_SOURCE)
        for row in rows
    )
    views = [
        {
            "key": view.key,
            "label": view.label,
            "url": f"{path}?{urlencode(query.params(wages=view.key, sort=None))}#{ANCHOR}",
            "current": view.key == query.view,
        }
        for view in VIEWS.values()
    ]
    downloads = reverse("salaries:occupation-csv", kwargs={"slug": occupation.slug})
    compare = reverse("salaries:compare", kwargs={"slug": occupation.slug})
    return {
        "occupation": occupation,
        "release": release,
        "releases": releases,
        "query": query,
        "views": views,
        "view": VIEWS[query.view],
        "table": table,
        "national": national,
        "national_figures": national_figures,
        "map": tile_map(rows, field=map_field, kind=map_kind, measure=measure),
        "map_measure": measure,
        "percentiles_published": percentiles_published,
        "path": path,
        "csv_url": f"{downloads}?{urlencode(query.params())}",
        "compare_url": f"{compare}?{urlencode({'release': query.release})}",
        "anchor": ANCHOR,
    }
