"""Admin for occupations: staff write and correct the profiles here.

Every save, delete and history revert shows on the site on the next request: the database bumps
the content version on any write to these tables (careers.triggers). Each profile's history
lists the edits to its own fields and, below them, the edits to its lists (responsibilities,
skills ...); every item's own history page can revert it. Text boxes store line breaks as LF
whatever the browser sends, so a save records only the fields that were really changed.
"""

from operator import attrgetter

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse

from careers.admin import HistoryAdmin
from occupations.models import (
    AlternateTitle,
    Alternative,
    Certification,
    EducationStep,
    Occupation,
    OccupationCertification,
    Responsibility,
    Skill,
)

# The lists edited inline on a profile, in the order the page shows them.
LIST_MODELS = [
    AlternateTitle,
    Responsibility,
    Skill,
    EducationStep,
    OccupationCertification,
    Alternative,
]
HISTORY_TYPES = {"+": "Added", "~": "Changed", "-": "Deleted"}
LIST_CHANGES_SHOWN = 100
SHARE_FIELDS = ["shared_tasks", "shared_knowledge", "shared_environment"]


class MultilineTextField(forms.CharField):
    """A text box's value with LF line breaks.

    Browsers send a textarea's line breaks as CRLF (the HTML standard says so); stored as sent,
    every save of a profile would change each paragraph field in the history even when nobody
    touched it, and a revert would bring the CRs back.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


def multiline_textareas(**attrs) -> dict:
    """formfield_overrides for an admin's text fields: a text box that stores LF line breaks."""
    override = {"form_class": MultilineTextField}
    if attrs:
        override["widget"] = forms.Textarea(attrs=attrs)
    return {models.TextField: override}


class OccupationForm(forms.ModelForm):
    class Meta:
        model = Occupation
        fields = [
            *("title", "slug", "has_profile", "summary", "overview"),
            *("soc_code", "level", "bls_title", "parent"),
            *("education", "outlook", "work_settings", "advancement"),
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            "education": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "outlook": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "work_settings": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "advancement": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }

    def clean(self):
        # Errors go on a field so that the matching database constraint is not checked a
        # second time with its technical message.
        cleaned = super().clean()
        soc_code, level = cleaned.get("soc_code"), cleaned.get("level")
        if "soc_code" in cleaned and "level" in cleaned:
            if soc_code and not level:
                self.add_error("level", "Choose the SOC level of an occupation with a SOC code.")
            elif level and not soc_code:
                self.add_error(
                    "level", "Leave the level empty for an occupation without a SOC code."
                )
        if cleaned.get("has_profile") and "summary" in cleaned and not cleaned["summary"].strip():
            self.add_error("summary", "A written profile needs a summary.")
        parent = cleaned.get("parent")
        if parent is not None and self.instance.pk is not None:
            ancestor, seen = parent, 0
            while ancestor is not None and seen < 10:
                if ancestor.pk == self.instance.pk:
                    self.add_error("parent", "An occupation cannot belong to itself.")
                    break
                ancestor, seen = ancestor.parent, seen + 1
        return cleaned


class AlternativeForm(forms.ModelForm):
    class Meta:
        model = Alternative
        fields = ["occupation", "position", "alternative", *SHARE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        shares = [cleaned.get(name) for name in SHARE_FIELDS]
        if all(name in cleaned for name in SHARE_FIELDS) and not any(shares):
            self.add_error(
                "shared_tasks",
                "Say what this alternative shares: tasks, knowledge or work environment.",
            )
        alternative = cleaned.get("alternative")
        if alternative is not None and alternative.pk == self.instance.occupation_id:
            self.add_error("alternative", "An occupation cannot be an alternative to itself.")
        return cleaned


def short_textareas(*, cols: int) -> dict:
    """Two-row text boxes, so a list item's inline row stays compact."""
    return multiline_textareas(rows=2, cols=cols)


class AlternateTitleInline(admin.TabularInline):
    model = AlternateTitle
    extra = 1


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    fields = ["position", "text"]
    extra = 1
    formfield_overrides = short_textareas(cols=80)


class SkillInline(admin.TabularInline):
    model = Skill
    fields = ["position", "name", "description"]
    extra = 1
    formfield_overrides = short_textareas(cols=60)


class EducationStepInline(admin.TabularInline):
    model = EducationStep
    fields = ["position", "title", "description"]
    extra = 1
    formfield_overrides = short_textareas(cols=60)


class OccupationCertificationInline(admin.TabularInline):
    model = OccupationCertification
    fields = ["position", "certification", "note"]
    autocomplete_fields = ["certification"]
    extra = 1


class AlternativeInline(admin.StackedInline):
    model = Alternative
    form = AlternativeForm
    fk_name = "occupation"
    fields = [("position", "alternative"), *SHARE_FIELDS]
    autocomplete_fields = ["alternative"]
    ordering = ["position", "id"]
    extra = 1
    verbose_name = "alternative occupation"
    verbose_name_plural = "alternative occupations (closest first)"


@admin.register(Occupation)
class OccupationAdmin(HistoryAdmin):
    form = OccupationForm
    # The form's own widgets (sizes) still apply; this adds the line-break rule.
    formfield_overrides = multiline_textareas()
    list_display = ["title", "soc_code", "level", "has_profile", "updated_at"]
    list_filter = ["has_profile", "level"]
    search_fields = ["title", "soc_code", "alternate_titles__title"]
    ordering = ["title"]
    list_per_page = 50
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["updated_at"]
    save_on_top = True
    object_history_template = "admin/occupations/occupation/object_history.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "has_profile", "summary", "overview"]}),
        (
            "Classification",
            {
                "fields": ["soc_code", "level", "bls_title", "parent"],
                "description": (
                    "The BLS OEWS import fills in the BLS title, level and group of every "
                    "occupation with a SOC code. Leave the SOC code empty for a role that has "
                    "none of its own."
                ),
            },
        ),
        (
            "Education and career outlook",
            {"fields": ["education", "outlook", "work_settings", "advancement"]},
        ),
        ("Record", {"fields": ["updated_at"]}),
    ]
    inlines = [
        AlternateTitleInline,
        ResponsibilityInline,
        SkillInline,
        EducationStepInline,
        OccupationCertificationInline,
        AlternativeInline,
    ]

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {**(extra_context or {}), "list_changes": list_changes(object_id)}
        return super().history_view(request, object_id, extra_context=extra_context)


def list_changes(occupation_id) -> list[dict]:
    """The latest edits to a profile's list items, newest first, linked to each item's history."""
    records = []
    for model in LIST_MODELS:
        records += list(
            model.history.filter(occupation_id=occupation_id)
            .select_related("history_user")
            .order_by("-history_date")[:LIST_CHANGES_SHOWN]
        )
    records.sort(key=attrgetter("history_date"), reverse=True)
    changes = []
    for record in records[:LIST_CHANGES_SHOWN]:
        opts = record.instance_type._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.id])
        except NoReverseMatch:
            url = ""
        changes.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "action": HISTORY_TYPES.get(record.history_type, record.history_type),
                "kind": opts.verbose_name,
                "item": str(record.instance),
                "url": url,
            }
        )
    return changes


class ListItemAdmin(HistoryAdmin):
    """A profile's list items are edited inline on the profile; these admins exist for their
    history pages, where a single item can be reverted, so they stay off the admin index."""

    list_select_related = ["occupation"]
    search_fields = ["occupation__title"]
    autocomplete_fields = ["occupation"]
    formfield_overrides = multiline_textareas()

    def get_model_perms(self, request):
        return {}


@admin.register(AlternateTitle)
class AlternateTitleAdmin(ListItemAdmin):
    list_display = ["title", "occupation"]


@admin.register(Responsibility)
class ResponsibilityAdmin(ListItemAdmin):
    list_display = ["__str__", "occupation", "position"]


@admin.register(Skill)
class SkillAdmin(ListItemAdmin):
    list_display = ["name", "occupation", "position"]


@admin.register(EducationStep)
class EducationStepAdmin(ListItemAdmin):
    list_display = ["title", "occupation", "position"]


@admin.register(OccupationCertification)
class OccupationCertificationAdmin(ListItemAdmin):
    list_display = ["certification", "occupation", "position"]
    autocomplete_fields = ["occupation", "certification"]


@admin.register(Alternative)
class AlternativeAdmin(ListItemAdmin):
    form = AlternativeForm
    list_display = ["alternative", "occupation", "position"]
    autocomplete_fields = ["occupation", "alternative"]


@admin.register(Certification)
class CertificationAdmin(HistoryAdmin):
    list_display = ["abbreviation", "name", "issuing_body"]
    search_fields = ["abbreviation", "name", "issuing_body"]
    ordering = ["abbreviation"]
    # An address typed without a scheme is taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
