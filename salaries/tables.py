"""Salary tables: one django-tables2 Table per listing, on the site's AccessibleTable base.

Figures go through salaries.figures.Figure, so a cell, its CSV value and its footnote always
agree. Sorting puts markers where a reader expects them: figures BLS did not
release after every number in both directions, top-coded wages (at least $239,200) above every
number.
"""

import django_tables2 as tables
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.html import format_html

from careers.tables import AccessibleTable
from salaries.figures import ANNUAL, COUNT, HOURLY, Difference, Figure
from salaries.models import AreaType, FigureStatus

NUMERIC = {"th": {"class": "num"}, "td": {"class": "num"}}


class FigureColumn(tables.Column):
    """One BLS figure of a WageEstimate, with its status; sorts numbers first, then markers."""

    empty_values = ()

    def __init__(self, verbose_name, *, field, kind, tiebreak=(), **kwargs):
        self.field = field
        self.kind = kind
        self.tiebreak = tiebreak
        kwargs.setdefault("attrs", NUMERIC)
        super().__init__(verbose_name, accessor=field, **kwargs)

    def figure(self, record) -> Figure:
        return Figure.of(record, self.field, self.kind)

    def note(self, record):
        return self.figure(record).note

    def render(self, record):
        return self.figure(record).html()

    def value(self, record):
        return self.figure(record).text()

    def csv_headers(self, header):
        # The number, then BLS's marker in a column of its own: a figure column stays numeric.
        return [header, f"{header} status"]

    def csv_values(self, record):
        figure = self.figure(record)
        return [figure.csv_number(), figure.csv_status()]

    def order(self, queryset, is_descending):
        field = self.field
        missing, top = f"_{field}_missing", f"_{field}_top"
        queryset = queryset.annotate(
            **{
                missing: Case(
                    When(
                        Q(**{f"{field}__isnull": True})
                        & ~Q(**{f"{field}_status": FigureStatus.TOP_CODED}),
                        then=Value(1),
                    ),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
                top: Case(
                    When(**{f"{field}_status": FigureStatus.TOP_CODED}, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
            }
        )
        if is_descending:
            order = [missing, F(top).desc(), F(field).desc(nulls_last=True)]
        else:
            order = [missing, top, F(field).asc(nulls_last=True)]
        return queryset.order_by(*order, *self.tiebreak), True


class StateColumn(tables.Column):
    """The state's two-letter abbreviation, as in BLS tables, linked to the state's page."""

    def __init__(self, verbose_name="State", **kwargs):
        super().__init__(verbose_name, accessor="area__name", order_by=("area__name",), **kwargs)

    def render(self, record):
        area = record.area
        url = area.get_absolute_url()
        if not url:
            return format_html('<abbr title="{}">{}</abbr>', "United States", "U.S.")
        return format_html(
            '<a href="{}"><abbr title="{}">{}</abbr></a>', url, area.name, area.state_abbr
        )

    def value(self, record):
        return "U.S." if not record.area.get_absolute_url() else record.area.state_abbr

    def csv_headers(self, header):
        return [header, f"{header} code"]

    def csv_values(self, record):
        return area_cells(record.area)


def area_cells(area) -> list[str]:
    """A state's name and code for a CSV row: "California", "CA"; the U.S. row is "United
    States", "US"."""
    if area.type == AreaType.NATIONAL:
        return ["United States", "US"]
    return [area.name, area.state_abbr]


def state_figure(verbose_name, field, kind):
    """A figure column of a table with a row per state; ties sort by state name."""
    return FigureColumn(verbose_name, field=field, kind=kind, tiebreak=("area__name",))


class StateTable(AccessibleTable):
    """A row per state, sortable by any column, in alphabetical order by default."""

    state = StateColumn()

    class Meta:
        orderable = True
        order_by = ("state",)
        empty_text = "No state figures in this release."


class StateWageTable(StateTable):
    """The profile page's table: State | Median Salary | Median Hourly | Positions."""

    annual_median = state_figure("Median Salary", "annual_median", ANNUAL)
    hourly_median = state_figure("Median Hourly", "hourly_median", HOURLY)
    employment = state_figure("Positions", "employment", COUNT)

    class Meta(StateTable.Meta):  # django-tables2 does not inherit Meta by itself
        pass


class AnnualPercentileTable(StateTable):
    annual_p10 = state_figure("10th percentile", "annual_p10", ANNUAL)
    annual_p25 = state_figure("25th percentile", "annual_p25", ANNUAL)
    annual_median = state_figure("Median", "annual_median", ANNUAL)
    annual_p75 = state_figure("75th percentile", "annual_p75", ANNUAL)
    annual_p90 = state_figure("90th percentile", "annual_p90", ANNUAL)

    class Meta(StateTable.Meta):  # django-tables2 does not inherit Meta by itself
        pass


class HourlyPercentileTable(StateTable):
    hourly_p10 = state_figure("10th percentile", "hourly_p10", HOURLY)
    hourly_p25 = state_figure("25th percentile", "hourly_p25", HOURLY)
    hourly_median = state_figure("Median", "hourly_median", HOURLY)
    hourly_p75 = state_figure("75th percentile", "hourly_p75", HOURLY)
    hourly_p90 = state_figure("90th percentile", "hourly_p90", HOURLY)

    class Meta(StateTable.Meta):  # django-tables2 does not inherit Meta by itself
        pass


class OccupationColumn(tables.Column):
    def __init__(self, verbose_name="Occupation", **kwargs):
        super().__init__(
            verbose_name,
            accessor="occupation__title",
            order_by=("occupation__title", "occupation__soc_code"),
            **kwargs,
        )

    def render(self, record):
        occupation = record.occupation
        return format_html('<a href="{}">{}</a>', occupation.get_absolute_url(), occupation.title)

    def value(self, record):
        return record.occupation.title


class StateOccupationTable(AccessibleTable):
    """A state page: every occupation BLS estimates in one state for one release."""

    title = OccupationColumn()
    soc_code = tables.Column(
        "SOC code",
        accessor="occupation__soc_code",
        order_by=("occupation__soc_code",),
        attrs={"th": {"class": "soc"}, "td": {"class": "soc"}},
    )
    # Pay first, as in every salary table of the site: on a phone it is what stays in view.
    annual_median = FigureColumn(
        "Median Salary", field="annual_median", kind=ANNUAL, tiebreak=("occupation__soc_code",)
    )
    hourly_median = FigureColumn(
        "Median Hourly", field="hourly_median", kind=HOURLY, tiebreak=("occupation__soc_code",)
    )
    employment = FigureColumn(
        "Positions", field="employment", kind=COUNT, tiebreak=("occupation__soc_code",)
    )

    class Meta:
        orderable = True
        order_by = ("title",)
        empty_text = "BLS publishes no estimates for this level of occupation here."


class CompareCellColumn(tables.Column):
    """A state's column in the comparison: a Figure, or the difference from the U.S."""

    empty_values = ()

    def __init__(self, verbose_name, **kwargs):
        kwargs.setdefault("attrs", NUMERIC)
        super().__init__(verbose_name, orderable=False, **kwargs)

    def render(self, value):
        return value.html()

    def value(self, value):
        return value.text()


class FigureCell:
    """A state's (or the U.S.) figure for one measure of the comparison."""

    def __init__(self, figure: Figure):
        self.figure = figure
        self.note = figure.note

    def html(self):
        return self.figure.html()

    def text(self):
        return self.figure.text()

    @staticmethod
    def csv_headers(label):
        return [label, f"{label} status"]

    def csv_values(self):
        return [self.figure.csv_number(), self.figure.csv_status()]


class DifferenceCell:
    """A state's figure minus the U.S. figure, in $ and %; 'n/a' unless both are numbers (a
    top-coded side gives only a bound, which a table of exact differences does not show)."""

    note = None

    def __init__(self, figure: Figure, reference: Figure | None):
        difference = Difference.between(figure, reference) if reference is not None else None
        self.difference = difference if difference is not None and difference.exact else None

    def html(self):
        if self.difference is not None:
            # The percentage can take a line of its own on a phone (site.css), which keeps each
            # state's column narrow enough for two states to be read side by side.
            amount, _, percent = self.difference.signed().partition(" ")
            return format_html('{} <span class="percent">{}</span>', amount, percent)
        return format_html(
            '<span class="marker" title="{0}">n/a<span class="visually-hidden"> ({0})</span>'
            "</span>",
            "No difference: one of the two figures was not released or is top-coded.",
        )

    def text(self):
        return self.difference.signed() if self.difference is not None else "n/a"

    @staticmethod
    def csv_headers(label):
        # Amount and percentage in columns of their own, each a signed number: -3000, -6.0.
        return [label, f"{label} (%)"]

    def csv_values(self):
        if self.difference is None:
            return [None, None]
        return [self.difference.csv_amount(), self.difference.csv_percent()]


class ReferenceCell:
    """The U.S. column's cell in a difference row: the U.S. is what the others are measured by."""

    note = None

    def html(self):
        return "reference"

    def text(self):
        return "reference"

    def csv_values(self):
        return [None, None]


class CompareTable(AccessibleTable):
    """Measures down the side, the chosen states (and the U.S.) across: read side by side.

    A download turns it round: one row per state, in the order of the columns, with a pair of
    columns per measure (see csv_rows), so that every column of the file holds one kind of
    number.
    """

    # Sticks to the left on a phone, where the states scroll sideways past it.
    measure = tables.Column(
        "Measure", orderable=False, attrs={"th": {"class": "measure"}, "td": {"class": "measure"}}
    )

    class Meta:
        orderable = False

    def __init__(self, data, *, areas=None, **kwargs):
        super().__init__(data, **kwargs)
        # The Area of each state column, by column name ("CA", "US").
        self.areas = areas or {}

    def cell_notes(self):
        for record in self.data:
            for cell in record.values():
                note = getattr(cell, "note", None)
                if note is not None:
                    yield note

    def csv_rows(self, *, context=()):
        """State, State code, then each measure of the page in its order (a figure and its
        status, or a difference in $ and in %), then `context`; a row per column of the page."""
        records = list(self.data)
        names = [bound.name for bound in self.columns if bound.name != "measure"]
        header = ["State", "State code"]
        for record in records:
            sample = record[names[0]] if names else None
            kind = type(sample) if not isinstance(sample, ReferenceCell) else DifferenceCell
            header.extend(kind.csv_headers(record["measure"]))
        header.extend(name for name, _ in context)
        rows = [header]
        for name in names:
            row = area_cells(self.areas[name])
            for record in records:
                row.extend(record[name].csv_values())
            row.extend(value for _, value in context)
            rows.append(row)
        return rows
