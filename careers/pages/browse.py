"""Browse every occupation: /occupations/ (the SOC major groups and the written profiles) and
/occupations/groups/<major group code>/ (its minor and broad groups down to each occupation).

A group's browse page is its one page (occupations.models.soc_group_url): the address made from
its slug, /occupations/<slug>/, and the codes of minor and broad groups redirect to it.

Each builder takes the request's parameters, validates them, and returns the template context.
Every figure is the newest release's U.S. estimate, read in the same query as the rows
(salaries.queries.with_us_wages), so the number of queries does not grow with the rows.
"""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.urls import reverse
from django.utils.http import urlencode

from careers.cache import cached
from careers.pages.filters import OccupationFilterForm
from careers.pages.tables import (
    MajorGroupTable,
    OccupationTable,
    annotated_wage,
    employment_text,
)
from occupations.models import GROUP_LEVELS, Occupation, SocLevel, soc_group_url
from salaries.figures import Wage
from salaries.models import Release
from salaries.queries import with_us_wages

PER_PAGE = 25
MIN_PER_PAGE = 10
MAX_PER_PAGE = 100
# The parameters of a group's page that still mean something when a minor or broad group's code
# is sent to its major group's page: the filters, the order and the page size.
KEPT_ON_REDIRECT = ("min", "max", "sort", "per_page")


def group_url(code: str) -> str:
    return reverse("occupations:group", kwargs={"code": code})


def filtered_group_url(code: str, params) -> str:
    """The major group's page filtered to the minor or broad group `code`, keeping the filters,
    the order and the page size asked for (validated there, as any request's are)."""
    kept = [(name, params[name]) for name in KEPT_ON_REDIRECT if params.get(name)]
    query = urlencode([("group", code), *kept])
    return f"{group_url(f'{code[:2]}-0000')}?{query}#occupations"


def group_address(slug: str, *, version: int) -> str | None:
    """Where the occupation with this slug lives if it is a SOC group (its browse page), "" if
    it is not a group, None if no occupation has this slug. Remembered per content version for
    slugs that exist only (cached() never stores None), like the profile's own lookup."""

    def compute():
        row = Occupation.objects.filter(slug=slug).values_list("soc_code", "level").first()
        if row is None:
            return None
        code, level = row
        return soc_group_url(code, level) if level in GROUP_LEVELS and code else ""

    return cached("pages:group-address", slug, version=version, compute=compute)


def _whole_number(raw, default: int) -> int:
    try:
        return int(str(raw).strip()[:9])
    except (TypeError, ValueError):
        return default


def per_page(params) -> int:
    """?per_page=, capped: between MIN_PER_PAGE and MAX_PER_PAGE."""
    asked = _whole_number(params.get("per_page", PER_PAGE), PER_PAGE)
    return min(max(asked, MIN_PER_PAGE), MAX_PER_PAGE)


def paginate(table, params) -> None:
    """Paginate with a capped ?per_page=; a page out of range shows the nearest one."""
    per_page_ = per_page(params)
    try:
        table.paginate(page=params.get("page") or 1, per_page=per_page_)
    except PageNotAnInteger:
        table.paginate(page=1, per_page=per_page_)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, per_page=per_page_)


@dataclass
class GroupSummary:
    """One SOC group as the pages list it."""

    code: str
    title: str
    level: str
    url: str
    median: Wage
    employment: str
    occupation_count: int
    children: list["GroupSummary"] = field(default_factory=list)
    slug: str = ""


def summarise(group, url: str) -> GroupSummary:
    return GroupSummary(
        code=group.soc_code,
        title=group.title,
        slug=group.slug,
        level=group.level,
        url=url,
        median=annotated_wage(group),
        employment=employment_text(group),
        occupation_count=group.occupation_count,
    )


def outline(major, subgroups) -> list[GroupSummary]:
    """Minor groups, each with its broad groups, in SOC order; each links to the filtered table."""
    minors: list[GroupSummary] = []
    for group in subgroups:
        summary = summarise(group, soc_group_url(group.soc_code, group.level))
        if group.level == SocLevel.MINOR or not minors:
            minors.append(summary)
        else:
            minors[-1].children.append(summary)
    return minors


def browse_index(params) -> dict:
    release = Release.objects.newest_with_figures()
    groups = with_us_wages(Occupation.objects.major_groups()).with_occupation_count()
    table = MajorGroupTable(
        groups,
        group_url=group_url,
        caption="SOC major groups",
        caption_detail=f"U.S. median annual wage and employment, {release.name}" if release else "",
        html_id="major-groups",
        link_params={},
        order_by=MajorGroupTable.valid_sort(params.get("sort")) or MajorGroupTable._meta.order_by,
    )
    profiles = with_us_wages(Occupation.objects.with_profile()).order_by("title")
    return {
        "table": table,
        "profiles": [(profile, annotated_wage(profile)) for profile in profiles],
        "release": release,
        "breadcrumbs": [{"label": "Occupations"}],
    }


def major_group(code):
    """The SOC group with this code, with its U.S. figures; None when there is none."""
    queryset = with_us_wages(Occupation.objects.filter(soc_code=code, level__in=GROUP_LEVELS))
    return queryset.with_occupation_count().first()


def group_page(group, params) -> dict:
    """The page of a major group: its minor and broad groups, and its occupations filtered."""
    code = group.soc_code
    release = Release.objects.newest_with_figures()
    subgroups = list(
        with_us_wages(
            Occupation.objects.within_group(code).filter(level__in=[SocLevel.MINOR, SocLevel.BROAD])
        )
        .with_occupation_count()
        .order_by("soc_code")
    )
    form = OccupationFilterForm(params, major=group, subgroups=subgroups)
    rows = form.filter(
        with_us_wages(Occupation.objects.within_group(code).filter(level=SocLevel.DETAILED))
    )
    sort = OccupationTable.valid_sort(params.get("sort"))
    # Sort and page links keep the filters and the page size, as validated.
    link_params = form.params()
    if per_page(params) != PER_PAGE:
        link_params["per_page"] = per_page(params)
    table = OccupationTable(
        rows,
        caption=f"Occupations in {group.title}",
        html_id="occupation-table",
        link_params={**link_params, "sort": sort},
        link_anchor="occupations",
        order_by=sort or OccupationTable._meta.order_by,
    )
    paginate(table, params)
    count = table.paginator.count
    detail = [f"{count} occupation{'' if count == 1 else 's'}", form.summary()]
    if release:
        detail.append(f"U.S. median annual wage and employment, {release.name}")
    table.caption_detail = " · ".join(part for part in detail if part)
    return {
        "group": summarise(group, group_url(code)),
        "outline": outline(group, subgroups),
        "form": form,
        "table": table,
        "sort": sort,
        "release": release,
        "breadcrumbs": [
            {"label": "Occupations", "url": reverse("occupations:list")},
            {"label": group.title},
        ],
    }
