"""Sign-up, log-in, log-out, lockout, password change and reset, and the account page."""

import re
import threading
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careers import services
from careers.forms import SignupForm
from careers.models import PasswordResetRequest, Plan, SignupRequest, User

PASSWORD = "plum-orchard-71-lantern"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # The password rules are what these tests check; the hash's cost only slows them down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(db):
    return User.objects.create_user("member@example.com", PASSWORD)


@pytest.fixture
def signup(django_capture_on_commit_callbacks):
    """signup(client, email): send the sign-up form, and the mail it sends once committed."""

    def post(client, email="new@example.com", path=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path or reverse("signup"), {"email": email}, **extra)

    return post


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/signup/\S+/\S+/)", message.body).group(1)


def choose_password(client, link, password=PASSWORD, again=None):
    return client.post(link, {"password1": password, "password2": again or password})


def login(client, email="member@example.com", password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_urls_live_where_the_issue_says():
    assert reverse("signup") == "/accounts/signup/"
    assert reverse("login") == "/accounts/login/"
    assert reverse("logout") == "/accounts/logout/"
    assert reverse("account") == "/accounts/"
    assert reverse("pricing") == "/pricing/"
    assert reverse("password_change").startswith("/accounts/")
    assert reverse("password_reset").startswith("/accounts/")


# Sign-up: an address, a mailed link, a password


def test_it_signs_up_by_an_emailed_link_on_the_free_plan_and_logs_in(client, db, signup):
    response = signup(client, email="New.Person@Example.com")

    assert response.status_code == 302
    assert response.url == reverse("signup_sent")
    assert "Check your email" in client.get(response.url).content.decode()
    # Nothing exists until the link is followed.
    assert not User.objects.exists()
    [message] = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert message.subject == "Finish creating your Career Explorer account"

    link = link_in(message)
    form_page = client.get(link)
    assert form_page.status_code == 200
    assert "Choose your password" in form_page.content.decode()
    assert "new.person@example.com" in form_page.content.decode()
    done = choose_password(client, link)

    assert done.status_code == 302
    assert done.url == reverse("account")
    user = User.objects.get()
    assert user.email == "new.person@example.com"
    assert user.plan == Plan.FREE
    assert user.is_active
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "new.person@example.com" in client.get(reverse("account")).content.decode()


def test_a_sign_up_link_works_once(client, db, signup):
    signup(client)
    link = link_in(mail.outbox[0])
    assert choose_password(client, link).status_code == 302

    again = choose_password(Client(), link, password="another-pass-phrase-93")

    assert again.status_code == 200
    assert "This link no longer works" in again.content.decode()
    assert User.objects.get().check_password(PASSWORD)
    assert SignupRequest.objects.get().email == ""


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/signup/MQ/forged-token/",
        "/accounts/signup/!!!/x/",
        "/accounts/signup/ZZZZ/x/",
        # Forty nines: a number too large for any key.
        "/accounts/signup/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ/x/",
    ],
)
def test_a_forged_link_creates_nothing(client, db, path):
    response = choose_password(client, path)

    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
    assert not User.objects.exists()


def test_a_link_older_than_three_days_creates_nothing(client, db, signup):
    signup(client)
    link = link_in(mail.outbox[0])
    # Django's tokens count naive local seconds (PasswordResetTokenGenerator._now).
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    with mock.patch.object(services.signup_tokens, "_now", return_value=later):
        response = choose_password(client, link)

    assert "This link no longer works" in response.content.decode()
    assert not User.objects.exists()


def test_signing_up_with_a_taken_address_answers_alike_and_tells_the_owner(client, member, signup):
    new = signup(Client(), email="someone-new@example.com")
    taken = signup(client, email="MEMBER@example.COM")

    assert (taken.status_code, taken.url) == (new.status_code, new.url)
    assert client.get(taken.url).content == Client().get(new.url).content
    notice = mail.outbox[1]
    assert notice.to == ["member@example.com"]
    assert notice.subject == "Someone tried to sign up with your email address"
    assert "http://testserver/accounts/login/" in notice.body
    assert "http://testserver/accounts/password/reset/" in notice.body
    assert "/accounts/signup/" not in notice.body
    # Nothing about the account changed, and no second account can come of it.
    assert User.objects.count() == 1
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert SignupRequest.objects.get(email="").next_url == ""


def test_sign_up_follows_a_local_next_but_not_a_foreign_one(db, signup):
    for number, (target, landing) in enumerate(
        [("/pricing/", "/pricing/"), ("https://evil.example/", reverse("account"))]
    ):
        client = Client()
        signup(client, email=f"n{number}@example.com", path=f"{reverse('signup')}?next={target}")

        assert choose_password(client, link_in(mail.outbox[-1])).url == landing


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "too common"),
        ("12345678903", "entirely numeric"),
        ("short", "too short"),
        ("new@example.com", "too similar"),
    ],
)
def test_it_refuses_a_weak_password_with_the_reason(client, db, signup, password, message):
    signup(client)
    link = link_in(mail.outbox[0])

    response = choose_password(client, link, password=password)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    # The link still works for a better password.
    assert choose_password(client, link).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": ""},
        {"email": "not an email"},
        {"email": "x" * 300 + "@example.com"},
        {"email": "x@example.com\x00"},
        {"email": ["not an email", "still not"]},
    ],
)
def test_a_bad_sign_up_form_shows_errors_never_a_500(client, db, signup, data):
    with mock.patch.object(services, "sign_up") as sign_up:
        response = client.post(reverse("signup"), data)

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    sign_up.assert_not_called()
    assert not SignupRequest.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"password1": PASSWORD},
        {"password1": PASSWORD, "password2": PASSWORD + "x"},
        {"password1": [PASSWORD, "x"], "password2": "y"},
        {"password1": PASSWORD + "\x00", "password2": PASSWORD + "\x00"},
    ],
)
def test_a_bad_password_form_shows_errors_never_a_500(client, db, signup, data):
    signup(client)

    response = client.post(link_in(mail.outbox[0]), data)

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not User.objects.exists()


# Sign-up limits


def test_sign_up_mails_one_address_at_most_three_times_an_hour(client, member, signup):
    for email in ("new@example.com", "member@example.com"):
        responses = [signup(client, email=email.upper() if n % 2 else email) for n in range(4)]

        # The fourth is answered exactly like the others, but mails nothing.
        assert {(response.status_code, response.url) for response in responses} == {
            (302, reverse("signup_sent"))
        }
        assert [message.to for message in mail.outbox].count([email]) == 3
    assert (
        list(SignupRequest.objects.order_by("created_at").values_list("mailed", flat=True))
        == [True, True, True, False] * 2
    )


def test_the_sign_up_limit_per_address_lifts_after_an_hour(client, db, signup):
    for _ in range(3):
        signup(client)
    SignupRequest.objects.update(created_at=timezone.now() - timedelta(minutes=61))

    signup(client)

    assert len(mail.outbox) == 4


def test_a_client_signing_up_too_often_is_refused_with_a_429_and_no_mail(db, signup):
    for number in range(20):
        response = signup(Client(), email=f"n{number}@example.com", REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302

    refused = signup(Client(), email="one-more@example.com", REMOTE_ADDR="203.0.113.7")

    assert refused.status_code == 429
    assert "Too many sign-ups have come from your network" in refused.content.decode()
    assert len(mail.outbox) == 20
    assert SignupRequest.objects.count() == 20
    # Another client is not held back by this one.
    assert signup(Client(), email="one-more@example.com", REMOTE_ADDR="198.51.100.4").url == (
        reverse("signup_sent")
    )
    assert len(mail.outbox) == 21


def test_sign_up_requests_keep_digests_and_are_forgotten_after_three_days(client, db, signup):
    signup(client, email="old@example.com", REMOTE_ADDR="203.0.113.7")
    SignupRequest.objects.update(created_at=timezone.now() - timedelta(days=3, minutes=1))

    signup(client, email="pending@example.com", REMOTE_ADDR="203.0.113.7")

    kept = SignupRequest.objects.get()
    assert "pending" not in kept.email_digest and "@" not in kept.email_digest
    assert "203.0.113" not in kept.client_digest and kept.client_digest
    # The address stays only while its link can be used.
    assert kept.email == "pending@example.com"
    choose_password(client, link_in(mail.outbox[-1]))
    kept.refresh_from_db()
    assert (kept.email, kept.used_at is not None) == ("", True)


# Double clicks and two tabs: never a 500, never two accounts


def race(requests: int, request, *, hold, at):
    """Send `requests` copies of `request()` from as many threads, each held at the barrier
    once `hold.at` (patched) has run, so that all of them pass that point before any of them
    goes on: the race, every time. The responses."""
    barrier = threading.Barrier(requests, timeout=20)
    real = getattr(hold, at)
    responses = []

    def held(*args, **kwargs):
        result = real(*args, **kwargs)
        barrier.wait()
        return result

    def one():
        try:
            responses.append(request())
        finally:
            connection.close()

    with mock.patch.object(hold, at, held):
        threads = [threading.Thread(target=one) for _ in range(requests)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return responses


def test_racing_sign_ups_with_one_address_all_get_the_same_answer(transactional_db, signup):
    responses = race(
        3, lambda: signup(Client(raise_request_exception=False)), hold=SignupForm, at="clean_email"
    )

    assert [(response.status_code, response.url) for response in responses] == [
        (302, reverse("signup_sent"))
    ] * 3
    assert not User.objects.exists()
    assert SignupRequest.objects.filter(email="new@example.com").count() == 3


def landings(responses):
    return sorted(response.url for response in responses if response.status_code == 302)


def test_racing_uses_of_one_link_make_one_account_and_no_error(transactional_db, signup):
    signup(Client())
    link = link_in(mail.outbox[0])

    responses = race(
        3,
        lambda: choose_password(Client(raise_request_exception=False), link),
        hold=services.SignupTokenGenerator,
        at="check_token",
    )

    # One made the account and is logged in; the others are sent to log in with it.
    assert landings(responses) == [reverse("account")] + [reverse("login")] * 2
    assert User.objects.get().email == "new@example.com"


def test_two_links_for_one_address_used_at_once_make_one_account_and_no_error(
    transactional_db, signup
):
    signup(Client())
    signup(Client())
    links = iter([link_in(message) for message in mail.outbox])

    responses = race(
        2,
        lambda: choose_password(Client(raise_request_exception=False), next(links)),
        hold=services.SignupTokenGenerator,
        at="check_token",
    )

    assert landings(responses) == [reverse("account"), reverse("login")]
    assert User.objects.get().email == "new@example.com"
    assert not SignupRequest.objects.exclude(email="").exists()


def test_a_logged_in_user_is_sent_from_sign_up_to_the_account(client, member):
    client.force_login(member)
    assert client.get(reverse("signup")).url == reverse("account")


# Log-in and log-out


def test_it_logs_in_by_email_in_any_case(client, member):
    response = login(client, email="Member@Example.com")

    assert response.status_code == 302
    assert response.url == reverse("account")
    assert client.session["_auth_user_id"] == str(member.pk)


def test_login_rotates_the_session(client, member):
    session = client.session
    session["probe"] = "before login"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    login(client)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_a_wrong_password_is_a_form_error(client, member):
    response = login(client, password="wrong-password")

    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session_on_the_server(client, member):
    login(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("account")).status_code == 302


def test_logout_by_get_only_asks_for_confirmation(client, member):
    client.force_login(member)

    response = client.get(reverse("logout"))

    assert response.status_code == 200
    assert 'action="/accounts/logout/"' in response.content.decode()
    assert client.session["_auth_user_id"] == str(member.pk)


def test_header_offers_log_in_to_visitors_and_log_out_to_members(client, member):
    html = client.get(reverse("pricing")).content.decode()
    assert 'href="/accounts/login/"' in html
    assert 'href="/accounts/signup/"' in html
    assert "Log out" not in html

    client.force_login(member)
    html = client.get(reverse("pricing")).content.decode()
    assert 'href="/accounts/"' in html
    header = html.split("</header>")[0]
    assert re.search(r'<form method="post" action="/accounts/logout/">\s*<input', header)
    assert "csrfmiddlewaretoken" in header


# Lockout


def test_ten_wrong_passwords_lock_the_account_out_with_a_clear_message(client, member):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, password="guess").status_code == 200

    response = login(client, password="guess")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed log-in attempts" in html
    assert "Try again in 15 minutes" in html
    assert 'href="/static/css/site.css"' in html
    # The right password does not get through while the lock lasts.
    assert login(client).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_also_stops_guessing_from_the_same_address_at_other_accounts(client, member):
    for number in range(settings.AXES_FAILURE_LIMIT):
        login(client, email=f"someone{number}@example.com", password="guess")

    assert login(client).status_code == 429


# Password change and reset


def test_it_changes_the_password_and_keeps_the_session(client, member):
    client.force_login(member)
    new = "violet-harbour-38-compass"

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    member.refresh_from_db()
    assert member.check_password(new)
    assert client.get(reverse("account")).status_code == 200


def test_password_change_needs_the_old_password(client, member):
    client.force_login(member)
    new = "violet-harbour-38-compass"

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_password_reset_mails_a_link_that_sets_a_new_password(client, member):
    response = client.post(reverse("password_reset"), {"email": "MEMBER@example.com"})

    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@example.com"]
    assert message.subject == "Reset your Career Explorer password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    new = "violet-harbour-38-compass"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )

    assert done.url == reverse("password_reset_complete")
    member.refresh_from_db()
    assert member.check_password(new)
    assert login(Client(), password=new).status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def reset(client, email="member@example.com", ip="203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_mails_one_address_at_most_three_times_an_hour(client, member):
    responses = [reset(client, email) for email in ["member@example.com", "Member@Example.com"] * 2]

    # The fourth request is answered exactly like the others, but mails nothing.
    assert [response.status_code for response in responses] == [302] * 4
    assert {response.url for response in responses} == {reverse("password_reset_done")}
    assert len(mail.outbox) == 3
    assert list(
        PasswordResetRequest.objects.order_by("created_at").values_list("mailed", flat=True)
    ) == [True, True, True, False]


def test_the_limit_per_address_lifts_after_an_hour(client, member):
    for _ in range(3):
        reset(client)
    PasswordResetRequest.objects.update(created_at=timezone.now() - timedelta(minutes=61))

    response = reset(client)

    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 4


def test_a_client_asking_too_often_is_refused_with_a_429_and_no_mail(client, member):
    for number in range(20):
        assert reset(client, f"stranger{number}@example.com").status_code == 302

    refused = reset(client)

    assert refused.status_code == 429
    assert "Too many reset requests have come from your network" in refused.content.decode()
    assert mail.outbox == []
    assert PasswordResetRequest.objects.count() == 20
    # Another client is not held back by this one.
    assert reset(Client(), ip="198.51.100.4").status_code == 302
    assert len(mail.outbox) == 1


def test_reset_requests_keep_no_address_and_are_forgotten_after_a_day(client, member):
    reset(client)
    PasswordResetRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))

    reset(client, "other@example.com")

    kept = PasswordResetRequest.objects.get()
    assert "other" not in kept.email_digest and "@" not in kept.email_digest
    assert kept.client_ip == "203.0.113.7"


def test_a_used_or_forged_reset_link_is_refused_politely(client, member):
    response = client.get("/accounts/password/reset/MQ/forged-token/", follow=True)

    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


# Account page


def test_the_account_page_needs_a_login(client, db):
    response = client.get(reverse("account"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('account')}"


def test_the_account_page_shows_the_plan_and_what_it_unlocks(client, member):
    member.plan = Plan.BASIC
    member.save()
    client.force_login(member)

    html = client.get(reverse("account")).content.decode()

    assert "Your plan: Basic" in html
    assert "up to 5 alternative occupations" in html


# CSRF


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("signup", {"email": "c@example.com"}),
        ("login", {"username": "member@example.com", "password": PASSWORD}),
        ("logout", {}),
        ("password_reset", {"email": "member@example.com"}),
    ],
)
def test_forms_refuse_a_post_without_the_csrf_token(member, name, data):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse(name), data)

    assert response.status_code == 403
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_logout_without_the_csrf_token_keeps_the_session(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    assert client.post(reverse("logout")).status_code == 403
    assert client.session["_auth_user_id"] == str(member.pk)


def test_password_change_refuses_a_post_without_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    new = "violet-harbour-38-compass"

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_failures_typed_in_another_case_count_against_the_same_account():
    from django.test import RequestFactory

    from careers.throttling import username

    request = RequestFactory().post("/accounts/login/", {"username": " Someone@Example.ORG "})
    assert username(request, None) == "someone@example.org"
    assert username(request, {"username": "SOMEONE@example.org"}) == "someone@example.org"


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_appended(settings):
    from django.test import RequestFactory

    from careers.throttling import client_ip

    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2"
    )
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"


# The plan as it stands, and its history


def account_html(client, user):
    client.force_login(user)
    return client.get(reverse("account")).content.decode()


def test_the_account_page_shows_the_plan_an_operator_set_not_an_old_grant(client, member):
    from django.core.management import call_command

    staff = User.objects.create_user("staff@example.com", PASSWORD, is_staff=True)
    services.request_upgrade(user=member, plan=Plan.BASIC)
    services.grant_upgrade_request(upgrade_request=member.upgrade_requests.get(), granted_by=staff)
    call_command("set_plan", "member@example.com", "premium", verbosity=0)

    html = account_html(client, member)

    assert "Your plan: Premium" in html
    assert "On Premium since" in html
    # The history, newest first: the operator's change, the grant, the sign-up.
    history = re.search(r'id="history-heading".*?</ol>', html, flags=re.S).group(0)
    entries = re.findall(r"<strong>([^<]+)</strong>", history)
    assert entries == ["Basic to Premium", "Free to Basic", "Free"]
    assert "by our operators. Set on the server, from the command line." in history
    assert re.search(r"Your request for Basic of \w+ \d+, \d{4} was granted\.", history)
    # The old grant is one line of the requests, not the plan's state; no operator's account
    # name and no staff address is shown.
    assert "Your request for Basic" not in html.split('id="history-heading"')[0]
    assert "<strong>Basic</strong>: granted on" in html
    assert "set_plan command" not in html
    assert "staff@example.com" not in html


def test_a_staff_change_in_admin_is_told_without_naming_the_staff_member(client, member):
    staff = User.objects.create_user("staff@example.com", PASSWORD, is_staff=True)
    services.change_plan(
        user=member,
        plan=Plan.BASIC,
        changed_by=staff,
        reason="Plan changed from Free to Basic in admin",
    )

    html = account_html(client, member)

    assert "Free to Basic</strong>, by a member of our staff." in html
    assert "Changed in the site&#x27;s administration." in html
    assert "staff@example.com" not in html


def test_a_pending_request_says_the_day_it_will_be_decided_by(client, member):
    services.request_upgrade(user=member, plan=Plan.PREMIUM)
    friday = timezone.make_aware(datetime(2031, 5, 2, 16, 0))  # a Friday afternoon
    member.upgrade_requests.update(created_at=friday)

    with mock.patch("careers.plan_history.localdate", return_value=friday.date()):
        html = account_html(client, member)

    assert "Our staff decide within 2 working days (Monday to Friday)" in html
    assert "so by <strong>Tuesday, May 6, 2031</strong>" in html
    assert "That day has passed" not in html
    # Later than promised: said plainly, and the request keeps its place.
    wednesday = friday.date() + timedelta(days=5)
    with mock.patch("careers.plan_history.localdate", return_value=wednesday):
        html = client.get(reverse("account")).content.decode()
    assert "That day has passed, and we are sorry for the wait." in html


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        (datetime(2031, 5, 2, 16, 0), "2031-05-06"),  # Friday: Monday, Tuesday
        (datetime(2031, 5, 3, 10, 0), "2031-05-06"),  # Saturday
        (datetime(2031, 5, 4, 23, 0), "2031-05-06"),  # Sunday
        (datetime(2031, 4, 30, 9, 0), "2031-05-02"),  # Wednesday: Thursday, Friday
        (datetime(2031, 5, 1, 9, 0), "2031-05-05"),  # Thursday: Friday, Monday
    ],
)
def test_an_upgrade_is_decided_within_two_working_days(asked, due):
    from careers.plans import DECISION_WORKING_DAYS, decision_due

    assert DECISION_WORKING_DAYS == 2
    assert decision_due(timezone.make_aware(asked)).isoformat() == due


def test_the_decision_days_are_written_in_one_place(client, member, monkeypatch):
    import careers.plans

    monkeypatch.setattr(careers.plans, "DECISION_WORKING_DAYS", 3)
    client.force_login(member)
    assert (
        "within <strong>3 working days</strong>" in client.get(reverse("pricing")).content.decode()
    )
    response = client.post(reverse("upgrade-request"), {"plan": "basic"}, follow=True)
    assert "(within 3 working days)" in response.content.decode()
    assert "within 3 working days (Monday to Friday)" in response.content.decode()


def test_the_account_page_query_count_does_not_grow_with_its_history(
    client, member, django_assert_max_num_queries
):
    for plan in [Plan.BASIC, Plan.PREMIUM, Plan.FREE] * 5:
        services.change_plan(user=member, plan=plan)
    for _ in range(5):
        services.request_upgrade(user=member, plan=Plan.BASIC)
        services.withdraw_upgrade_request(user=member)
    client.force_login(member)
    # session, user, plan offer, plan history, upgrade requests
    with django_assert_max_num_queries(5):
        html = client.get(reverse("account")).content.decode()
    assert html.count("withdrawn by you on") == 5
    assert html.count("Premium to Free</strong>") == 5


def test_the_pricing_page_says_what_each_plan_unlocks_and_how_upgrades_are_decided(client, db):
    html = client.get(reverse("pricing")).content.decode()
    assert "Up to <strong>2</strong> alternative occupations on every occupation's page" in html
    assert '<p class="plan-price">No charge</p>' in html
    assert "within <strong>2 working days</strong> (Monday to Friday)" in html
    assert "emails you the decision" in html


# Password rules in the site's words

STOCK_RULES = [
    "too similar to your other personal information",
    "must contain at least 8 characters",
    "commonly used password",
    "entirely numeric",
]
SITE_RULES = [
    "Not too close to your email address.",
    "At least 8 characters long.",
    "Not one of the thousands of passwords people use most often.",
    "Not made of digits alone: add a letter or a sign.",
]


def assert_site_rules(html):
    for stock in STOCK_RULES:
        assert stock not in html, stock
    for rule in SITE_RULES:
        assert rule in html, rule


def test_the_sign_up_password_page_gives_the_rules_in_the_sites_words(client, db, signup):
    signup(client)
    html = client.get(link_in(mail.outbox[0])).content.decode()
    assert_site_rules(html)
    # The validators still decide.
    response = choose_password(client, link_in(mail.outbox[0]), password="12345678903")
    assert "entirely numeric" in response.content.decode()
    assert not User.objects.exists()


def test_the_change_and_reset_password_pages_give_the_same_rules(client, member):
    client.force_login(member)
    assert_site_rules(client.get(reverse("password_change")).content.decode())
    client.logout()
    client.post(reverse("password_reset"), {"email": "member@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert_site_rules(client.get(link.group(1), follow=True).content.decode())


def test_the_rules_follow_the_configured_validators(client, db, signup, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        },
    ]
    signup(client)
    html = client.get(link_in(mail.outbox[0])).content.decode()
    assert "At least 12 characters long." in html
    assert "Not too close to your email address." not in html
