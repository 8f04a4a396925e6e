"""The state salary section of an occupation's page, and the state tables it is built from.

The section is rendered once per (occupation, release, view, sort) and cached with
careers.cache.cached_html: rendering 51 rows through django-tables2 costs far more than the rest
of the page. The key holds only normalised values (a known release year, a known view, a known
sort key), so a visitor cannot fill the cache with query-string variants, and the content stamp
in the key retires every cached copy when an import or an edit changes the figures.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from careers.cache import cached_html, content_version
from salaries.maps import tile_map
from salaries.models import FigureStatus, Release, WageEstimate
from salaries.tables import AnnualPercentileTable, HourlyPercentileTable, StateWageTable
from salaries.templatetags.salary_figures import ANNUAL, COUNT, HOURLY, Figure

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


def releases_with_data(occupation, *, version=None):
    """[(year, name)] of the releases with figures for this occupation, newest first (cached)."""
    if version is None:
        version = content_version()
    key = f"salaries:releases:{version}:{occupation.pk}"
    releases = cache.get(key)
    if releases is None:
        has_data = WageEstimate.objects.filter(release=OuterRef("pk"), occupation=occupation)
        releases = list(
            Release.objects.filter(Exists(has_data)).newest_first().values_list("year", "name")
        )
        cache.set(key, releases, 60 * 60)
    return releases


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


def choose_sort(raw, table_class):
    """The sort key if the table knows it, else None (the table's default order)."""
    return raw if raw in table_class.sort_keys() else None


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
        sort = choose_sort(params.get("sort"), VIEWS[view].table)
        return cls(release, view, sort, unknown)

    def params(self, **changes) -> dict:
        """The query string that shows this table (defaults left out, so URLs stay short)."""
        values = {"release": self.release, "wages": self.view, "sort": self.sort}
        values.update(changes)
        if values["wages"] == DEFAULT_VIEW:
            values["wages"] = None
        return {key: value for key, value in values.items() if value is not None}


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


def salary_section(request, occupation) -> str:
    """HTML of the page's salary section, rendered once and cached; "" when there is no data."""
    version = content_version()
    releases = releases_with_data(occupation, version=version)
    if not releases:
        return ""
    query = StateTableQuery.from_params(request.GET, releases)
    parts = [occupation.pk, occupation.slug, query.release, query.view, query.sort]
    parts.append(query.release_unknown)
    html = cached_html(
        "salary-section",
        parts,
        lambda: _render_section(occupation, query, releases),
        version=version,
    )
    return mark_safe(html)  # noqa: S308 -- rendered by our own template, escaped there


def _render_section(occupation, query, releases) -> str:
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
    context = {
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
    return render_to_string("salaries/salary_section.html", context)
