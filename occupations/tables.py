"""Tables of the browse pages, and how a U.S. wage or employment figure is shown in them.

Figures go through salaries' Figure, as every other table on the site does, so a BLS marker
reads the same here as on a profile's salary table: a top-coded median is "≥ $239,200", never a
number we made up. One addition for lists that have room for a single wage: an occupation that
BLS pays by the hour only shows its hourly median rather than no wage at all.
"""

from dataclasses import dataclass

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html

from salaries.templatetags.salary_figures import ANNUAL, COUNT, HOURLY, NOTES, Figure


@dataclass(frozen=True)
class WageFigure:
    """A U.S. median wage: the annual figure, or the hourly one where BLS publishes only that."""

    annual: Figure
    hourly: Figure

    @property
    def hourly_instead(self) -> bool:
        return not self.annual.available and self.annual.hourly_only and self.hourly.available

    @property
    def text(self) -> str:
        if self.hourly_instead:
            return f"{self.hourly.text()} an hour"
        return self.annual.text()

    @property
    def note(self):
        """The footnote that explains the figure, or None for a plain annual number."""
        return NOTES["hourly-only"] if self.hourly_instead else self.annual.note

    def html(self):
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
        if self.annual.available:
            return format_html("{} a year", self.annual.text())
        return self.html()

    def __str__(self):
        return self.text


def _wage(annual, annual_status, hourly, hourly_status, annual_only, hourly_only) -> WageFigure:
    flags = {"annual_only": bool(annual_only), "hourly_only": bool(hourly_only)}
    return WageFigure(
        Figure(annual, annual_status, ANNUAL, **flags),
        Figure(hourly, hourly_status, HOURLY, **flags),
    )


def wage_figure(row: dict) -> WageFigure:
    """The median of a search row (salaries_wageestimate columns)."""
    return _wage(
        row["annual_median"],
        row["annual_median_status"],
        row["hourly_median"],
        row["hourly_median_status"],
        row["annual_only"],
        row["hourly_only"],
    )


def annotated_wage(record) -> WageFigure | None:
    """The median of an Occupation annotated by OccupationQuerySet.with_us_wages()."""
    if record.us_median_status is None:
        return None
    return _wage(
        record.us_median,
        record.us_median_status,
        record.us_hourly_median,
        record.us_hourly_median_status,
        record.us_annual_only,
        record.us_hourly_only,
    )


def employment_figure(record) -> Figure | None:
    if record.us_employment_status is None:
        return None
    return Figure(record.us_employment, record.us_employment_status, COUNT)


def employment_text(value, status) -> str:
    if status is None:
        return "No BLS data"
    return Figure(value, status, COUNT).text()


def no_data():
    return format_html('<span class="marker">{}</span>', "No BLS data")


def code(record):
    """The SOC code again under the title, for phones, where the SOC code column is hidden."""
    return format_html('<span class="cell-code">{}</span>', record.soc_code)


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
        figure = employment_figure(record)
        return figure.html() if figure else no_data()

    @property
    def notes(self):
        """Footnotes for the markers on the rows shown (the table template lists them)."""
        found = {}
        for row in self.paginated_rows:
            for figure in (annotated_wage(row.record), employment_figure(row.record)):
                if figure is not None and figure.note is not None:
                    found.setdefault(figure.note.key, figure.note)
        return list(found.values())

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
    soc_code = tables.Column(
        "SOC code", order_by=("soc_code",), attrs={"th": {"class": "code"}, "td": {"class": "code"}}
    )

    class Meta:
        sequence = ("title", "soc_code", "median", "employment")
        order_by = ("soc_code",)
        empty_text = "No occupation matches these filters."
        attrs = {"class": "data-table browse-table"}

    def render_title(self, record):
        badge = (
            format_html(' <span class="badge">{}</span>', "Written profile")
            if record.has_profile
            else ""
        )
        return format_html(
            '<a href="{}">{}</a>{}{}', record.get_absolute_url(), record.title, badge, code(record)
        )


class MajorGroupTable(FigureColumns):
    """The SOC major groups, each linking to its page."""

    title = tables.Column("Group", order_by=("title",))
    soc_code = tables.Column(
        "SOC code", order_by=("soc_code",), attrs={"th": {"class": "code"}, "td": {"class": "code"}}
    )
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
        return format_html(
            '<a href="{}">{}</a>{}', self.group_url(record.soc_code), record.title, code(record)
        )
