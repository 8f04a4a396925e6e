"""The filters of a SOC group's page: a group within it and a range of U.S. median wages."""

from django import forms
from django.core.exceptions import ValidationError

from occupations.models import SocLevel

MAX_WAGE = 10_000_000


class WageField(forms.IntegerField):
    """Dollars a year; "$50,000" and "50000" alike, since people type both."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 9})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", "").replace("$", "").replace(" ", "")
        return super().to_python(value)


class OccupationFilterForm(forms.Form):
    group = forms.ChoiceField(label="Group", required=False)
    # Labelled within a fieldset whose legend says "U.S. median annual wage".
    min = WageField(
        label="From", required=False, min_value=0, max_value=MAX_WAGE, help_text="Dollars a year"
    )
    max = WageField(
        label="To", required=False, min_value=0, max_value=MAX_WAGE, help_text="Dollars a year"
    )

    def __init__(self, *args, major, subgroups, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", f"All of {major.title}")]
        for group in subgroups:
            # Broad occupations sit under their minor group; the dash shows it in a <select>.
            indent = "— " if group.level == SocLevel.BROAD else ""
            choices.append((group.soc_code, f"{indent}{group.title} ({group.soc_code})"))
        self.fields["group"].choices = choices

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min"), cleaned.get("max")
        if low is not None and high is not None and low > high:
            raise ValidationError(
                "The lowest median (%(low)s) is above the highest (%(high)s): swap them.",
                params={"low": f"${low:,}", "high": f"${high:,}"},
                code="wage_range_reversed",
            )
        return cleaned

    def filter(self, queryset):
        """The rows these filters keep; every row when the form has errors."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["group"]:
            queryset = queryset.within_group(data["group"])
        if data["min"] is not None:
            queryset = queryset.filter(us_median_low__gte=data["min"])
        if data["max"] is not None:
            # A top-coded median has no known upper bound, so no maximum can include it.
            queryset = queryset.filter(us_median_high__lte=data["max"])
        return queryset

    def params(self) -> dict:
        """The filters in force as query-string values (for links), validated; {} when the
        form has errors."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    @property
    def wage_fields(self):
        return [self["min"], self["max"]]

    def summary(self) -> str:
        """The filters in force, in words: "in Pharmacy Technicians (29-2052), median $40,000
        to $60,000"; "" when none are."""
        if not self.is_valid():
            return ""
        data, parts = self.cleaned_data, []
        if data["group"]:
            label = dict(self.fields["group"].choices)[data["group"]].removeprefix("— ")
            parts.append(f"in {label}")
        low, high = data["min"], data["max"]
        if low is not None and high is not None:
            parts.append(f"median ${low:,} to ${high:,}")
        elif low is not None:
            parts.append(f"median at least ${low:,}")
        elif high is not None:
            parts.append(f"median at most ${high:,}")
        return ", ".join(parts)

    @property
    def active(self) -> bool:
        return self.is_valid() and any(
            self.cleaned_data[name] not in (None, "") for name in ("group", "min", "max")
        )
