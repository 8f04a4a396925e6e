from django import forms

from occupations.models import SocLevel

MIN_STATES = 2
MAX_STATES = 5


class CompareForm(forms.Form):
    """Which states to put side by side. The release is chosen outside the form: an unknown
    release falls back to the newest instead of failing."""

    state = forms.MultipleChoiceField(
        label=f"States ({MIN_STATES} to {MAX_STATES})",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "%(value)s is not a state with figures in this release.",
        },
    )

    def __init__(self, data=None, *, areas):
        if data is not None:
            # State abbreviations are accepted in any case: ?state=ca is CA.
            data = data.copy()
            data.setlist("state", [value.strip().upper() for value in data.getlist("state")])
        super().__init__(data)
        self.fields["state"].choices = [(area.state_abbr, area.name) for area in areas]

    def clean_state(self):
        chosen = list(dict.fromkeys(self.cleaned_data["state"]))
        if len(chosen) < MIN_STATES:
            raise forms.ValidationError(
                f"Choose at least {MIN_STATES} states to compare; you chose {len(chosen)}."
            )
        if len(chosen) > MAX_STATES:
            raise forms.ValidationError(
                f"Choose at most {MAX_STATES} states to compare; you chose {len(chosen)}."
            )
        return chosen


LEVELS = {
    SocLevel.DETAILED.value: ("Detailed occupations", [SocLevel.DETAILED]),
    SocLevel.BROAD.value: ("Broad occupations", [SocLevel.BROAD]),
    SocLevel.MINOR.value: ("Minor groups", [SocLevel.MINOR]),
    SocLevel.MAJOR.value: ("Major groups", [SocLevel.MAJOR]),
    "all": (
        "All levels",
        [SocLevel.MAJOR, SocLevel.MINOR, SocLevel.BROAD, SocLevel.DETAILED],
    ),
}
DEFAULT_LEVEL = SocLevel.DETAILED.value
PER_PAGE_CHOICES = [10, 25, 50, 100]
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
