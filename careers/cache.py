"""The site's one cache rule: everything a page renders from is cached under the content version.

- The content version is one row of careers_contentstamp. A statement-level trigger on every table
  that pages render from bumps it in the same transaction as the write (careers.triggers), so
  any committed change, made in admin, by an import, in a shell or in plain SQL, moves every
  reader to a new version on its next request; old keys are never read again and expire.
- A request reads the version once (content_version(request)) and passes it down; everything
  cached while answering that request is filed under that one version.
- cached() is the one helper. Its key holds the version and validated values only (ids, known
  choices, normalised parameters), never a visitor's free text, so nobody can fill the cache
  with variants of a URL.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string

from careers.models import ContentStamp

CONTENT = "content"
# Keys expire even though a new version makes them unreachable: the cache stays bounded.
TIMEOUT = 60 * 60
_REQUEST_ATTRIBUTE = "_careers_content_version"


def _read_version() -> int:
    # A plain statement, not the ORM's query building: a quarter of the time, on every request.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version FROM {ContentStamp._meta.db_table} WHERE key = %s",  # noqa: S608
            [CONTENT],
        )
        row = cursor.fetchone()
    return row[0] if row else 0


def content_version(request=None) -> int:
    """The content version: read from the database once per request (remembered on `request`),
    or afresh when there is no request."""
    if request is None:
        return _read_version()
    version = getattr(request, _REQUEST_ATTRIBUTE, None)
    if version is None:
        version = _read_version()
        setattr(request, _REQUEST_ATTRIBUTE, version)
    return version


def cache_key(name: str, *parts, version: int) -> str:
    raw = "\x1f".join(str(part) for part in parts)
    return f"{name}:{version}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached(name: str, *parts, version: int, compute, timeout: int = TIMEOUT):
    """compute() for these key parts under this content version, computed only on a miss.

    A None result is not stored: a lookup that finds nothing is asked again next time, but
    leaves nothing behind, so requests for things that do not exist cannot fill the cache.
    """
    key = cache_key(name, *parts, version=version)
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is not None:
            cache.set(key, value, timeout)
    return value


@dataclass(frozen=True)
class Fragment:
    """HTML that one of our templates rendered (and so escaped), with the plain values that go
    with it (`meta`: a page's title, description and breadcrumbs).

    __html__ is the one place cached HTML is trusted as safe: Django's templates print an
    object that has it without escaping it again.
    """

    html: str
    meta: dict = field(default_factory=dict)

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def cached_fragment(name: str, *parts, version: int, template: str, context) -> Fragment:
    """`template` rendered once per key and served from the cache afterwards.

    `context` is a callable, so nothing is queried on a hit; the `meta` entry of the context it
    returns (if any) is kept with the HTML.
    """

    def render() -> Fragment:
        values = context()
        return Fragment(render_to_string(template, values), values.get("meta", {}))

    return cached(name, *parts, version=version, compute=render)
