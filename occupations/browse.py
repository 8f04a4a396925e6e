"""Browse every occupation: /occupations/ (the SOC major groups and the written profiles) and
/occupations/groups/<major group code>/ (its minor and broad groups down to each occupation).

Every figure is the newest release's U.S. estimate, read in the same query as the rows
(OccupationQuerySet.with_us_wages), so the number of queries does not grow with the rows.
"""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django_tables2 import RequestConfig

from occupations.filters import OccupationFilterForm
from occupations.models import Occupation, SocLevel
from occupations.tables import (
    MajorGroupTable,
    OccupationTable,
    WageFigure,
    annotated_wage,
    employment_text,
)
from salaries.models import Release

PER_PAGE = 25
MIN_PER_PAGE = 10
MAX_PER_PAGE = 100
GROUP_LEVELS = (SocLevel.MAJOR, SocLevel.MINOR, SocLevel.BROAD)


def group_url(code: str) -> str:
    return reverse("occupations:group", kwargs={"code": code})


def paginate(table, request) -> None:
    """Paginate with a capped ?per_page=; a page out of range shows the nearest one."""
    try:
        per_page = int(request.GET.get("per_page", PER_PAGE))
    except ValueError:
        per_page = PER_PAGE
    per_page = min(max(per_page, MIN_PER_PAGE), MAX_PER_PAGE)
    try:
        table.paginate(page=request.GET.get("page") or 1, per_page=per_page)
    except PageNotAnInteger:
        table.paginate(page=1, per_page=per_page)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, per_page=per_page)


@dataclass
class GroupSummary:
    """One SOC group as the pages list it."""

    code: str
    title: str
    level: str
    url: str
    median: WageFigure | None
    employment: str
    occupation_count: int
    children: list["GroupSummary"] = field(default_factory=list)


def summarise(group, url: str) -> GroupSummary:
    return GroupSummary(
        code=group.soc_code,
        title=group.title,
        level=group.level,
        url=url,
        median=annotated_wage(group),
        employment=employment_text(group.us_employment, group.us_employment_status),
        occupation_count=group.occupation_count,
    )


def outline(major, subgroups) -> list[GroupSummary]:
    """Minor groups, each with its broad groups, in SOC order; each links to the filtered table."""
    base = group_url(major.soc_code)
    minors: list[GroupSummary] = []
    for group in subgroups:
        summary = summarise(group, f"{base}?{urlencode({'group': group.soc_code})}#occupations")
        if group.level == SocLevel.MINOR or not minors:
            minors.append(summary)
        else:
            minors[-1].children.append(summary)
    return minors


def browse_index(request):
    release = Release.objects.newest_first().first()
    groups = Occupation.objects.major_groups().with_us_wages().with_occupation_count()
    table = MajorGroupTable(groups, group_url=group_url)
    table.caption = "SOC major groups"
    table.caption_detail = (
        f"U.S. median annual wage and employment, {release.name}" if release else ""
    )
    RequestConfig(request, paginate=False).configure(table)
    profiles = Occupation.objects.with_profile().with_us_wages().order_by("title")
    profile_cards = [(profile, annotated_wage(profile)) for profile in profiles]
    return render(
        request,
        "occupations/browse.html",
        {
            "table": table,
            "profiles": profile_cards,
            "release": release,
            "breadcrumbs": [{"label": "Occupations"}],
        },
    )


def group_page(request, code):
    group = get_object_or_404(
        Occupation.objects.with_us_wages().with_occupation_count(),
        soc_code=code,
        level__in=GROUP_LEVELS,
    )
    if group.level != SocLevel.MAJOR:
        # Minor and broad groups are shown as a filter of their major group's page.
        major_url = group_url(f"{code[:2]}-0000")
        return redirect(f"{major_url}?{urlencode({'group': code})}#occupations")
    release = Release.objects.newest_first().first()
    subgroups = list(
        Occupation.objects.within_group(code)
        .filter(level__in=[SocLevel.MINOR, SocLevel.BROAD])
        .with_us_wages()
        .with_occupation_count()
        .order_by("soc_code")
    )
    form = OccupationFilterForm(request.GET, major=group, subgroups=subgroups)
    rows = form.filter(
        Occupation.objects.within_group(code).filter(level=SocLevel.DETAILED).with_us_wages()
    )
    table = OccupationTable(rows)
    table.caption = f"Occupations in {group.title}"
    RequestConfig(request, paginate=False).configure(table)
    paginate(table, request)
    count = table.paginator.count
    detail = [f"{count} occupation{'' if count == 1 else 's'}", form.summary()]
    if release:
        detail.append(f"U.S. median annual wage and employment, {release.name}")
    table.caption_detail = " · ".join(part for part in detail if part)
    return render(
        request,
        "occupations/browse_group.html",
        {
            "group": summarise(group, group_url(code)),
            "outline": outline(group, subgroups),
            "form": form,
            "table": table,
            "release": release,
            "breadcrumbs": [
                {"label": "Occupations", "url": reverse("occupations:list")},
                {"label": group.title},
            ],
        },
    )
