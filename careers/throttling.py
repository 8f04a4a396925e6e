"""Who a failed login is counted against, for django-axes."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies it is the entry they appended
    to X-Forwarded-For; otherwise every request would seem to come from the proxy, and ten
    failures by anybody would lock everybody out."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def username(request, credentials) -> str:
    """The login as stored: emails are kept lower-case, so 'A@x.org' and 'a@x.org' count as one
    account's failures and a change of case cannot buy more guesses."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()
