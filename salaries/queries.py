"""Reads that put U.S. wages beside rows of the layers below: occupation lists and search results.

Salaries sits above occupations (docs/architecture.md), so occupations never names a wage
table: a page that lists occupations with their pay asks here for the annotation, or, for the
search statement, for the columns and join to add to it.
"""

from dataclasses import dataclass

from django.db.models import Case, F, FilteredRelation, IntegerField, Q, Subquery, Value, When

from salaries.figures import Wage
from salaries.models import TOP_CODE_ANNUAL, Area, AreaType, FigureStatus, Release

# The newest release with U.S.-wide figures, as a scalar subquery: the same rule as
# Release.objects.newest_with_figures() (tests/test_content_version.py holds them together).
NEWEST_RELEASE_SQL = """(
    SELECT r.id FROM salaries_release r
    WHERE EXISTS (
        SELECT 1 FROM salaries_wageestimate w JOIN salaries_area a ON a.id = w.area_id
        WHERE w.release_id = r.id AND a.type = 'national'
    )
    ORDER BY r.year DESC LIMIT 1
)"""


def with_us_wages(occupations):
    """Annotate an Occupation queryset with the newest release's U.S. figures (us_median,
    us_employment, ...) in one join.

    us_median_low/us_median_high bound the median for filters and sorting: a top-coded median
    (BLS "#") is at least the top code but has no known upper bound.
    """
    newest = Release.objects.with_national_figures().newest_first().values("pk")[:1]
    national = Area.objects.filter(type=AreaType.NATIONAL).order_by("pk").values("pk")[:1]
    top_coded = Q(us_wage__annual_median_status=FigureStatus.TOP_CODED)
    return occupations.annotate(
        us_wage=FilteredRelation(
            "wage_estimates",
            condition=Q(
                wage_estimates__release=Subquery(newest),
                wage_estimates__area=Subquery(national),
            ),
        ),
    ).annotate(
        us_median=F("us_wage__annual_median"),
        us_median_status=F("us_wage__annual_median_status"),
        us_hourly_median=F("us_wage__hourly_median"),
        us_hourly_median_status=F("us_wage__hourly_median_status"),
        us_annual_only=F("us_wage__annual_only"),
        us_hourly_only=F("us_wage__hourly_only"),
        us_employment=F("us_wage__employment"),
        us_employment_status=F("us_wage__employment_status"),
        us_median_low=Case(
            When(top_coded, then=Value(TOP_CODE_ANNUAL)),
            default=F("us_wage__annual_median"),
            output_field=IntegerField(),
        ),
        us_median_high=Case(
            When(top_coded, then=Value(None)),
            default=F("us_wage__annual_median"),
            output_field=IntegerField(),
        ),
    )


@dataclass(frozen=True)
class ResultColumns:
    """Columns a statement over occupations (alias `occupation_alias`, column id) can add."""

    select: str
    join: str


def us_wage_columns(occupation_alias: str) -> ResultColumns:
    """The newest release's U.S. median wage and employment of each row, and the release name.

    `occupation_alias` is the caller's table alias, a constant of its own statement.
    """
    return ResultColumns(
        select=(
            "w.annual_median, w.annual_median_status, w.hourly_median, w.hourly_median_status, "
            "w.employment, w.employment_status, w.annual_only, w.hourly_only, "
            "r.name AS release_name"
        ),
        join=(
            f"LEFT JOIN salaries_release r ON r.id = {NEWEST_RELEASE_SQL} "  # noqa: S608
            f"LEFT JOIN salaries_wageestimate w ON w.occupation_id = {occupation_alias}.id "
            "AND w.release_id = r.id AND w.area_id = "
            "(SELECT id FROM salaries_area WHERE type = 'national' ORDER BY id LIMIT 1)"
        ),
    )


def us_wage_of(columns: dict) -> Wage | None:
    """The median wage of a row that us_wage_columns() added to; None without an estimate."""
    if columns.get("annual_median_status") is None:
        return None
    return Wage.from_values(
        columns["annual_median"],
        columns["annual_median_status"],
        columns["hourly_median"],
        columns["hourly_median_status"],
        columns["annual_only"],
        columns["hourly_only"],
    )
