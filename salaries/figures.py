"""The figures vocabulary: how one BLS figure is shown, what its marker means, and how two
figures differ. Every page, table, map, card and CSV of the site speaks through here, so a BLS
marker is worded one way everywhere and a top-coded wage is never shown as a number.

- Figure: one published figure (a value and its status) of a given kind (annual, hourly, count).
- Wage: an occupation's median pay as a list with room for one figure shows it: the annual
  median, or the hourly one where BLS publishes only hourly wages; or no estimate at all.
- Difference: one figure minus another, exact or "at least" when one side is top-coded, with
  two renderings: signed ("+$10,670 (+20.9%)") for tables, in words ("$4,500 more") for cards.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html

from salaries.models import TOP_CODE_ANNUAL, TOP_CODE_HOURLY, FigureStatus

ANNUAL = "annual"
HOURLY = "hourly"
COUNT = "count"
# A true minus sign: screen readers say "minus" and it lines up with "+" in tables.
MINUS = "\u2212"

# What a CSV status cell holds for each status. BLS's markers are written as BLS writes them;
# the statuses BLS has no marker for get a word, because "-" and "?" read as formulas or noise.
CSV_STATUS = {
    FigureStatus.NOT_AVAILABLE: "*",
    FigureStatus.EMPLOYMENT_NOT_AVAILABLE: "**",
    FigureStatus.TOP_CODED: "#",
    FigureStatus.NOT_APPLICABLE: "not applicable",
    FigureStatus.NOT_IN_SOURCE: "not in source",
}


def format_number(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == HOURLY:
        return f"${Decimal(value):,.2f}"
    if kind == ANNUAL:
        return f"${int(value):,}"
    return f"{int(value):,}"


def top_code(kind: str):
    return TOP_CODE_HOURLY if kind == HOURLY else TOP_CODE_ANNUAL


@dataclass(frozen=True)
class Note:
    """A footnote under a table: the marker's key, its short text and what it means. `order`
    keeps footnotes in one fixed order whatever the table."""

    key: str
    label: str
    text: str
    order: int = 0


ANNUAL_TOP = format_number(TOP_CODE_ANNUAL, ANNUAL)
HOURLY_TOP = format_number(TOP_CODE_HOURLY, HOURLY)

# (key, short label, what it means), in the order footnotes are listed.
_NOTES = [
    (
        "not-available",
        "not released",
        "BLS did not release this wage estimate (shown as * in BLS files), usually because too "
        "few employers reported it or it did not meet BLS's standards for reliability.",
    ),
    (
        "employment-not-available",
        "not released",
        "BLS did not release this employment estimate (shown as ** in BLS files).",
    ),
    (
        "top-coded",
        f"≥ {ANNUAL_TOP} or ≥ {HOURLY_TOP}",
        f"BLS does not publish wages at or above {ANNUAL_TOP} a year or {HOURLY_TOP} an hour; it "
        "shows them as # (at least that amount).",
    ),
    (
        "annual-only",
        "annual pay only",
        "BLS releases only annual wages for this occupation, because its workers are usually "
        "paid by the year or season rather than by the hour (teachers, for example).",
    ),
    (
        "hourly-only",
        "hourly pay only",
        "BLS releases only hourly wages for this occupation, because its workers usually work "
        "part of the year or irregular hours (actors, for example).",
    ),
    ("not-applicable", "n/a", "Not applicable to this area."),
    ("not-in-source", "not in source", "This release's source does not publish this figure."),
    (
        "no-estimate",
        "No BLS estimate",
        "BLS publishes no estimate for this occupation in this release.",
    ),
]
NOTES = {key: Note(key, label, text, order) for order, (key, label, text) in enumerate(_NOTES)}


def marker_html(note: Note, text: str):
    """A marker as a reader meets it: the short text, the reason on hover and for screen
    readers."""
    return format_html(
        '<span class="marker marker-{}" title="{}">{}<span class="visually-hidden"> ({})'
        "</span></span>",
        note.key,
        note.text,
        text,
        note.text,
    )


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

    @property
    def lower_bound(self):
        """The least the figure can be: its value, or the top code when it is top-coded."""
        if self.available:
            return self.value
        if self.top_coded:
            return top_code(self.kind)
        return None

    def number_text(self) -> str:
        return format_number(self.value, self.kind)

    def text(self) -> str:
        """What a reader sees, as plain text: $53,740, ≥ $239,200, not released."""
        if self.available:
            return self.number_text()
        if self.top_coded:
            return "≥ " + format_number(top_code(self.kind), self.kind)
        return self.note.label

    def csv_number(self):
        """The figure as a number for a CSV cell: the value BLS released, or None (an empty
        cell) when there is none; csv_status() then says why."""
        return self.value if self.available else None

    def csv_status(self) -> str:
        """The CSV status cell beside the number: empty for a number, BLS's own marker where
        BLS has one (* not released, ** employment not released, # top-coded), else a word."""
        if self.available:
            return ""
        return CSV_STATUS.get(self.status, CSV_STATUS[FigureStatus.NOT_IN_SOURCE])

    def html(self):
        if self.available:
            return self.number_text()
        return marker_html(self.note, self.text())

    def __str__(self):
        return self.text()


@dataclass(frozen=True)
class Difference:
    """`figure` minus `reference`: exact when both are numbers; only a bound ("at least") when
    one of them is top-coded; None (see between()) when either was not released."""

    amount: int | Decimal
    kind: str
    percent: Decimal | None = None
    # "more" or "less" when only a bound is known: the gap is at least `amount` that way.
    at_least: str = ""

    @classmethod
    def between(cls, figure: Figure, reference: Figure) -> "Difference | None":
        if figure.available and reference.available:
            delta = figure.value - reference.value
            percent = Decimal(delta) * 100 / Decimal(reference.value) if reference.value else None
            return cls(delta, figure.kind, percent)
        if figure.top_coded and reference.available:
            return cls(top_code(figure.kind) - reference.value, figure.kind, at_least="more")
        if reference.top_coded and figure.available:
            return cls(figure.value - top_code(figure.kind), figure.kind, at_least="less")
        return None

    @property
    def exact(self) -> bool:
        return not self.at_least

    def signed(self) -> str:
        """For a table cell: "+$10,670 (+20.9%)", "±$0 (±0.0%)", a true minus sign below zero."""
        sign = "+" if self.amount > 0 else MINUS if self.amount < 0 else "±"
        amount = format_number(abs(self.amount), self.kind)
        if self.percent is None:
            return f"{sign}{amount}"
        return f"{sign}{amount} ({sign}{abs(self.percent):.1f}%)"

    def csv_amount(self):
        """For a CSV cell: the signed amount as a number (-3000, 1.44), or None when the
        difference is only a bound."""
        return self.amount if self.exact else None

    def csv_percent(self):
        """For a CSV cell: the signed percentage to one decimal as the page shows it (-4.0), or
        None when there is no exact percentage."""
        if not self.exact or self.percent is None:
            return None
        rounded = Decimal(self.percent).quantize(Decimal("0.1"))
        # -0.04% rounds to "-0.0", which the page shows as ±0.0%: a plain zero in a file.
        return rounded if rounded else Decimal("0.0")

    def words(self) -> str:
        """For a sentence: "$4,500 more", "$3,000 less", "The same", "At least $39,200 less"."""
        amount = format_number(abs(self.amount), self.kind)
        if self.at_least:
            return f"At least {amount} {self.at_least}"
        if self.amount == 0:
            return "The same"
        return f"{amount} {'more' if self.amount > 0 else 'less'}"


@dataclass(frozen=True)
class Wage:
    """An occupation's median pay where a list has room for one figure: the annual median, or
    the hourly median where BLS publishes only hourly wages; `found` is False when BLS has no
    estimate for the occupation at all."""

    annual: Figure
    hourly: Figure
    found: bool = True

    @classmethod
    def of(cls, record) -> "Wage":
        """From a WageEstimate, or any object with its median and flag attributes."""
        return cls(
            Figure.of(record, "annual_median", ANNUAL), Figure.of(record, "hourly_median", HOURLY)
        )

    @classmethod
    def from_values(cls, annual, annual_status, hourly, hourly_status, annual_only, hourly_only):
        flags = {"annual_only": bool(annual_only), "hourly_only": bool(hourly_only)}
        return cls(
            Figure(annual, annual_status, ANNUAL, **flags),
            Figure(hourly, hourly_status, HOURLY, **flags),
        )

    @property
    def hourly_instead(self) -> bool:
        return (
            self.found
            and not self.annual.available
            and self.annual.hourly_only
            and self.hourly.available
        )

    @property
    def note(self) -> Note | None:
        """The footnote that explains the figure, or None for a plain annual number."""
        if not self.found:
            return NOTES["no-estimate"]
        return NOTES["hourly-only"] if self.hourly_instead else self.annual.note

    @property
    def text(self) -> str:
        if not self.found:
            return NOTES["no-estimate"].label
        if self.hourly_instead:
            return f"{self.hourly.text()} an hour"
        return self.annual.text()

    def html(self):
        if not self.found:
            return format_html('<span class="marker">{}</span>', self.text)
        if self.hourly_instead:
            note = self.note
            return format_html(
                '{} an hour <span class="marker marker-{}" title="{}">({})<span '
                'class="visually-hidden">: {}</span></span>',
                self.hourly.text(),
                note.key,
                note.text,
                note.label,
                note.text,
            )
        return self.annual.html()

    def html_with_unit(self):
        """For a line of text rather than a column headed "annual": "$51,140 a year"."""
        if self.found and self.annual.available:
            return format_html("{} a year", self.annual.text())
        return self.html()

    def difference_from(self, base: "Wage") -> Difference | None:
        """This median minus `base`'s, in annual terms; None when either has no annual figure
        to compare (an hourly-only wage is not turned into an annual one)."""
        if not (self.found and base.found):
            return None
        return Difference.between(self.annual, base.annual)

    def __str__(self):
        return self.text


NO_ESTIMATE = Wage(
    Figure(None, FigureStatus.NOT_IN_SOURCE, ANNUAL),
    Figure(None, FigureStatus.NOT_IN_SOURCE, HOURLY),
    found=False,
)
