"""Who a request comes from, who a failed login is counted against, and when those failures
are forgotten (django-axes)."""

import ipaddress
import re

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings

# A port as proxies write it after an address: '203.0.113.7:443', '[2001:db8::1]:443'.
_PORT = re.compile(r"[0-9]{1,5}")


def parse_address(value: str) -> str | None:
    """The IP address in one X-Forwarded-For entry (or in REMOTE_ADDR), written the one way
    PostgreSQL and the throttles compare it; None when the value is not an address.

    Proxies write an entry as '203.0.113.7', '203.0.113.7:443', '2001:db8::1',
    '[2001:db8::1]' or '[2001:db8::1]:443'; some write 'unknown' or an obfuscated name when
    they have no address, and a client may put anything before the proxies' entries.
    """
    value = value.strip()
    if value.startswith("["):
        value, bracket, port = value[1:].partition("]")
        if not bracket or (port and not (port[0] == ":" and _PORT.fullmatch(port[1:]))):
            return None
    elif value.count(":") == 1:  # IPv4 with a port; bare IPv6 has at least two colons
        value, _, port = value.partition(":")
        if not _PORT.fullmatch(port):
            return None
    # A zone ('fe80::1%eth0') means something only on the host that wrote it.
    value = value.partition("%")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d: one client, one address.
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_ip(request) -> str | None:
    """The client's address, for the per-client limits on logging in, password resets and
    sign-ups.

    Behind TRUSTED_PROXY_COUNT proxies it is the entry the outermost of them appended to
    X-Forwarded-For (otherwise every request would seem to come from the proxy, and ten
    failures by anybody would lock everybody out). Entries before that one come from the
    client, who can write anything there, so they are never read: rotating them cannot make
    one client look like many. When the header is shorter than the proxies would make it, or
    that entry is not an address, the connection's own address (REMOTE_ADDR) is used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            address = parse_address(hops[-count])
            if address:
                return address
    return parse_address(request.META.get("REMOTE_ADDR", ""))


def username(request, credentials) -> str:
    """The login as stored: emails are kept lower-case, so 'A@x.org' and 'a@x.org' count as one
    account's failures and a change of case cannot buy more guesses."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def clear_login_failures(*, username: str) -> int:
    """Forget the failed logins counted against one account, from every address; failures from
    those addresses against other accounts still count."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted


class AccountLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, except that a successful login forgets only the failures
    counted against the account that logged in.

    Failures are counted per account and per address (AXES_LOCKOUT_PARAMETERS). On a success,
    axes' own handler deletes every failure that matches either of them: the account's, and
    every failure from the client's address, whatever account it was against. Logging into an
    account of one's own after every nine wrong guesses at someone else's would then keep both
    counts below ten forever.
    """

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        return clear_login_failures(username=username) if username else 0
