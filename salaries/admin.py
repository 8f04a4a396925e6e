"""Admin for the wage data: look things up, check what an import wrote, edit release details.

Figures and areas come from BLS's files through `manage.py import_oews`, so staff see them but do
not edit them here: a hand-edited figure would be overwritten by the next import and would no
longer be BLS's. Releases are editable (name, dates, citation); pages show a change on the next
request (the database bumps the content version on every write, careers.triggers).
"""

from django.contrib import admin
from django.utils.html import format_html

from salaries.models import FIGURES, Area, FigureStatus, Release, WageEstimate


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, searchable, never written from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "type", "state_abbr", "site_link"]
    list_filter = ["type"]
    search_fields = ["name", "code", "state_abbr"]
    ordering = ["type", "name"]

    @admin.display(description="on the site")
    def site_link(self, area):
        url = area.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url) if url else "—"


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "bls_code", "reference_period", "published_on"]
    search_fields = ["name", "bls_code", "citation"]
    readonly_fields = ["updated_at"]
    fields = [
        "year",
        "name",
        "bls_code",
        "source",
        "reference_period",
        "published_on",
        "citation",
        "updated_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        # The year is the release's key in URLs and in import_oews: fixed once it exists.
        return [*self.readonly_fields, "year"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Deleting a release deletes every estimate in it; that is a database job, not a click.
        return False


def _figure(field: str, description: str):
    """A list column showing a figure, or BLS's marker and what it means."""

    @admin.display(description=description, ordering=field)
    def show(self, estimate):
        status = getattr(estimate, f"{field}_status")
        if status == FigureStatus.AVAILABLE:
            return getattr(estimate, field)
        return f"{status} {FigureStatus(status).label}"

    return show


@admin.register(WageEstimate)
class WageEstimateAdmin(ReadOnlyAdmin):
    list_display = [
        "occupation_code",
        "occupation",
        "area",
        "release",
        "employment_shown",
        "hourly_median_shown",
        "annual_median_shown",
        "annual_only",
        "hourly_only",
    ]
    list_display_links = ["occupation_code", "occupation"]
    list_filter = ["release", "area__type", "annual_only", "hourly_only", "occupation__level"]
    search_fields = [
        "occupation__soc_code",
        "occupation__title",
        "area__name",
        "=area__code",
        "=area__state_abbr",
    ]
    list_select_related = ["release", "area", "occupation"]
    # Counting 200,000+ rows on every page of results is slow and tells staff little.
    show_full_result_count = False
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["release", "area", "occupation", "annual_only", "hourly_only"]}),
        (
            "Figures (a figure is empty exactly when its status is not 'Available')",
            {"fields": [(field, f"{field}_status") for field, _ in FIGURES]},
        ),
    ]

    employment_shown = _figure("employment", "employment")
    hourly_median_shown = _figure("hourly_median", "hourly median")
    annual_median_shown = _figure("annual_median", "annual median")

    @admin.display(description="SOC code", ordering="occupation__soc_code")
    def occupation_code(self, estimate):
        return estimate.occupation.soc_code
