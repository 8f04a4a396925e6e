import logging
import sys

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import has_vary_header, patch_cache_control
from whitenoise.middleware import WhiteNoiseMiddleware

logger = logging.getLogger(__name__)

# Set on the request when a database outage was turned into a 500 deeper in the stack.
_MARK = "_careers_database_unavailable"


def is_database_outage(exception) -> bool:
    """True for errors that mean "PostgreSQL cannot be reached", not "this query is wrong"."""
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    return isinstance(exception, DatabaseError) and "connection" in str(exception).lower()


def unavailable_response() -> HttpResponse:
    # A static template, rendered without a request: no context processor may touch the database.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response


def _mark_outage(sender, request=None, **kwargs):
    if request is not None and is_database_outage(sys.exc_info()[1]):
        setattr(request, _MARK, True)


# Django turns an exception raised inside any middleware (the session middleware saving a
# session, authentication loading a user) into a 500 right where it happens, so an outer
# middleware never sees the exception itself. The signal fires inside that except block:
# note the outage on the request, and __call__ below swaps the 500 for the 503 page.
got_request_exception.connect(_mark_outage, dispatch_uid="careers-database-unavailable")


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain page while PostgreSQL is unreachable, instead of a traceback.

    Covers failures in views, in template rendering and in the middleware below this one.
    Connections are health-checked (CONN_HEALTH_CHECKS), so once the server is back the next
    request reconnects without restarting the app.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, _MARK, False):
            logger.warning("Database unavailable: answered %s with 503", request.path)
            return unavailable_response()
        return response

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            logger.warning("Database unavailable: %s", exception)
            return unavailable_response()
        return None


class UnreadableFormMiddleware:
    """Answer 400 with the site's page for a form POST that declares a charset other than UTF-8.

    Django refuses to read such a body (a form is UTF-8 by definition) by raising BadRequest from
    request.POST, but does not remember that it did: every later read raises again. The CSRF
    check reads it first; Django's 400 handling then reads it again (the default 400 view's CSRF
    decorator, the DEBUG error page), so the answer was a 500, on every URL. Deciding here, from
    the same test Django applies and before anything reads the body, answers every URL alike.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # request.encoding is the declared charset when Python knows it; an unknown one is
        # ignored by Django, which then reads the form as UTF-8.
        if (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and request.encoding is not None
            and request.encoding.lower() != "utf-8"
        ):
            return render(request, "400.html", status=400)
        return self.get_response(request)


class PrivateWhenPersonalMiddleware:
    """Mark every response that varies on the Cookie header `Cache-Control: private`.

    Such a response was built for one session: a member's profile page with the alternatives
    their plan unlocks, the account pages, the header's "Log out". `Vary: Cookie` asks a shared
    cache to keep one copy per cookie, but a cache that ignores Vary would hand one member's
    page to the next visitor; `private` keeps such pages out of shared caches altogether. One
    rule here, above the session and CSRF middleware that add `Vary: Cookie`, so that no view
    can forget it; directives already present (no-store, no-cache, max-age) are kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if has_vary_header(response, "Cookie"):
            patch_cache_control(response, private=True)
        return response


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` (settings.PERMISSIONS_POLICY) with every response: the site
    uses no camera, microphone, location, payment or other powerful browser feature, so none
    may be used by it or anything it could be made to load."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, except that it never serves collectstatic's manifest (staticfiles.json).

    The manifest lists every collected file, the admin's and the tables' included, with the
    hash of its content. Each of those files is public, so the list reveals no secret, but no
    browser needs it (Django reads it from disk to write the hashed names into pages) and it
    would save a scanner the guessing of which Django and which libraries answer here.
    """

    manifest = ManifestFilesMixin.manifest_name

    def _is_manifest(self, url: str) -> bool:
        return url == self.static_prefix + self.manifest

    def add_file_to_dictionary(self, url, path, stat_cache=None):
        # The files found at start-up (production).
        if not self._is_manifest(url):
            super().add_file_to_dictionary(url, path, stat_cache=stat_cache)

    def candidate_paths_for_url(self, url):
        # The files looked up on each request (WHITENOISE_AUTOREFRESH, the default under DEBUG).
        if not self._is_manifest(url):
            yield from super().candidate_paths_for_url(url)
