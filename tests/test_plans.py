"""The pricing page, upgrade requests, and plan changes by staff with their history."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careers import services
from careers.models import Plan, PlanOffer, UpgradeRequest, UpgradeStatus, User


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(db):
    return User.objects.create_user("member@example.com", "x")


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("staff@example.com", "x")


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def ask(client, plan):
    return client.post(reverse("upgrade-request"), {"plan": plan}, follow=True)


# The pricing page


def test_pricing_shows_the_three_plans_and_what_each_unlocks(client, db):
    html = client.get(reverse("pricing")).content.decode()

    assert html.index(">Free<") < html.index(">Basic<") < html.index(">Premium<")
    assert "Up to <strong>2</strong> alternative occupations on every occupation's page" in html
    assert "Up to <strong>5</strong> alternative occupations on every occupation's page" in html
    assert "<strong>Every</strong> alternative occupation on every occupation's page" in html


def test_pricing_invites_a_visitor_to_sign_up_and_marks_what_they_see(client, db):
    html = client.get(reverse("pricing")).content.decode()

    assert "What you see now" in html
    assert "Create a free account" in html
    assert "Sign up to ask for Basic" in html
    assert 'action="/pricing/request/"' not in html


@pytest.mark.parametrize("plan", [Plan.FREE, Plan.BASIC, Plan.PREMIUM])
def test_pricing_marks_the_members_plan_and_offers_only_higher_ones(client, member, plan):
    member.plan = plan
    member.save()
    client.force_login(member)

    html = client.get(reverse("pricing")).content.decode()

    current = html.split('class="plan-card plan-current"')[1].split("</li>")[0]
    assert f">{plan.label}<" in current
    assert "Your plan" in current
    assert html.count("plan-current") == 1
    offered = [p for p in (Plan.BASIC, Plan.PREMIUM) if f'value="{p.value}"' in html]
    assert offered == [p for p in Plan if Plan.values.index(p) > Plan.values.index(plan)]


def test_a_staff_edit_of_a_plan_shows_on_the_pricing_page_at_once(client, db):
    PlanOffer.objects.filter(plan=Plan.BASIC).update(
        name="Basic Plus", alternatives_limit=6, price="$4 a month"
    )

    html = client.get(reverse("pricing")).content.decode()

    assert ">Basic Plus<" in html
    assert "<strong>6</strong> alternative occupations" in html
    assert "$4 a month" in html


# Upgrade requests


def test_a_member_asks_for_an_upgrade_and_sees_it_pending(client, member):
    client.force_login(member)

    response = ask(client, "basic")

    assert response.redirect_chain[-1][0] == reverse("account")
    html = response.content.decode()
    assert "We have your request for Basic" in html
    assert "You asked for <strong>Basic</strong>" in html
    assert "email you at member@example.com" in html
    request = UpgradeRequest.objects.get()
    assert (request.user, request.plan, request.plan_at_request, request.status) == (
        member,
        Plan.BASIC,
        Plan.FREE,
        UpgradeStatus.PENDING,
    )
    member.refresh_from_db()
    assert member.plan == Plan.FREE
    pricing = client.get(reverse("pricing")).content.decode()
    assert "<strong>Requested.</strong>" in pricing


def test_asking_twice_keeps_one_request_and_says_so(client, member):
    client.force_login(member)
    ask(client, "basic")

    response = ask(client, "basic")

    assert "already" in response.content.decode()
    assert UpgradeRequest.objects.count() == 1


def test_asking_for_another_plan_changes_the_pending_request(client, member):
    client.force_login(member)
    ask(client, "basic")

    response = ask(client, "premium")

    assert "now asks for Premium instead of Basic" in response.content.decode()
    assert UpgradeRequest.objects.get().plan == Plan.PREMIUM


@pytest.mark.parametrize(("plan", "asked"), [(Plan.BASIC, "basic"), (Plan.PREMIUM, "basic")])
def test_asking_for_a_plan_one_already_has_is_refused_politely(client, member, plan, asked):
    member.plan = plan
    member.save()
    client.force_login(member)

    response = ask(client, asked)

    assert response.status_code == 200
    assert f"You already have {plan.label}" in response.content.decode()
    assert not UpgradeRequest.objects.exists()


@pytest.mark.parametrize("data", [{}, {"plan": "gold"}, {"plan": "free"}, {"plan": ["a", "b"]}])
def test_a_bad_upgrade_form_is_refused_without_a_500(client, member, data):
    client.force_login(member)

    response = client.post(reverse("upgrade-request"), data, follow=True)

    assert response.status_code == 200
    assert "Choose Basic or Premium" in response.content.decode()
    assert not UpgradeRequest.objects.exists()


def test_a_visitor_is_sent_to_sign_up_instead(client, db):
    response = client.post(reverse("upgrade-request"), {"plan": "basic"})

    assert response.url == f"{reverse('signup')}?next={reverse('pricing')}"
    assert not UpgradeRequest.objects.exists()


def test_the_upgrade_form_needs_its_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    assert client.post(reverse("upgrade-request"), {"plan": "basic"}).status_code == 403
    assert not UpgradeRequest.objects.exists()


def test_getting_the_request_url_is_not_allowed(client, member):
    client.force_login(member)

    assert client.get(reverse("upgrade-request")).status_code == 405


def test_a_member_can_withdraw_a_pending_request(client, member):
    client.force_login(member)
    ask(client, "premium")

    response = client.post(reverse("upgrade-withdraw"), follow=True)

    assert "withdrawn" in response.content.decode()
    request = UpgradeRequest.objects.get()
    assert request.status == UpgradeStatus.WITHDRAWN
    assert request.decided_at is not None
    assert "withdrawn by you on" in client.get(reverse("account")).content.decode()


def test_the_database_allows_one_pending_request_per_user(member):
    UpgradeRequest.objects.create(user=member, plan=Plan.BASIC, plan_at_request=Plan.FREE)

    with pytest.raises(IntegrityError), transaction.atomic():
        UpgradeRequest.objects.create(user=member, plan=Plan.PREMIUM, plan_at_request=Plan.FREE)


def test_the_service_refuses_an_unknown_plan(member):
    with pytest.raises(ValidationError):
        services.request_upgrade(user=member, plan="gold")


# Staff: granting and declining in admin


def test_staff_grant_a_request_from_the_admin_list(staff_client, staff, member):
    request = UpgradeRequest.objects.create(
        user=member, plan=Plan.PREMIUM, plan_at_request=Plan.FREE
    )

    response = staff_client.post(
        reverse("admin:careers_upgraderequest_changelist"),
        {"action": "grant", "_selected_action": [request.pk]},
        follow=True,
    )

    html = response.content.decode()
    assert "Granted 1 request." in html
    assert "Left" not in html
    member.refresh_from_db()
    assert member.plan == Plan.PREMIUM
    request.refresh_from_db()
    assert request.status == UpgradeStatus.GRANTED
    assert request.decided_by == staff
    change = member.history.first()
    assert change.plan == Plan.PREMIUM
    assert change.history_user == staff
    assert change.history_change_reason == f"Upgrade request #{request.pk} granted"


def test_the_grant_action_leaves_decided_requests_alone_and_says_so(staff_client, member):
    other = User.objects.create_user("other@example.com", "x")
    pending = UpgradeRequest.objects.create(user=member, plan=Plan.BASIC, plan_at_request=Plan.FREE)
    declined = UpgradeRequest.objects.create(
        user=other,
        plan=Plan.BASIC,
        plan_at_request=Plan.FREE,
        status=UpgradeStatus.DECLINED,
        decided_at=timezone.now(),
    )

    response = staff_client.post(
        reverse("admin:careers_upgraderequest_changelist"),
        {"action": "grant", "_selected_action": [pending.pk, declined.pk]},
        follow=True,
    )

    html = response.content.decode()
    assert "Granted 1 request." in html
    assert "Left 1 request alone: no longer pending." in html
    other.refresh_from_db()
    assert other.plan == Plan.FREE


def test_staff_decline_a_request_and_the_plan_stays(staff_client, staff, member):
    request = UpgradeRequest.objects.create(user=member, plan=Plan.BASIC, plan_at_request=Plan.FREE)

    staff_client.post(
        reverse("admin:careers_upgraderequest_changelist"),
        {"action": "decline", "_selected_action": [request.pk]},
    )

    request.refresh_from_db()
    assert (request.status, request.decided_by) == (UpgradeStatus.DECLINED, staff)
    member.refresh_from_db()
    assert member.plan == Plan.FREE


def test_granting_a_request_twice_changes_nothing_more(staff, member):
    request = UpgradeRequest.objects.create(user=member, plan=Plan.BASIC, plan_at_request=Plan.FREE)

    assert services.grant_upgrade_request(upgrade_request=request, granted_by=staff)
    history = member.history.count()
    assert not services.grant_upgrade_request(upgrade_request=request, granted_by=staff)
    assert member.history.count() == history


def test_a_granted_member_is_told_by_mail_once_the_grant_is_committed(
    staff_client, member, django_capture_on_commit_callbacks
):
    request = UpgradeRequest.objects.create(
        user=member, plan=Plan.PREMIUM, plan_at_request=Plan.FREE
    )

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:careers_upgraderequest_changelist"),
            {"action": "grant", "_selected_action": [request.pk]},
        )

    [message] = mail.outbox
    assert message.to == ["member@example.com"]
    assert message.subject == "Your Career Explorer plan is now Premium"
    assert "The account member@example.com is on Premium from now on." in message.body


def test_a_declined_member_is_told_by_mail_and_keeps_their_plan(
    staff, member, django_capture_on_commit_callbacks
):
    request = UpgradeRequest.objects.create(user=member, plan=Plan.BASIC, plan_at_request=Plan.FREE)

    with django_capture_on_commit_callbacks(execute=True):
        services.decline_upgrade_request(upgrade_request=request, declined_by=staff)

    [message] = mail.outbox
    assert message.subject == "About your request for the Basic plan"
    assert "stays on the Free plan" in message.body


def test_a_withdrawn_or_rolled_back_decision_mails_nothing(
    staff, member, django_capture_on_commit_callbacks
):
    UpgradeRequest.objects.create(user=member, plan=Plan.BASIC, plan_at_request=Plan.FREE)
    with django_capture_on_commit_callbacks(execute=True) as withdrawn:
        services.withdraw_upgrade_request(user=member)
    request = UpgradeRequest.objects.create(user=member, plan=Plan.BASIC, plan_at_request=Plan.FREE)

    with (
        django_capture_on_commit_callbacks(execute=True) as rolled_back,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.grant_upgrade_request(upgrade_request=request, granted_by=staff)
        raise RuntimeError("the admin action failed after the grant")

    assert withdrawn == []
    assert rolled_back == []
    assert mail.outbox == []
    request.refresh_from_db()
    assert request.status == UpgradeStatus.PENDING


def test_a_mail_server_that_is_down_does_not_undo_a_grant(
    staff, member, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "send_mail", refuse)
    request = UpgradeRequest.objects.create(user=member, plan=Plan.BASIC, plan_at_request=Plan.FREE)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.grant_upgrade_request(upgrade_request=request, granted_by=staff)

    member.refresh_from_db()
    assert member.plan == Plan.BASIC
    assert "mail server down" in caplog.text


def test_staff_cannot_add_requests_by_hand(staff_client):
    response = staff_client.get(reverse("admin:careers_upgraderequest_add"))

    assert response.status_code == 403


# Staff: changing a plan on the user, with history


def user_form(member, **changes):
    data = {
        "email": member.email,
        "plan": member.plan,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return data


def test_a_staff_plan_change_is_kept_with_who_and_when(staff_client, staff, member):
    before = timezone.now()

    response = staff_client.post(
        reverse("admin:careers_user_change", args=[member.pk]), user_form(member, plan="basic")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert member.plan == Plan.BASIC
    change = member.history.first()
    assert change.plan == Plan.BASIC
    assert change.history_user == staff
    assert before <= change.history_date <= timezone.now()
    assert change.history_change_reason == "Plan changed from Free to Basic in admin"
    history_page = staff_client.get(reverse("admin:careers_user_history", args=[member.pk]))
    html = history_page.content.decode()
    assert "staff@example.com" in html
    assert "Plan changed from Free to Basic in admin" in html


def test_a_staff_plan_change_settles_the_request_it_answers(staff_client, staff, member):
    request = UpgradeRequest.objects.create(user=member, plan=Plan.BASIC, plan_at_request=Plan.FREE)

    staff_client.post(
        reverse("admin:careers_user_change", args=[member.pk]), user_form(member, plan="premium")
    )

    request.refresh_from_db()
    assert (request.status, request.decided_by) == (UpgradeStatus.GRANTED, staff)


def test_admin_lists_filters_and_searches_users_by_plan(staff_client, member):
    User.objects.create_user("premium@example.com", "x", plan=Plan.PREMIUM)
    url = reverse("admin:careers_user_changelist")

    html = staff_client.get(url, {"plan__exact": "premium"}).content.decode()
    assert "premium@example.com" in html
    assert "member@example.com" not in html
    html = staff_client.get(url, {"q": "member@"}).content.decode()
    assert "member@example.com" in html
    assert "premium@example.com" not in html


def test_admin_adds_a_user_with_an_email_and_a_plan(staff_client):
    response = staff_client.post(
        reverse("admin:careers_user_add"),
        {
            "email": "Added@Example.com",
            "plan": "basic",
            "usable_password": "true",
            "password1": "plum-orchard-71-lantern",
            "password2": "plum-orchard-71-lantern",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="added@example.com").plan == Plan.BASIC


def test_logging_in_adds_no_row_to_the_plan_history(client, member):
    rows = member.history.count()

    client.post(reverse("login"), {"username": member.email, "password": "x"})

    member.refresh_from_db()
    assert member.last_login is not None
    assert member.history.count() == rows


# Staff: editing what a plan unlocks


def test_staff_change_a_plan_limit_in_admin_with_history(staff_client, staff, client):
    offer = PlanOffer.objects.get(plan=Plan.FREE)

    response = staff_client.post(
        reverse("admin:careers_planoffer_change", args=[offer.pk]),
        {
            "name": offer.name,
            "tagline": offer.tagline,
            "price": offer.price,
            "alternatives_limit": "3",
            "position": offer.position,
        },
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.alternatives_limit == 3
    assert offer.history.first().history_user == staff
    assert (
        "<strong>3</strong> alternative occupations"
        in client.get(reverse("pricing")).content.decode()
    )


def test_plans_cannot_be_deleted_in_admin(staff_client):
    offer = PlanOffer.objects.get(plan=Plan.FREE)

    response = staff_client.get(reverse("admin:careers_planoffer_delete", args=[offer.pk]))

    assert response.status_code == 403


def test_the_plans_fixture_loads_again_without_error(db):
    from django.core.management import call_command

    call_command("loaddata", "plans", verbosity=0)
    call_command("loaddata", "plans", verbosity=0)

    assert PlanOffer.objects.count() == 3


def test_a_request_records_its_time(member):
    result = services.request_upgrade(user=member, plan=Plan.BASIC)

    assert abs(result.request.created_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_ensure_plan_offers_creates_missing_plans_and_keeps_staff_edits(db):
    PlanOffer.objects.filter(plan=Plan.FREE).update(alternatives_limit=3, price="$0, always")
    PlanOffer.objects.filter(plan=Plan.PREMIUM).delete()

    assert services.ensure_plan_offers() == 1
    assert services.ensure_plan_offers() == 0

    free = PlanOffer.objects.get(plan=Plan.FREE)
    assert (free.alternatives_limit, free.price) == (3, "$0, always")
    premium = PlanOffer.objects.get(plan=Plan.PREMIUM)
    assert (premium.name, premium.alternatives_limit) == ("Premium", None)


def test_any_write_to_plan_offers_bumps_the_content_stamp(db):
    from careers.cache import content_version

    before = content_version()
    PlanOffer.objects.filter(plan=Plan.FREE).update(alternatives_limit=3)
    assert content_version() == before + 1
