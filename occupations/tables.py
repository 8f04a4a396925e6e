"""Tables of the browse pages, and how a U.S. wage or employment figure is shown in them.

Figures come from BLS with markers instead of numbers where BLS published none; they are shown
as BLS means them, never as a number we made up: a top-coded median reads "≥ $239,200", an
occupation paid by the hour only shows its hourly median, and a missing one says so.
"""

from dataclasses import dataclass
from decimal import Decimal

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html

from salaries.models import FigureStatus

TOP_CODE_ANNUAL = 239_200


@dataclass(frozen=True)
class WageFigure:
    """A U.S. median wage as BLS published it."""

    annual: int | None
    annual_status: str
    hourly: Decimal | None = None
    hourly_status: str = FigureStatus.NOT_AVAILABLE
    hourly_only: bool = False

    @property
    def text(self) -> str:
        if self.annual_status == FigureStatus.AVAILABLE and self.annual is not None:
            return f"${self.annual:,}"
        if self.annual_status == FigureStatus.TOP_CODED:
            return f"≥ ${TOP_CODE_ANNUAL:,}"
        if self.hourly_only and self.hourly_status == FigureStatus.AVAILABLE and self.hourly:
            return f"${self.hourly:,.2f} an hour"
        return "Not released"

    @property
    def note(self) -> str:
        """Why the figure is not a plain annual number; "" when it is."""
        if self.annual_status == FigureStatus.AVAILABLE and self.annual is not None:
            return ""
        if self.annual_status == FigureStatus.TOP_CODED:
            return (
                f"BLS does not publish wages at or above ${TOP_CODE_ANNUAL:,} a year; "
                "the median is at least that."
            )
        if self.hourly_only:
            return (
                "BLS releases only hourly wages for this occupation, because its workers "
                "usually work part of the year or irregular hours."
            )
        return "BLS did not release this wage estimate."

    def html(self):
        if not self.note:
            return self.text
        return format_html(
            '<span class="marker" title="{}">{}<span class="visually-hidden"> ({})</span></span>',
            self.note,
            self.text,
            self.note,
        )

    def __str__(self):
        return self.text


def wage_figure(row: dict) -> WageFigure:
    """The median of a search row (salaries_wageestimate columns)."""
    return WageFigure(
        row["annual_median"],
        row["annual_median_status"],
        row["hourly_median"],
        row["hourly_median_status"],
        bool(row["hourly_only"]),
    )


def annotated_wage(record) -> WageFigure | None:
    """The median of an Occupation annotated by OccupationQuerySet.with_us_wages()."""
    if record.us_median_status is None:
        return None
    return WageFigure(
        record.us_median,
        record.us_median_status,
        record.us_hourly_median,
        record.us_hourly_median_status,
        bool(record.us_hourly_only),
    )


def employment_text(value, status) -> str:
    if status is None:
        return "No BLS data"
    if status == FigureStatus.AVAILABLE and value is not None:
        return f"{value:,}"
    return "Not released"


def no_data():
    return format_html('<span class="marker">{}</span>', "No BLS data")


class FigureColumns(tables.Table):
    """U.S. median and employment columns; rows without figures sort last either way."""

    median = tables.Column(
        "Median annual wage",
        accessor="us_median_low",
        empty_values=(),
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )
    employment = tables.Column(
        "Employment",
        accessor="us_employment",
        empty_values=(),
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )

    def render_median(self, record):
        figure = annotated_wage(record)
        return figure.html() if figure else no_data()

    def render_employment(self, record):
        if record.us_employment_status is None:
            return no_data()
        text = employment_text(record.us_employment, record.us_employment_status)
        if record.us_employment_status == FigureStatus.AVAILABLE:
            return text
        return format_html('<span class="marker">{}</span>', text)

    def order_median(self, queryset, is_descending):
        return self._nulls_last(queryset, "us_median_low", is_descending), True

    def order_employment(self, queryset, is_descending):
        return self._nulls_last(queryset, "us_employment", is_descending), True

    @staticmethod
    def _nulls_last(queryset, name, is_descending):
        order = F(name).desc(nulls_last=True) if is_descending else F(name).asc(nulls_last=True)
        # A stable second key, so that pages never repeat or skip a row with an equal figure.
        return queryset.order_by(order, "soc_code")


class OccupationTable(FigureColumns):
    """Detailed occupations of a SOC group, with written profiles marked."""

    title = tables.Column("Occupation", order_by=("title", "soc_code"))
    soc_code = tables.Column("SOC code", order_by=("soc_code",), attrs={"td": {"class": "code"}})

    class Meta:
        sequence = ("title", "soc_code", "median", "employment")
        order_by = ("soc_code",)
        empty_text = "No occupation matches these filters."
        attrs = {"class": "data-table browse-table"}

    def render_title(self, record):
        if record.has_profile:
            return format_html(
                '<a href="{}">{}</a> <span class="badge">Written profile</span>',
                record.get_absolute_url(),
                record.title,
            )
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)


class MajorGroupTable(FigureColumns):
    """The SOC major groups, each linking to its page."""

    title = tables.Column("Group", order_by=("title",))
    soc_code = tables.Column("SOC code", order_by=("soc_code",), attrs={"td": {"class": "code"}})
    occupation_count = tables.Column(
        "Occupations", attrs={"th": {"class": "num"}, "td": {"class": "num"}}
    )

    class Meta:
        sequence = ("title", "soc_code", "median", "employment", "occupation_count")
        order_by = ("soc_code",)
        empty_text = "No wage data has been loaded yet."
        attrs = {"class": "data-table browse-table"}

    def __init__(self, *args, group_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_url = group_url

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', self.group_url(record.soc_code), record.title)
