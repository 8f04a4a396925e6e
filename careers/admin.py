from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from careers import services
from careers.forms import AdminUserAddForm, AdminUserChangeForm
from careers.models import Plan, PlanOffer, UpgradeRequest, UpgradeStatus, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
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
        if change and "plan" in form.changed_data:
            old = Plan(form.initial["plan"]).label
            obj._change_reason = f"Plan changed from {old} to {obj.get_plan_display()} in admin"
        super().save_model(request, obj, form, change)
        if change and "plan" in form.changed_data:
            settled = services.settle_upgrade_requests(user=obj, decided_by=request.user)
            if settled is not None:
                self.message_user(
                    request,
                    f"{obj}'s pending request for {settled.get_plan_display()} is marked granted.",
                    messages.INFO,
                )


@admin.register(PlanOffer)
class PlanOfferAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "price", "alternatives_limit", "position"]
    list_display_links = ["name"]
    fields = ["plan", "name", "tagline", "price", "alternatives_limit", "position"]
    history_list_display = ["alternatives_limit", "price"]

    def get_readonly_fields(self, request, obj=None):
        # The plan is what users and gating refer to; renaming is done with `name`.
        return ["plan"] if obj else []

    def has_add_permission(self, request):
        return PlanOffer.objects.count() < len(Plan)

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

    @admin.action(description="Grant the selected requests (changes the users' plans)")
    def grant(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda item: services.grant_upgrade_request(
                upgrade_request=item, granted_by=request.user
            ),
            "Granted",
        )

    @admin.action(description="Decline the selected requests")
    def decline(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda item: services.decline_upgrade_request(
                upgrade_request=item, declined_by=request.user
            ),
            "Declined",
        )
