"""Who a request is counted against, and the limits on guessing passwords (docs/production.md,
"Logging in: the limits, and what an attacker can and cannot do")."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from careers import throttling
from careers.models import PasswordResetRequest, User

PASSWORD = "plum-orchard-71-lantern"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(db):
    return User.objects.create_user("member@example.com", PASSWORD)


def login(client, email="member@example.com", password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


# Client addresses


@pytest.mark.parametrize(
    ("entry", "address"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("203.0.113.7:443", "203.0.113.7"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("fe80::1%eth0", "fe80::1"),
    ],
)
def test_a_forwarded_address_is_read_in_every_form_proxies_write(entry, address):
    assert throttling.parse_address(entry) == address


@pytest.mark.parametrize(
    "entry",
    [
        "unknown",
        "_hidden",
        "garbage",
        "",
        "203.0.113",
        "203.0.113.300",
        "203.0.113.7:",
        "203.0.113.7:https",
        "203.0.113.7:443:1",
        "203.0.113.7:123456",
        "[2001:db8::1",
        "[2001:db8::1]443",
        "[203.0.113.7]x",
        "2001:db8::1::2",
        "\x00",
        "١٢٣.1.1.1",
    ],
)
def test_anything_else_in_the_header_is_not_an_address(entry):
    assert throttling.parse_address(entry) is None


def forwarded(header, remote="10.0.0.2"):
    return RequestFactory().get("/", HTTP_X_FORWARDED_FOR=header, REMOTE_ADDR=remote)


@pytest.mark.parametrize(
    ("header", "count", "address"),
    [
        ("203.0.113.9", 1, "203.0.113.9"),
        ("6.6.6.6, 203.0.113.9", 1, "203.0.113.9"),
        ("6.6.6.6, 203.0.113.9:51234", 1, "203.0.113.9"),
        ("6.6.6.6, 203.0.113.9, 10.0.0.1", 2, "203.0.113.9"),
        ("unknown, [2001:db8::9]:443", 1, "2001:db8::9"),
        # The outermost proxy wrote no address: the connection's address is all we know.
        ("6.6.6.6, unknown", 1, "10.0.0.2"),
        ("6.6.6.6, not an address", 1, "10.0.0.2"),
        # Fewer entries than proxies: the header did not come through them all.
        ("203.0.113.9", 2, "10.0.0.2"),
        ("", 1, "10.0.0.2"),
        # No proxy is trusted: the header is the client's own and is ignored.
        ("203.0.113.9", 0, "10.0.0.2"),
    ],
)
def test_the_client_is_the_entry_the_outermost_trusted_proxy_appended(
    settings, header, count, address
):
    settings.TRUSTED_PROXY_COUNT = count
    assert throttling.client_ip(forwarded(header)) == address


def test_an_unusable_remote_addr_is_no_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert throttling.client_ip(forwarded("", remote="")) is None
    assert throttling.client_ip(forwarded("", remote="unix:/run/app.sock")) is None


@pytest.mark.parametrize(
    ("header", "address"),
    [
        ("203.0.113.7:443", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("unknown", "127.0.0.1"),
        ("garbage", "127.0.0.1"),
        ("1.2.3.4, 5.6.7.8, 9.9.9.9", "9.9.9.9"),
        (",,,", "127.0.0.1"),
        ("x" * 4000, "127.0.0.1"),
    ],
)
def test_any_forwarded_header_is_counted_and_never_a_500(settings, member, header, address):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(raise_request_exception=False)

    failed = login(client, password="guess", HTTP_X_FORWARDED_FOR=header)
    reset = client.post(
        reverse("password_reset"), {"email": member.email}, HTTP_X_FORWARDED_FOR=header
    )

    assert failed.status_code == 200
    assert "do not match an account" in failed.content.decode()
    assert reset.status_code == 302
    assert reset.url == reverse("password_reset_done")
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == (member.email, 1)
    assert attempt.ip_address == address
    assert PasswordResetRequest.objects.get().client_ip == address


def test_the_client_port_does_not_make_a_new_client(settings, member):
    """Some proxies append the client's source port, which changes with every connection."""
    settings.TRUSTED_PROXY_COUNT = 1
    for port in range(40000, 40000 + settings.AXES_FAILURE_LIMIT):
        login(
            Client(),
            f"someone{port}@example.com",
            "guess",
            HTTP_X_FORWARDED_FOR=f"203.0.113.7:{port}",
        )

    assert login(Client(), HTTP_X_FORWARDED_FOR="203.0.113.7:50000").status_code == 429
    assert login(Client(), HTTP_X_FORWARDED_FOR="198.51.100.4:50000").status_code == 302


def test_rotating_what_the_client_writes_in_the_header_does_not_make_a_new_client(settings, member):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(settings.AXES_FAILURE_LIMIT):
        # The client writes a new address each time; the proxy appends the one it saw.
        header = f"192.0.2.{number}, 203.0.113.7"
        login(Client(), f"someone{number}@example.com", "guess", HTTP_X_FORWARDED_FOR=header)

    assert login(Client(), HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.7").status_code == 429
    assert AccessAttempt.objects.values("ip_address").distinct().count() == 1


def test_without_a_trusted_proxy_the_header_is_ignored(settings, member):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(settings.AXES_FAILURE_LIMIT):
        login(
            Client(),
            f"someone{number}@example.com",
            "guess",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )

    assert login(Client(), HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


# A successful login forgets only its own account's failures


def guess(email="member@example.com", times=1, ip="203.0.113.7"):
    """Wrong passwords from one address, each from a fresh client (as a script would)."""
    return [login(Client(), email, "guess", REMOTE_ADDR=ip).status_code for _ in range(times)]


@pytest.fixture
def attacker(db):
    return User.objects.create_user("attacker@example.com", PASSWORD)


def test_a_login_to_another_account_does_not_clear_failures(settings, member, attacker):
    limit = settings.AXES_FAILURE_LIMIT
    assert guess(times=limit - 1) == [200] * (limit - 1)
    # The attacker logs into an account of their own, from the same address.
    assert login(Client(), attacker.email, REMOTE_ADDR="203.0.113.7").status_code == 302

    assert guess() == [429]

    # Locked for everybody: the right password, from another address, does not get in either.
    assert login(Client(), REMOTE_ADDR="198.51.100.4").status_code == 429
    counted = AccessAttempt.objects.filter(username=member.email)
    # The refused attempt counts too: the lock starts again from the latest attempt.
    assert sum(counted.values_list("failures_since_start", flat=True)) == limit + 1


def test_a_login_does_not_clear_its_addresss_failures_against_other_accounts(
    settings, member, attacker
):
    limit = settings.AXES_FAILURE_LIMIT
    for number in range(limit - 1):
        guess(f"someone{number}@example.com")
    assert login(Client(), attacker.email, REMOTE_ADDR="203.0.113.7").status_code == 302

    assert guess("someone-else@example.com") == [429]

    # The address is locked, whatever account it tries next...
    assert login(Client(), REMOTE_ADDR="203.0.113.7").status_code == 429
    # ...while the account, which nobody guessed at, still works from elsewhere.
    assert login(Client(), REMOTE_ADDR="198.51.100.4").status_code == 302


def test_interleaved_successes_never_buy_more_than_ten_guesses(settings, member, attacker):
    limit = settings.AXES_FAILURE_LIMIT
    answers = []
    for _ in range(3):
        answers += guess(times=3)
        login(Client(), attacker.email, REMOTE_ADDR="203.0.113.7")
        answers += guess(times=3, ip="198.51.100.4")
        login(Client(), attacker.email, REMOTE_ADDR="198.51.100.4")

    assert answers.index(429) == limit - 1
    assert set(answers[limit - 1 :]) == {429}


def test_a_successful_login_clears_the_accounts_own_failures(settings, member):
    limit = settings.AXES_FAILURE_LIMIT
    guess(times=limit - 1)
    assert login(Client(), REMOTE_ADDR="198.51.100.4").status_code == 302
    assert not AccessAttempt.objects.filter(username=member.email).exists()

    assert guess(times=limit - 1) == [200] * (limit - 1)


# Every limit, and the way out for the owner (docs/production.md, "Logging in")


def test_ten_wrong_passwords_from_ten_addresses_lock_the_account(settings, member):
    for number in range(settings.AXES_FAILURE_LIMIT):
        guess(ip=f"192.0.2.{number}")

    response = login(Client(), REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()


def test_ten_wrong_passwords_from_one_address_lock_that_address_only(settings, member):
    for number in range(settings.AXES_FAILURE_LIMIT):
        guess(f"someone{number}@example.com")

    assert login(Client(), REMOTE_ADDR="203.0.113.7").status_code == 429
    assert login(Client(), REMOTE_ADDR="198.51.100.4").status_code == 302


def age_failures(minutes):
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_the_lock_ends_fifteen_minutes_after_the_latest_attempt(settings, member):
    guess(times=settings.AXES_FAILURE_LIMIT)
    age_failures(14)
    # An attempt during the lock is refused, and starts the fifteen minutes again.
    assert login(Client(), REMOTE_ADDR="198.51.100.4").status_code == 429
    age_failures(14)
    assert login(Client(), REMOTE_ADDR="198.51.100.4").status_code == 429

    age_failures(16)

    assert login(Client(), REMOTE_ADDR="198.51.100.4").status_code == 302


def reset_password(client, email, new_password):
    """Ask for a reset link, follow it and choose `new_password`; the last response."""
    client.post(reverse("password_reset"), {"email": email})
    body = mail.outbox[-1].body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", body).group(1)
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )


NEW_PASSWORD = "violet-harbour-38-compass"


def test_a_completed_password_reset_lets_the_owner_in_and_lifts_the_lock(settings, member):
    guess(times=settings.AXES_FAILURE_LIMIT)
    owner = Client(REMOTE_ADDR="198.51.100.4")
    assert login(owner).status_code == 429
    # Asking for the link lifts nothing by itself: it may not be the owner asking.
    owner.post(reverse("password_reset"), {"email": member.email})
    assert login(Client(), REMOTE_ADDR="198.51.100.4").status_code == 429

    done = reset_password(owner, member.email, NEW_PASSWORD)

    assert done.status_code == 200
    assert f"You are logged in as {member.email}" in done.content.decode()
    assert owner.session["_auth_user_id"] == str(member.pk)
    assert not AccessAttempt.objects.filter(username=member.email).exists()
    assert login(Client(), password=NEW_PASSWORD, REMOTE_ADDR="192.0.2.50").status_code == 302


def test_the_reset_lets_the_owner_in_even_from_a_locked_address(settings, member):
    for number in range(settings.AXES_FAILURE_LIMIT):
        guess(f"someone{number}@example.com")
    owner = Client(REMOTE_ADDR="203.0.113.7")
    assert login(owner).status_code == 429

    reset_password(owner, member.email, NEW_PASSWORD)

    assert owner.get(reverse("account")).status_code == 200
    # The address stays locked for the other accounts it guessed at.
    assert guess("someone0@example.com") == [429]


def test_resetting_ones_own_password_does_not_clear_failures_against_others(
    settings, member, attacker
):
    limit = settings.AXES_FAILURE_LIMIT
    guess(times=limit - 1)
    reset_password(Client(REMOTE_ADDR="203.0.113.7"), attacker.email, NEW_PASSWORD)

    assert guess() == [429]
    assert login(Client(), REMOTE_ADDR="198.51.100.4").status_code == 429


def test_the_lock_page_offers_the_reset_as_the_way_in(settings, member):
    guess(times=settings.AXES_FAILURE_LIMIT - 1)

    html = login(Client(), password="guess", REMOTE_ADDR="203.0.113.7").content.decode()

    assert 'href="/accounts/password/reset/"' in html
    assert "Setting the new password logs you in straight away" in html
