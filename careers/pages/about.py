"""/about/data/: every source and release the site shows, and what BLS's markers mean.

Built from the database where the site records what it loaded (the OEWS releases and how many
occupations each covers, the O*NET and Employment Projections files), so the page names the
releases actually in use; the two sources that are not loaded as releases (the SOC 2018 codes
that every import follows, and BEA's price parities) are described here. Markers are worded by
salaries.figures, as on every table.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse

from careers.cache import cached, content_version
from occupations.models import DataPart, DataSource, ProjectionRelease
from occupations.onet import attribution
from salaries.figures import CSV_STATUS, NOTES
from salaries.models import FigureStatus, Release

# What BLS's own files hold for each note: its sign where it has one, else in words.
BLS_MARKS = {
    "not-available": "*",
    "employment-not-available": "**",
    "top-coded": "#",
    "annual-only": "*",
    "hourly-only": "*",
    "not-applicable": "an empty cell",
    "not-in-source": "no such column",
    "no-estimate": "no row",
}
# What a download's status column holds for each note (salaries.figures.CSV_STATUS).
CSV_MARKS = {
    "not-available": CSV_STATUS[FigureStatus.NOT_AVAILABLE],
    "employment-not-available": CSV_STATUS[FigureStatus.EMPLOYMENT_NOT_AVAILABLE],
    "top-coded": CSV_STATUS[FigureStatus.TOP_CODED],
    "annual-only": CSV_STATUS[FigureStatus.NOT_AVAILABLE],
    "hourly-only": CSV_STATUS[FigureStatus.NOT_AVAILABLE],
    "not-applicable": CSV_STATUS[FigureStatus.NOT_APPLICABLE],
    "not-in-source": CSV_STATUS[FigureStatus.NOT_IN_SOURCE],
    "no-estimate": "no row",
}
# Signs are shown as code; words as words.
SIGNS = {"*", "**", "#"}


@dataclass(frozen=True)
class OewsRelease:
    name: str
    citation: str
    published_on: object
    occupations: int


@dataclass(frozen=True)
class LoadedRelease:
    label: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Marker:
    label: str
    text: str
    bls: str
    csv: str

    @property
    def bls_is_sign(self) -> bool:
        return self.bls in SIGNS

    @property
    def csv_is_sign(self) -> bool:
        return self.csv in SIGNS


def _sources() -> dict:
    oews = [
        OewsRelease(release.name, release.citation, release.published_on, release.occupations)
        for release in Release.objects.annotate(
            occupations=Count("estimates__occupation", distinct=True)
        )
        .filter(occupations__gt=0)
        .newest_first()
    ]
    loaded: dict[tuple[str, str], list[DataPart]] = {}
    for part in DataPart.objects.order_by("source", "-release", "part"):
        loaded.setdefault((part.source, part.release), []).append(part)
    onet = [
        LoadedRelease(parts[0].label, tuple(part.part for part in parts))
        for (source, _), parts in loaded.items()
        if source == DataSource.ONET
    ]
    projections = [
        LoadedRelease(parts[0].label, tuple(part.part for part in parts))
        for (source, _), parts in loaded.items()
        if source == DataSource.BLS_PROJECTIONS
    ]
    editions = list(ProjectionRelease.objects.values_list("base_year", "target_year"))
    return {
        "oews": oews,
        "newest": oews[0] if oews else None,
        "onet": onet,
        "onet_attribution": attribution(),
        "projections": projections,
        "projection_editions": [f"{base}-{target % 100:02d}" for base, target in editions],
    }


def markers() -> list[Marker]:
    return [
        Marker(note.label, note.text, BLS_MARKS[key], CSV_MARKS[key]) for key, note in NOTES.items()
    ]


def about_data(request):
    sources = cached("pages:about-sources", version=content_version(request), compute=_sources)
    context = {
        **sources,
        "markers": markers(),
        "breadcrumbs": [{"label": "About the data"}],
        "states_url": reverse("salaries:state-list"),
    }
    return render(request, "careers/about_data.html", context)
