from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse

from occupations.models import Occupation


class AreaType(models.TextChoices):
    """BLS AREA_TYPE: 1 U.S., 2 state, 3 territory, 4 metro, 6 nonmetro."""

    NATIONAL = "national", "United States"
    STATE = "state", "State"
    TERRITORY = "territory", "Territory"
    METRO = "metro", "Metropolitan area"
    NONMETRO = "nonmetro", "Nonmetropolitan area"


class AreaQuerySet(models.QuerySet):
    def states(self):
        """The 50 states and DC, the rows of a state salary table."""
        return self.filter(type=AreaType.STATE)

    def by_abbreviation(self, abbreviation):
        return self.filter(
            type__in=[AreaType.NATIONAL, AreaType.STATE, AreaType.TERRITORY],
            state_abbr=abbreviation.upper(),
        )


class Area(models.Model):
    code = models.CharField("BLS area code", max_length=7, unique=True)
    type = models.CharField(max_length=16, choices=AreaType.choices)
    name = models.CharField(max_length=200)
    state_abbr = models.CharField(
        "state abbreviation", max_length=2, blank=True, help_text="BLS PRIM_STATE, e.g. CA or US."
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # One area per abbreviation among the U.S., states and territories: /states/<abbr>/.
            models.UniqueConstraint(
                fields=["state_abbr"],
                condition=Q(type__in=["national", "state", "territory"]),
                name="unique_abbreviation_per_state_area",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        if self.type in (AreaType.STATE, AreaType.TERRITORY):
            return reverse("salaries:state", kwargs={"abbr": self.state_abbr.lower()})
        return ""

    def natural_key(self):
        return (self.code,)


class ReleaseQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-year")

    def with_national_figures(self):
        """Releases that hold U.S.-wide estimates. A release row can exist before its figures
        are imported (an operator may add it first); comparing against it would show "No BLS
        estimate" everywhere, so pages that need "the newest release" use only these."""
        national = WageEstimate.objects.filter(
            release=models.OuterRef("pk"), area__type=AreaType.NATIONAL
        )
        return self.filter(models.Exists(national))

    def newest_with_figures(self):
        """The newest release with U.S.-wide figures, or None: the site's one "newest release"
        (salaries.queries.NEWEST_RELEASE_SQL says the same in SQL)."""
        return self.with_national_figures().newest_first().only("pk", "year", "name").first()


class Release(models.Model):
    """One publication of wage estimates, such as BLS OEWS May 2025."""

    year = models.PositiveSmallIntegerField(
        unique=True, help_text="Reference year; the ?release= key in URLs."
    )
    name = models.CharField(max_length=60, help_text="For example 'May 2025'.")
    bls_code = models.CharField("BLS release code", max_length=12, blank=True)
    source = models.CharField(
        max_length=200,
        default="U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics",
    )
    reference_period = models.DateField(help_text="The month the estimates describe.")
    published_on = models.DateField(null=True, blank=True)
    citation = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1990), name="release_year_plausible"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.year,)


# BLS top-codes wages from May 2023 on: it publishes "#" for wages at or above these amounts.
# The one place the figures are written; salaries.figures words them for readers.
TOP_CODE_HOURLY = Decimal("115.00")
TOP_CODE_ANNUAL = 239_200


class FigureStatus(models.TextChoices):
    """The status of one published figure. The values are BLS's own markers where BLS has one."""

    AVAILABLE = "", "Available"
    NOT_AVAILABLE = "*", "Wage estimate not available"
    EMPLOYMENT_NOT_AVAILABLE = "**", "Employment estimate not available"
    TOP_CODED = (
        "#",
        f"At or above the top of BLS's wage range (${TOP_CODE_HOURLY} an hour, "
        f"${TOP_CODE_ANNUAL:,} a year)",
    )
    NOT_APPLICABLE = "-", "Not applicable"
    NOT_IN_SOURCE = "?", "Not published in this release's source"


def _figure_status(verbose_name):
    return models.CharField(
        f"{verbose_name} status",
        max_length=2,
        choices=FigureStatus.choices,
        default=FigureStatus.AVAILABLE,
        blank=True,
    )


# (field, BLS column) for every figure that carries a status; the importer and the checks use it.
FIGURES = [
    ("employment", "TOT_EMP"),
    ("employment_rse", "EMP_PRSE"),
    ("jobs_per_1000", "JOBS_1000"),
    ("location_quotient", "LOC_QUOTIENT"),
    ("hourly_mean", "H_MEAN"),
    ("annual_mean", "A_MEAN"),
    ("mean_rse", "MEAN_PRSE"),
    ("hourly_p10", "H_PCT10"),
    ("hourly_p25", "H_PCT25"),
    ("hourly_median", "H_MEDIAN"),
    ("hourly_p75", "H_PCT75"),
    ("hourly_p90", "H_PCT90"),
    ("annual_p10", "A_PCT10"),
    ("annual_p25", "A_PCT25"),
    ("annual_median", "A_MEDIAN"),
    ("annual_p75", "A_PCT75"),
    ("annual_p90", "A_PCT90"),
]


def _value_matches_status(field):
    """A figure has a value exactly when its status is 'available': never a number for a marker."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": False, f"{field}_status": FigureStatus.AVAILABLE})
        | Q(**{f"{field}__isnull": True}) & ~Q(**{f"{field}_status": FigureStatus.AVAILABLE}),
        name=f"wage_{field}_value_iff_available",
    )


class WageEstimateQuerySet(models.QuerySet):
    def state_table(self, *, occupation, release):
        """The rows of an occupation's state salary table: 50 states and DC."""
        return self.filter(
            occupation=occupation, release=release, area__type=AreaType.STATE
        ).select_related("area")

    def national(self):
        return self.filter(area__type=AreaType.NATIONAL)

    def national_medians(self, occupation_ids, release) -> dict:
        """{occupation id: the U.S. median figures} in `release`, one query; occupations BLS
        has no U.S. estimate for are left out."""
        if release is None:
            return {}
        return {
            row.occupation_id: row
            for row in self.national()
            .filter(release=release, occupation_id__in=list(occupation_ids))
            .only(
                "occupation_id",
                "annual_median",
                "annual_median_status",
                "hourly_median",
                "hourly_median_status",
                "annual_only",
                "hourly_only",
            )
        }


class WageEstimate(models.Model):
    """BLS's estimates for one occupation in one area in one release."""

    # No single-column indexes on the keys: the unique constraint's index (release, area,
    # occupation) and the (occupation, release) index serve every lookup, and each index more
    # slows every row an import writes (benchmarks/import_oews.py). Areas are never deleted,
    # so PROTECT's check by area alone does not need one.
    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="estimates", db_index=False
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="estimates", db_index=False
    )
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="wage_estimates", db_index=False
    )

    employment = models.PositiveIntegerField(null=True, blank=True)
    employment_status = _figure_status("employment")
    employment_rse = models.DecimalField(
        "employment relative standard error (%)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    employment_rse_status = _figure_status("employment RSE")
    jobs_per_1000 = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    jobs_per_1000_status = _figure_status("jobs per 1,000")
    location_quotient = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    location_quotient_status = _figure_status("location quotient")

    hourly_mean = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_mean_status = _figure_status("hourly mean")
    annual_mean = models.PositiveIntegerField(null=True, blank=True)
    annual_mean_status = _figure_status("annual mean")
    mean_rse = models.DecimalField(
        "mean wage relative standard error (%)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    mean_rse_status = _figure_status("mean RSE")

    hourly_p10 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p10_status = _figure_status("hourly 10th percentile")
    hourly_p25 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p25_status = _figure_status("hourly 25th percentile")
    hourly_median = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_median_status = _figure_status("hourly median")
    hourly_p75 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p75_status = _figure_status("hourly 75th percentile")
    hourly_p90 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p90_status = _figure_status("hourly 90th percentile")

    annual_p10 = models.PositiveIntegerField(null=True, blank=True)
    annual_p10_status = _figure_status("annual 10th percentile")
    annual_p25 = models.PositiveIntegerField(null=True, blank=True)
    annual_p25_status = _figure_status("annual 25th percentile")
    annual_median = models.PositiveIntegerField(null=True, blank=True)
    annual_median_status = _figure_status("annual median")
    annual_p75 = models.PositiveIntegerField(null=True, blank=True)
    annual_p75_status = _figure_status("annual 75th percentile")
    annual_p90 = models.PositiveIntegerField(null=True, blank=True)
    annual_p90_status = _figure_status("annual 90th percentile")

    # BLS's ANNUAL and HOURLY flags: only annual (e.g. teachers) or only hourly wages released.
    annual_only = models.BooleanField(default=False)
    hourly_only = models.BooleanField(default=False)

    objects = WageEstimateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "area", "occupation"],
                name="unique_wage_per_release_area_occupation",
            ),
            models.CheckConstraint(
                condition=~Q(annual_only=True, hourly_only=True), name="wage_not_both_only_flags"
            ),
            *[_value_matches_status(field) for field, _ in FIGURES],
        ]
        indexes = [
            # An occupation's rows in a release (its salary tables), and its rows in any release
            # (PROTECT's check when an occupation is deleted). A release's rows for an area use
            # the unique constraint's index.
            models.Index(fields=["occupation", "release"], name="wage_occupation_release_idx"),
        ]

    def __str__(self):
        return f"{self.occupation} in {self.area}, {self.release}"
