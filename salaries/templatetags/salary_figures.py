"""How one BLS figure is shown: a formatted number, or its marker told honestly.

The same Figure gives the HTML of a table cell (with the reason on hover and in text for screen
readers), the text of a CSV cell (BLS's own markers: *, **, #) and the footnote that explains it.
Tables, the map, the compare page and the CSV downloads all go through here, so a marker is
never shown one way on a page and another in its download.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.utils.html import format_html

from salaries.models import FigureStatus

register = template.Library()

# BLS top-codes wages from May 2023 on at $115.00 an hour and $239,200 a year ("#").
TOP_CODE_HOURLY = Decimal("115.00")
TOP_CODE_ANNUAL = 239_200

ANNUAL = "annual"
HOURLY = "hourly"
COUNT = "count"
# A true minus sign: screen readers say "minus" and it lines up with "+" in tables.
MINUS = "\u2212"

BLS_MARKERS = {
    FigureStatus.NOT_AVAILABLE,
    FigureStatus.EMPLOYMENT_NOT_AVAILABLE,
    FigureStatus.TOP_CODED,
}


@dataclass(frozen=True)
class Note:
    """A footnote under a table: the marker's key, its short text and what it means."""

    key: str
    label: str
    text: str


NOTES = {
    "not-available": Note(
        "not-available",
        "not released",
        "BLS did not release this wage estimate (shown as * in BLS files), usually because too "
        "few employers reported it or it did not meet BLS's standards for reliability.",
    ),
    "employment-not-available": Note(
        "employment-not-available",
        "not released",
        "BLS did not release this employment estimate (shown as ** in BLS files).",
    ),
    "top-coded": Note(
        "top-coded",
        "≥ $239,200 or ≥ $115.00",
        "BLS does not publish wages at or above $239,200 a year or $115.00 an hour; it shows "
        "them as # (at least that amount).",
    ),
    "annual-only": Note(
        "annual-only",
        "annual pay only",
        "BLS releases only annual wages for this occupation, because its workers are usually "
        "paid by the year or season rather than by the hour (teachers, for example).",
    ),
    "hourly-only": Note(
        "hourly-only",
        "hourly pay only",
        "BLS releases only hourly wages for this occupation, because its workers usually work "
        "part of the year or irregular hours (actors, for example).",
    ),
    "not-applicable": Note("not-applicable", "n/a", "Not applicable to this area."),
    "not-in-source": Note(
        "not-in-source",
        "not in source",
        "This release's source does not publish this figure.",
    ),
}


@dataclass(frozen=True)
class Figure:
    value: int | Decimal | None
    status: str
    kind: str
    annual_only: bool = False
    hourly_only: bool = False

    @classmethod
    def of(cls, record, field: str, kind: str) -> "Figure":
        return cls(
            getattr(record, field),
            getattr(record, f"{field}_status"),
            kind,
            annual_only=getattr(record, "annual_only", False),
            hourly_only=getattr(record, "hourly_only", False),
        )

    @property
    def available(self) -> bool:
        return self.status == FigureStatus.AVAILABLE and self.value is not None

    @property
    def top_coded(self) -> bool:
        return self.status == FigureStatus.TOP_CODED

    @property
    def note(self) -> Note | None:
        """The footnote that explains this figure, or None for a plain number."""
        if self.available:
            return None
        if self.status == FigureStatus.TOP_CODED:
            return NOTES["top-coded"]
        if self.status == FigureStatus.NOT_AVAILABLE:
            # BLS writes * in the hourly columns of annual-only occupations and the reverse.
            if self.kind == HOURLY and self.annual_only:
                return NOTES["annual-only"]
            if self.kind == ANNUAL and self.hourly_only:
                return NOTES["hourly-only"]
            return NOTES["not-available"]
        if self.status == FigureStatus.EMPLOYMENT_NOT_AVAILABLE:
            return NOTES["employment-not-available"]
        if self.status == FigureStatus.NOT_APPLICABLE:
            return NOTES["not-applicable"]
        return NOTES["not-in-source"]

    def number_text(self) -> str:
        return format_number(self.value, self.kind)

    def text(self) -> str:
        """What a reader sees, as plain text: $53,740, ≥ $239,200, not released."""
        if self.available:
            return self.number_text()
        if self.top_coded:
            return "≥ " + format_number(top_code(self.kind), self.kind)
        return self.note.label

    def csv(self) -> str:
        """The CSV cell: the bare number, or BLS's own marker."""
        if self.available:
            return str(self.value)
        if self.status in BLS_MARKERS:
            return self.status
        # BLS leaves a cell empty when a figure does not apply; so do we, and for figures the
        # source does not publish at all.
        return ""

    def html(self):
        if self.available:
            return self.number_text()
        note = self.note
        return format_html(
            '<span class="marker marker-{}" title="{}">{}<span class="visually-hidden"> ({})'
            "</span></span>",
            note.key,
            note.text,
            self.text(),
            note.text,
        )

    def __str__(self):
        return self.text()


def top_code(kind: str):
    return TOP_CODE_HOURLY if kind == HOURLY else TOP_CODE_ANNUAL


def format_number(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == HOURLY:
        return f"${Decimal(value):,.2f}"
    if kind == ANNUAL:
        return f"${int(value):,}"
    return f"{int(value):,}"


def difference(figure: Figure, reference: Figure):
    """figure minus reference in $ and %, or None when either is a marker (no invented gap)."""
    if not (figure.available and reference.available) or not reference.value:
        return None
    delta = figure.value - reference.value
    percent = Decimal(delta) * 100 / Decimal(reference.value)
    sign = "+" if delta > 0 else MINUS if delta < 0 else "±"
    amount = format_number(abs(delta), figure.kind)
    return f"{sign}{amount} ({sign}{abs(percent):.1f}%)"


@register.filter
def figure_html(figure: Figure):
    return figure.html()
