"""Tables of the browse pages: SOC groups and occupations with their U.S. median wage.

Rows are Occupations annotated by salaries.queries.with_us_wages(); each median goes through
salaries.figures.Wage, so a BLS marker reads here exactly as on a profile's salary table: a
top-coded median is "≥ $239,200", never a number we made up, and an occupation BLS pays by the
hour only shows its hourly median rather than no wage at all.
"""

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html

from careers.tables import AccessibleTable
from salaries.figures import COUNT, NO_ESTIMATE, Figure, Wage

NUMERIC = {"th": {"class": "num"}, "td": {"class": "num"}}


def annotated_wage(record) -> Wage:
    """The U.S. median of an Occupation annotated by with_us_wages()."""
    if record.us_median_status is None:
        return NO_ESTIMATE
    return Wage.from_values(
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


def employment_text(record) -> str:
    figure = employment_figure(record)
    return figure.text() if figure else NO_ESTIMATE.text


def code(record):
    """The SOC code again under the title, for phones, where the SOC code column is hidden."""
    return format_html('<span class="cell-code">{}</span>', record.soc_code)


class MedianColumn(tables.Column):
    def __init__(self, verbose_name="Median annual wage", **kwargs):
        super().__init__(verbose_name, accessor="us_median_low", empty_values=(), attrs=NUMERIC)

    def render(self, record):
        return annotated_wage(record).html()

    def note(self, record):
        return annotated_wage(record).note

    def order(self, queryset, is_descending):
        return nulls_last(queryset, "us_median_low", is_descending), True


class EmploymentColumn(tables.Column):
    def __init__(self, verbose_name="Employment", **kwargs):
        super().__init__(verbose_name, accessor="us_employment", empty_values=(), attrs=NUMERIC)

    def render(self, record):
        figure = employment_figure(record)
        return figure.html() if figure else NO_ESTIMATE.html()

    def note(self, record):
        figure = employment_figure(record)
        return figure.note if figure else NO_ESTIMATE.note

    def order(self, queryset, is_descending):
        return nulls_last(queryset, "us_employment", is_descending), True


def nulls_last(queryset, name, is_descending):
    order = F(name).desc(nulls_last=True) if is_descending else F(name).asc(nulls_last=True)
    # A stable second key, so that pages never repeat or skip a row with an equal figure.
    return queryset.order_by(order, "soc_code")


class OccupationTable(AccessibleTable):
    """Detailed occupations of a SOC group, with written profiles marked."""

    row_headers = False

    title = tables.Column("Occupation", order_by=("title", "soc_code"))
    soc_code = tables.Column(
        "SOC code", order_by=("soc_code",), attrs={"th": {"class": "code"}, "td": {"class": "code"}}
    )
    median = MedianColumn()
    employment = EmploymentColumn()

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


class MajorGroupTable(AccessibleTable):
    """The SOC major groups, each linking to its page."""

    row_headers = False

    title = tables.Column("Group", order_by=("title",))
    soc_code = tables.Column(
        "SOC code", order_by=("soc_code",), attrs={"th": {"class": "code"}, "td": {"class": "code"}}
    )
    median = MedianColumn()
    employment = EmploymentColumn()
    occupation_count = tables.Column("Occupations", attrs=NUMERIC)

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
