"""Admin for accounts and plans: users and their plan history, plan offers, upgrade requests.

`HistoryAdmin` is the base of every admin with a history page, here and in the other apps: a
revert is a change, so it needs the change permission, and a version's changes read as words.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from careers import services
from careers.forms import AdminUserAddForm, AdminUserChangeForm
from careers.models import Plan, PlanOffer, UpgradeRequest, UpgradeStatus, User

# How a history page shows a value that is not there (an empty text, no parent group).
NO_VALUE = "—"


class HistoryChanges(HistoricalRecordContextHelper):
    """A version's changes as staff read them: an empty value or a missing link shows as a dash
    (simple-history shows a link that is not set as "Deleted occupation (pk=None)")."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return NO_VALUE
        return value


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin, with a revert that needs the change permission.

    simple-history checks only that the user may view the history before saving a revert
    (`history_form_view`), so a member of staff allowed to look could change the row.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryChanges(self.model, historical_record)


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserAddForm
    list_display = ["email", "plan", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["plan", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email"]
    ordering = ["email"]
    readonly_fields = ["date_joined", "last_login"]
    # The history page lists each version's plan next to who changed it and when.
    history_list_display = ["plan"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Plan", {"fields": ["plan"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "plan", "usable_password", "password1", "password2"],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # A plan is written by change_plan alone: under the user's row lock, recorded once in the
        # history with who and why, settling the pending request it answers. The row is compared
        # with the database, not with the form's initial values: a revert from the history page
        # starts from an old version.
        with transaction.atomic():
            saved = User.objects.select_for_update().get(pk=obj.pk)
            if obj.plan == saved.plan:
                super().save_model(request, obj, form, change)
                return
            plan = Plan(obj.plan)
            others = [
                field.attname
                for field in User._meta.concrete_fields
                if field.attname != "plan"
                and getattr(obj, field.attname) != getattr(saved, field.attname)
            ]
            if others:
                obj.plan = saved.plan
                super().save_model(request, obj, form, change)
            pending = UpgradeRequest.objects.pending().filter(user=obj).first()
            services.change_plan(
                user=obj,
                plan=plan,
                changed_by=request.user,
                reason=f"Plan changed from {saved.get_plan_display()} to {plan.label} in admin",
            )
        if pending is not None:
            pending.refresh_from_db()
            if pending.status == UpgradeStatus.GRANTED:
                self.message_user(
                    request,
                    f"{obj}'s pending request for {pending.get_plan_display()} is marked granted.",
                    messages.INFO,
                )


@admin.register(PlanOffer)
class PlanOfferAdmin(HistoryAdmin):
    list_display = ["name", "plan", "price", "alternatives_limit", "position"]
    list_display_links = ["name"]
    fields = ["plan", "name", "tagline", "price", "alternatives_limit", "position"]
    history_list_display = ["alternatives_limit", "price"]

    def get_readonly_fields(self, request, obj=None):
        # The plan is what users and gating refer to; renaming is done with `name`.
        return ["plan"] if obj else []

    def has_add_permission(self, request):
        # One offer per plan: once every plan has one, nobody adds another.
        return super().has_add_permission(request) and PlanOffer.objects.count() < len(Plan)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UpgradeRequest)
class UpgradeRequestAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "plan",
        "plan_at_request",
        "current_plan",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "plan"]
    search_fields = ["user__email"]
    list_select_related = ["user", "decided_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "user",
        "plan",
        "plan_at_request",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    actions = ["grant", "decline"]

    def has_add_permission(self, request):
        # Requests come from users on the pricing page; staff change plans on the user instead.
        return False

    @admin.display(description="plan now", ordering="user__plan")
    def current_plan(self, obj):
        return obj.user.get_plan_display()

    def _decide(self, request, queryset, decide, verb):
        # Counted before deciding: the requests decided below leave the pending set as they go.
        pending = list(queryset.filter(status=UpgradeStatus.PENDING))
        skipped = queryset.count() - len(pending)
        done = 0
        for upgrade_request in pending:
            if decide(upgrade_request):
                done += 1
            else:
                skipped += 1
        if done:
            self.message_user(
                request, f"{verb} {done} request{'s' if done != 1 else ''}.", messages.SUCCESS
            )
        if skipped:
            self.message_user(
                request,
                f"Left {skipped} request{'s' if skipped != 1 else ''} alone: no longer pending.",
                messages.WARNING,
            )

    def changelist_view(self, request, extra_context=None):
        # Django leaves an action the user may not run off the menu and ignores a POST that
        # names it anyway; refuse such a POST outright, so the attempt cannot pass for success.
        if request.method == "POST":
            named = {name for name in request.POST.getlist("action") if name}
            if named - set(self.get_actions(request)):
                raise PermissionDenied
        return super().changelist_view(request, extra_context)

    # Deciding a request changes it (and granting one changes the user's plan): "change", not
    # the "view" permission that is enough to see the list.
    @admin.action(
        description="Grant the selected requests (changes the users' plans)",
        permissions=["change"],
    )
    def grant(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda item: services.grant_upgrade_request(
                upgrade_request=item, granted_by=request.user
            ),
            "Granted",
        )

    @admin.action(description="Decline the selected requests", permissions=["change"])
    def decline(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda item: services.decline_upgrade_request(
                upgrade_request=item, declined_by=request.user
            ),
            "Declined",
        )
