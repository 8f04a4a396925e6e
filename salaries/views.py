import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify

from careers import csvfile
from careers.cache import cached, cached_fragment, content_version
from occupations.models import Occupation, SocLevel
from salaries.compare import QuickPicks, in_order_chosen
from salaries.figures import ANNUAL, COUNT, HOURLY, Figure
from salaries.forms import (
    DEFAULT_LEVEL,
    DEFAULT_PER_PAGE,
    LEVELS,
    MAX_PER_PAGE,
    PER_PAGE_CHOICES,
    CompareForm,
)
from salaries.models import Area, AreaType, Release, WageEstimate
from salaries.sections import (
    StateTableQuery,
    choose_release,
    releases_with_data,
    state_table,
)
from salaries.tables import (
    CompareCellColumn,
    CompareTable,
    DifferenceCell,
    FigureCell,
    ReferenceCell,
    StateOccupationTable,
)


def csv_response(table, *, release, filename, context=()):
    """The table as a CSV download (careers.csvfile): the header row, then its rows exactly as
    shown (same rows, same order, reference rows first), each figure a number with its BLS
    marker in a status column of its own. The source and release are columns of every row, after
    `context` ((header, value) pairs such as the occupation), so a row read alone, or pasted
    into another sheet, still says what it is."""
    context = [*context, ("Source", release.source), ("Release", release.name)]
    return csvfile.csv_response(table.csv_rows(context=context), filename=filename)


def occupation_context(occupation) -> list[tuple[str, str]]:
    """The columns that say which occupation a download is about."""
    return [("Occupation", occupation.title), ("SOC code", occupation.soc_code or "")]


def _occupation_with_releases(request, slug):
    occupation = get_object_or_404(Occupation, slug=slug)
    releases = releases_with_data(occupation.pk, version=content_version(request))
    if not releases:
        raise Http404("No wage figures for this occupation.")
    return occupation, releases


def occupation_csv(request, slug):
    """The profile's state table (medians or percentiles) as CSV, in the order shown."""
    occupation, releases = _occupation_with_releases(request, slug)
    query = StateTableQuery.from_params(request.GET, releases)
    table, release = state_table(occupation, query)
    name = f"{occupation.slug}-{query.view}-by-state-{release.year}.csv"
    return csv_response(
        table, release=release, filename=name, context=occupation_context(occupation)
    )


# --- Compare states ----------------------------------------------------------------------------

MEASURES = [
    # (label, field, kind, show the difference from the U.S.)
    ("Positions", "employment", COUNT, False),
    ("Median salary", "annual_median", ANNUAL, True),
    ("Median hourly", "hourly_median", HOURLY, True),
    ("Annual wage, 10th percentile", "annual_p10", ANNUAL, False),
    ("Annual wage, 25th percentile", "annual_p25", ANNUAL, False),
    ("Annual wage, 75th percentile", "annual_p75", ANNUAL, False),
    ("Annual wage, 90th percentile", "annual_p90", ANNUAL, False),
    ("Hourly wage, 10th percentile", "hourly_p10", HOURLY, False),
    ("Hourly wage, 25th percentile", "hourly_p25", HOURLY, False),
    ("Hourly wage, 75th percentile", "hourly_p75", HOURLY, False),
    ("Hourly wage, 90th percentile", "hourly_p90", HOURLY, False),
]


def comparison_table(occupation, release, areas):
    """Measures down the side; the chosen states, in the order given, then the U.S., across."""
    estimates = {
        estimate.area_id: estimate
        for estimate in WageEstimate.objects.filter(occupation=occupation, release=release)
        .filter(Q(area__in=areas) | Q(area__type=AreaType.NATIONAL))
        .select_related("area")
    }
    national = next((e for e in estimates.values() if e.area.type == AreaType.NATIONAL), None)
    states = [(area, estimates[area.pk]) for area in areas if area.pk in estimates]
    rows = []
    for label, field, kind, with_difference in MEASURES:
        row = {"measure": label}
        for area, estimate in states:
            row[area.state_abbr] = FigureCell(Figure.of(estimate, field, kind))
        if national is not None:
            row["US"] = FigureCell(Figure.of(national, field, kind))
        rows.append(row)
        if with_difference and national is not None:
            reference = Figure.of(national, field, kind)
            difference_row = {"measure": f"{label}: difference from the U.S."}
            for area, estimate in states:
                difference_row[area.state_abbr] = DifferenceCell(
                    Figure.of(estimate, field, kind), reference
                )
            difference_row["US"] = ReferenceCell()
            rows.append(difference_row)
    columns = [(area.state_abbr, CompareCellColumn(area.name)) for area, _ in states]
    if national is not None:
        reference_attrs = {"th": {"class": "num reference"}, "td": {"class": "num reference"}}
        columns.append(("US", CompareCellColumn("U.S.", attrs=reference_attrs)))
    names = ", ".join(area.name for area, _ in states)
    column_areas = {area.state_abbr: area for area, _ in states}
    if national is not None:
        column_areas["US"] = national.area
    return CompareTable(
        rows,
        areas=column_areas,
        extra_columns=columns,
        caption=f"{occupation.title}: {names} compared, {release.name}",
        caption_detail=f"Source: {release.source}, {release.name}.",
        html_id="compare",
    ), national


def _compare_inputs(request, slug):
    occupation, releases = _occupation_with_releases(request, slug)
    year, release_unknown = choose_release(request.GET.get("release"), releases)
    release = Release.objects.get(year=year)
    has_data = WageEstimate.objects.filter(
        area=OuterRef("pk"), occupation=occupation, release=release
    )
    # With the positions, in the same query, for the quick picks (salaries.compare).
    areas = list(
        Area.objects.filter(type__in=[AreaType.STATE, AreaType.TERRITORY])
        .filter(Exists(has_data))
        .annotate(employment=Subquery(has_data.values("employment")[:1]))
        .order_by("name")
    )
    # The hidden "compare" field marks a submitted form, so that no box ticked is an error too.
    bound = "compare" in request.GET or "state" in request.GET
    form = CompareForm(request.GET if bound else None, areas=areas)
    return occupation, releases, release, release_unknown, areas, form


def compare(request, slug):
    occupation, releases, release, release_unknown, areas, form = _compare_inputs(request, slug)
    table = national = None
    csv_url = ""
    chosen = ()
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["state"]
        table, national = comparison_table(occupation, release, in_order_chosen(areas, chosen))
        params = {"release": release.year, "state": chosen}
        csv_url = reverse("salaries:compare-csv", kwargs={"slug": occupation.slug})
        csv_url = f"{csv_url}?{urlencode(params, doseq=True)}"
    context = {
        "occupation": occupation,
        "releases": releases,
        "release": release,
        "release_unknown": release_unknown,
        "form": form,
        "table": table,
        "national": national,
        "csv_url": csv_url,
        "picks": QuickPicks(
            slug=occupation.slug, release_year=release.year, areas=areas, chosen=chosen
        ),
        "all_states_url": _all_states_url(occupation, release),
        "breadcrumbs": [
            {"label": "Occupations", "url": reverse("occupations:list")},
            {"label": occupation.title, "url": occupation.get_absolute_url()},
            {"label": "Compare states"},
        ],
    }
    return render(request, "salaries/compare.html", context)


def _all_states_url(occupation, release) -> str:
    """Every state's figures: the salary section of the occupation's page; a SOC group's page
    is the browse page, without one, so its figures by state come as the CSV download."""
    if occupation.is_soc_group:
        url = reverse("salaries:occupation-csv", kwargs={"slug": occupation.slug})
        return f"{url}?{urlencode({'release': release.year})}"
    return f"{occupation.get_absolute_url()}?{urlencode({'release': release.year})}#salaries"


def compare_csv(request, slug):
    occupation, _, release, _, areas, form = _compare_inputs(request, slug)
    if not form.is_bound or not form.is_valid():
        return HttpResponseBadRequest(
            "Choose 2 to 5 states with figures in this release: ?state=CA&state=TX\n",
            content_type="text/plain; charset=utf-8",
        )
    chosen = form.cleaned_data["state"]
    table, _ = comparison_table(occupation, release, in_order_chosen(areas, chosen))
    states = "-".join(abbr.lower() for abbr in chosen)
    name = f"{occupation.slug}-{states}-{release.year}.csv"
    return csv_response(
        table, release=release, filename=name, context=occupation_context(occupation)
    )


# --- State pages -------------------------------------------------------------------------------


def state_list(request):
    areas = Area.objects.filter(type__in=[AreaType.STATE, AreaType.TERRITORY]).order_by("name")
    context = {
        "states": [area for area in areas if area.type == AreaType.STATE],
        "territories": [area for area in areas if area.type == AreaType.TERRITORY],
        "breadcrumbs": [{"label": "States"}],
    }
    return render(request, "salaries/state_list.html", context)


def _int_or(raw, default):
    try:
        return int(str(raw).strip()[:9])
    except (TypeError, ValueError):
        return default


@dataclass(frozen=True)
class StateListQuery:
    release: int | None
    release_unknown: bool
    level: str
    sort: str | None
    per_page: int
    page: int

    @classmethod
    def from_params(cls, params, releases):
        release, unknown = (
            choose_release(params.get("release"), releases) if releases else (None, False)
        )
        level = params.get("level") if params.get("level") in LEVELS else DEFAULT_LEVEL
        # The smallest offered page size that holds what was asked for, at most MAX_PER_PAGE:
        # a handful of sizes keeps the cache small and a huge number harmless.
        asked = _int_or(params.get("per_page"), DEFAULT_PER_PAGE)
        per_page = next((size for size in PER_PAGE_CHOICES if size >= asked), MAX_PER_PAGE)
        # Pages are bounded by the data too (the view clamps to the last page).
        page = min(max(_int_or(params.get("page"), 1), 1), 1_000_000)
        sort = StateOccupationTable.valid_sort(params.get("sort"))
        return cls(release, unknown, level, sort, per_page, page)

    def key_parts(self) -> tuple:
        """What a cached copy of the table depends on (the page apart): validated values."""
        return (self.release, self.release_unknown, self.level, self.sort, self.per_page)

    def params(self) -> dict:
        values = {
            "release": self.release,
            "level": None if self.level == DEFAULT_LEVEL else self.level,
            "sort": self.sort,
            "per_page": None if self.per_page == DEFAULT_PER_PAGE else self.per_page,
        }
        return {key: value for key, value in values.items() if value is not None}


def _place(area) -> str:
    # BLS names the national area "U.S."; "in the United States" reads better in a sentence.
    return "the United States" if area.type == AreaType.NATIONAL else area.name


def _state_area(abbr):
    area = _state_area_or_none(abbr) if re.fullmatch(r"[A-Za-z]{2}", abbr) else None
    if area is None:
        raise Http404("Unknown state.")
    return area


def _state_area_or_none(abbr):
    return Area.objects.by_abbreviation(abbr).first()


def _state_releases(area):
    has_data = WageEstimate.objects.filter(release=OuterRef("pk"), area=area)
    return list(Release.objects.filter(Exists(has_data)).newest_first().values_list("year", "name"))


def _state_table(area, query, *, release):
    levels = LEVELS[query.level][1]
    estimates = WageEstimate.objects.filter(
        area=area, release=release, occupation__level__in=levels
    ).select_related("occupation")
    total = list(
        WageEstimate.objects.filter(
            area=area, release=release, occupation__level=SocLevel.TOTAL
        ).select_related("occupation")
    )
    return StateOccupationTable(
        estimates,
        caption=f"{LEVELS[query.level][0]} in {_place(area)}, {release.name}",
        caption_detail=f"Source: {release.source}, {release.name}.",
        html_id="state-occupations",
        link_params=query.params(),
        reference=total,
        order_by=query.sort or StateOccupationTable._meta.order_by,
    )


def state_detail(request, abbr):
    """A state's occupations. The table (50 rows through django-tables2, tens of ms) is rendered
    once per normalised release, level, sort, page size and page, and served from the cache; a
    repeat visit costs one query, the content stamp."""
    if abbr != abbr.lower():
        url = reverse("salaries:state", kwargs={"abbr": abbr.lower()})
        query_string = request.META.get("QUERY_STRING", "")
        return redirect(f"{url}?{query_string}" if query_string else url, permanent=True)
    if not re.fullmatch(r"[a-z]{2}", abbr):
        raise Http404("Unknown state.")
    version = content_version(request)
    # The abbreviation is two lower-case letters (checked above): at most 676 keys.
    area = cached(
        "salaries:state-area", abbr, version=version, compute=lambda: _state_area_or_none(abbr)
    )
    if area is None:
        raise Http404("Unknown state.")
    releases = cached(
        "salaries:area-releases", area.pk, version=version, compute=lambda: _state_releases(area)
    )
    query = StateListQuery.from_params(request.GET, releases)
    release_name = content = ""
    if releases:
        release_name = dict(releases)[query.release]
        levels = LEVELS[query.level][1]
        count = cached(
            "salaries:area-count",
            area.pk,
            query.release,
            query.level,
            version=version,
            compute=lambda: WageEstimate.objects.filter(
                area=area, release__year=query.release, occupation__level__in=levels
            ).count(),
        )
        # A page past the end shows the last page; the key never holds more pages than exist.
        page = min(query.page, max(1, -(-count // query.per_page)))
        content = cached_fragment(
            "salaries:state-page",
            area.pk,
            *query.key_parts(),
            page,
            version=version,
            template="salaries/_state_content.html",
            context=lambda: _state_content(area, query, releases, page),
        )
    context = {
        "area": area,
        "place": _place(area),
        "release_name": release_name,
        "content": content,
        "breadcrumbs": [
            {"label": "States", "url": reverse("salaries:state-list")},
            {"label": _place(area).removeprefix("the ")},
        ],
    }
    return render(request, "salaries/state_detail.html", context)


def _state_content(area, query, releases, page) -> dict:
    release = Release.objects.get(year=query.release)
    table = _state_table(area, query, release=release)
    table.paginate(page=page, per_page=query.per_page)
    csv_url = reverse("salaries:state-csv", kwargs={"abbr": area.state_abbr.lower()})
    return {
        "area": area,
        "place": _place(area),
        "releases": releases,
        "release": release,
        "query": query,
        "table": table,
        "levels": [(key, label) for key, (label, _) in LEVELS.items()],
        "per_page_choices": PER_PAGE_CHOICES,
        "csv_url": f"{csv_url}?{urlencode(query.params())}",
    }


def state_csv(request, abbr):
    """Every row of the state's table (not only the page shown), in the order shown."""
    area = _state_area(abbr)
    releases = _state_releases(area)
    if not releases:
        raise Http404("No wage figures for this area.")
    query = StateListQuery.from_params(request.GET, releases)
    release = Release.objects.get(year=query.release)
    table = _state_table(area, query, release=release)
    name = f"{slugify(area.name)}-{query.level}-occupations-{release.year}.csv"
    return csv_response(table, release=release, filename=name)
