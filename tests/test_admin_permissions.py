"""Admin actions, additions and history reverts need the permission they exercise: staff who may
only look are refused (403) and nothing in the database changes. And a plan changed in admin
goes through careers.services.change_plan, like every other plan change."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careers.models import Plan, PlanOffer, UpgradeRequest, UpgradeStatus, User
from occupations.models import Certification, Occupation, Responsibility


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def staff_with(*codenames, email="viewer@example.com") -> User:
    """A staff member (not a superuser) holding exactly these permissions."""
    user = User.objects.create_user(email, "x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    assert user.user_permissions.count() == len(codenames)
    return User.objects.get(pk=user.pk)  # without the permission cache of the old instance


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def member(db):
    return User.objects.create_user("member@example.com", "x")


@pytest.fixture
def pending(member):
    return UpgradeRequest.objects.create(user=member, plan=Plan.PREMIUM, plan_at_request=Plan.FREE)


CHANGELIST = "admin:careers_upgraderequest_changelist"


# Upgrade requests: the grant and decline actions


def test_view_only_staff_cannot_grant_an_upgrade(db):
    viewer = staff_with("view_upgraderequest")
    own = UpgradeRequest.objects.create(user=viewer, plan=Plan.PREMIUM, plan_at_request=Plan.FREE)
    client = client_for(viewer)

    listing = client.get(reverse(CHANGELIST))
    assert listing.status_code == 200
    assert 'value="grant"' not in listing.content.decode()  # not offered
    # A forged POST of the action is refused, for the viewer's own request as for anyone's.
    response = client.post(reverse(CHANGELIST), {"action": "grant", "_selected_action": [own.pk]})

    assert response.status_code == 403
    own.refresh_from_db()
    viewer.refresh_from_db()
    assert (own.status, own.decided_by) == (UpgradeStatus.PENDING, None)
    assert viewer.plan == Plan.FREE
    assert viewer.history.filter(plan=Plan.PREMIUM).count() == 0


def test_view_only_staff_cannot_decline_an_upgrade(pending):
    client = client_for(staff_with("view_upgraderequest"))

    response = client.post(
        reverse(CHANGELIST), {"action": "decline", "_selected_action": [pending.pk]}
    )

    assert response.status_code == 403
    pending.refresh_from_db()
    assert (pending.status, pending.decided_at) == (UpgradeStatus.PENDING, None)


def test_staff_with_the_change_permission_grant_and_decline(pending, member):
    editor = staff_with("view_upgraderequest", "change_upgraderequest", email="editor@example.com")
    client = client_for(editor)
    other = User.objects.create_user("other@example.com", "x")
    second = UpgradeRequest.objects.create(user=other, plan=Plan.BASIC, plan_at_request=Plan.FREE)

    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert 'value="grant"' in listing and 'value="decline"' in listing
    granted = client.post(
        reverse(CHANGELIST), {"action": "grant", "_selected_action": [pending.pk]}
    )
    declined = client.post(
        reverse(CHANGELIST), {"action": "decline", "_selected_action": [second.pk]}
    )

    assert granted.status_code == declined.status_code == 302
    pending.refresh_from_db()
    second.refresh_from_db()
    member.refresh_from_db()
    other.refresh_from_db()
    assert (pending.status, pending.decided_by, member.plan) == (
        UpgradeStatus.GRANTED,
        editor,
        Plan.PREMIUM,
    )
    assert (second.status, second.decided_by, other.plan) == (
        UpgradeStatus.DECLINED,
        editor,
        Plan.FREE,
    )


def test_the_bulk_delete_action_needs_the_delete_permission(pending):
    """Django's own action: not offered to staff who may only change, and a forged POST deletes
    nothing."""
    client = client_for(staff_with("view_upgraderequest", "change_upgraderequest"))

    assert 'value="delete_selected"' not in client.get(reverse(CHANGELIST)).content.decode()
    response = client.post(
        reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [pending.pk]}
    )

    assert response.status_code == 403
    assert UpgradeRequest.objects.filter(pk=pending.pk).exists()


# Plan offers: one per plan, added only with the add permission


def test_plan_offers_are_added_only_by_staff_with_the_add_permission(db):
    PlanOffer.objects.filter(plan=Plan.BASIC).delete()  # room for one
    url = reverse("admin:careers_planoffer_add")
    data = {"plan": Plan.BASIC, "name": "Basic", "alternatives_limit": "5", "position": "1"}
    editor = client_for(staff_with("view_planoffer", "change_planoffer"))

    assert editor.get(url).status_code == 403
    assert editor.post(url, data).status_code == 403
    assert not PlanOffer.objects.filter(plan=Plan.BASIC).exists()

    adder = client_for(staff_with("view_planoffer", "add_planoffer", email="adder@example.com"))
    assert adder.get(url).status_code == 200
    assert adder.post(url, data).status_code == 302
    assert PlanOffer.objects.get(plan=Plan.BASIC).alternatives_limit == 5
    # Every plan has its offer now: not even staff allowed to add may add a fourth.
    assert adder.get(url).status_code == 403


# History: a revert is a change


def _revert_data(response) -> dict:
    """The revert form as rendered, submitted unchanged."""
    data = {}
    for bound in response.context["adminform"].form:
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif value is not None:
            data[bound.html_name] = str(value)
    return data


def _edited(model):
    """(object, its first version, how to read what a revert would change), after an edit."""
    if model is Occupation:
        obj = Occupation.objects.get(slug="medical-records-specialist")
        field = "summary"
    elif model is Responsibility:
        obj = Responsibility.objects.filter(occupation__slug="medical-records-specialist").first()
        field = "text"
    elif model is Certification:
        obj = Certification.objects.get(abbreviation="RHIT")
        field = "name"
    elif model is PlanOffer:
        obj = PlanOffer.objects.get(plan=Plan.FREE)
        field = "tagline"
    else:
        obj = User.objects.create_user("member@example.com", "x")
        field = "email"
    setattr(obj, field, "edited@example.com" if model is User else "Edited for the test.")
    obj.save()
    return obj, obj.history.order_by("history_date", "history_id").first(), field


@pytest.mark.parametrize(
    ("model", "view"),
    [
        (Occupation, "view_occupation"),
        (Responsibility, "view_responsibility"),
        (Certification, "view_certification"),
        (PlanOffer, "view_planoffer"),
        (User, "view_user"),
    ],
    ids=["occupation", "list-item", "certification", "plan-offer", "user"],
)
def test_view_only_staff_cannot_revert_from_the_history(db, model, view):
    obj, first, field = _edited(model)
    edited, versions = getattr(obj, field), obj.history.count()
    opts = model._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, first.pk]
    )
    client = client_for(staff_with(view))

    page = client.get(url)  # looking is allowed
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no Revert button
    response = client.post(url, _revert_data(page))

    assert response.status_code == 403
    obj.refresh_from_db()
    assert getattr(obj, field) == edited
    assert obj.history.count() == versions


def test_staff_with_the_change_permission_revert_from_the_history(db):
    obj, first, _ = _edited(Occupation)
    editor = staff_with("view_occupation", "change_occupation", email="editor@example.com")
    client = client_for(editor)
    url = reverse("admin:occupations_occupation_simple_history", args=[obj.pk, first.pk])

    response = client.post(url, _revert_data(client.get(url)))

    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.summary == first.summary
    assert obj.history.first().history_user == editor


# A plan changed in admin goes through change_plan


def user_form(user, **changes) -> dict:
    data = {
        "email": user.email,
        "plan": user.plan,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return data


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("staff@example.com", "x")


def test_an_admin_plan_change_reads_the_plan_under_the_row_lock(superuser, member, pending):
    versions = member.history.count()
    url = reverse("admin:careers_user_change", args=[member.pk])
    client = client_for(superuser)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, user_form(member, plan=Plan.PREMIUM))

    assert response.status_code == 302
    on_users = [q["sql"] for q in queries if '"careers_user"' in q["sql"].split(" WHERE ")[0]]
    locks = [i for i, sql in enumerate(on_users) if sql.endswith("FOR UPDATE")]
    writes = [i for i, sql in enumerate(on_users) if sql.startswith('UPDATE "careers_user"')]
    assert locks and writes and locks[0] < writes[0], on_users
    member.refresh_from_db()
    pending.refresh_from_db()
    assert member.plan == Plan.PREMIUM
    # Recorded once, with who and why; the request it answers is settled.
    assert member.history.count() == versions + 1
    change = member.history.first()
    assert (change.plan, change.history_user) == (Plan.PREMIUM, superuser)
    assert change.history_change_reason == "Plan changed from Free to Premium in admin"
    assert (pending.status, pending.decided_by) == (UpgradeStatus.GRANTED, superuser)


def test_a_plan_and_another_field_changed_together_are_both_kept(superuser, member):
    url = reverse("admin:careers_user_change", args=[member.pk])

    response = client_for(superuser).post(
        url, user_form(member, plan=Plan.BASIC, email="renamed@example.com")
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.email, member.plan) == ("renamed@example.com", Plan.BASIC)
    latest, before = member.history.all()[:2]
    assert (latest.plan, latest.history_change_reason) == (
        Plan.BASIC,
        "Plan changed from Free to Basic in admin",
    )
    assert (before.email, before.plan, before.history_user) == (
        "renamed@example.com",
        Plan.FREE,
        superuser,
    )


def test_reverting_a_users_plan_in_the_history_goes_through_change_plan(superuser, member):
    client = client_for(superuser)
    url = reverse("admin:careers_user_change", args=[member.pk])
    assert client.post(url, user_form(member, plan=Plan.BASIC)).status_code == 302
    free = member.history.filter(plan=Plan.FREE).earliest("history_date")
    revert = reverse("admin:careers_user_simple_history", args=[member.pk, free.pk])

    response = client.post(revert, _revert_data(client.get(revert)))

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.plan == Plan.FREE
    change = member.history.first()
    assert (change.plan, change.history_user) == (Plan.FREE, superuser)
    assert change.history_change_reason == "Plan changed from Basic to Free in admin"
