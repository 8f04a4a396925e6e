"""Security hardening: production settings pass `check --deploy`, and every response carries
the headers and cookies that keep the site out of frames, off plain HTTP and free of injected
scripts.

Production settings are read at import time, so the production cases run Django in a
subprocess with the environment a deployment would give it.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.test import Client

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(**extra) -> dict:
    settings_dict = connection.settings_dict
    # A test-only switch (the browser tests set it); check --deploy rightly refuses it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "careers.settings",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "careers.example.com",
        # The test database, so that pages which read it render.
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **{key: settings_dict[key] or "" for key in ("USER", "HOST", "PORT", "NAME")}
        ),
        "LOG_LEVEL": "CRITICAL",
        **extra,
    }


def run_django(script: str, *args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=BASE_DIR,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings(db):
    result = run_django(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(db):
    result = run_django("import django; django.setup()", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(db):
    result = run_django("import django; django.setup()", ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


PRODUCTION_CLIENT = """
import json, sys, django
from django.conf import settings
# collectstatic's manifest is a deployment step these checks do not need.
settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
django.setup()
from django.test import Client

client = Client(HTTP_HOST="careers.example.com", raise_request_exception=False)
out = {"settings": {
    name: getattr(settings, name) for name in (
        "SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_PATH", "SESSION_COOKIE_DOMAIN", "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_NAME", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_PATH", "CSRF_COOKIE_DOMAIN",
    )
}}
plain = client.get("/robots.txt")
out["plain"] = {"status": plain.status_code, "location": plain.get("Location")}
for path in sys.argv[1:]:
    response = client.get(path, secure=True)
    out[path] = {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {
            name: {key: morsel[key] for key in ("secure", "path", "domain", "httponly", "samesite")}
            for name, morsel in response.cookies.items()
        },
    }
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        result = run_django(PRODUCTION_CLIENT, "/", "/robots.txt", "/admin/login/")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_redirects_plain_http_to_https(production):
    assert production["plain"]["status"] == 301
    assert production["plain"]["location"] == "https://careers.example.com/robots.txt"


@pytest.mark.parametrize("path", ["/", "/robots.txt", "/admin/login/"])
def test_production_responses_carry_the_security_headers(production, path):
    response = production[path]
    assert response["status"] == 200
    headers = response["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert_strict_policy(headers["Content-Security-Policy"])
    assert_denies_powerful_features(headers["Permissions-Policy"])


def test_production_cookies_are_host_only_secure_and_prefixed(production):
    settings = production["settings"]
    # The __Host- prefix makes the browser refuse the cookie unless it is Secure, has Path=/
    # and no Domain: a sibling subdomain can then neither set nor read it.
    for prefix in ("SESSION_COOKIE", "CSRF_COOKIE"):
        assert settings[f"{prefix}_NAME"].startswith("__Host-")
        assert settings[f"{prefix}_SECURE"] is True
        assert settings[f"{prefix}_PATH"] == "/"
        assert settings[f"{prefix}_DOMAIN"] is None
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"

    csrf = production["/admin/login/"]["cookies"]["__Host-csrftoken"]
    assert csrf["secure"] is True
    assert csrf["path"] == "/"
    assert csrf["domain"] == ""


def parse_policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_policy(header: str) -> None:
    policy = parse_policy(header)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header


@pytest.mark.parametrize(
    "path", ["/", "/occupations/", "/search/?q=nurse", "/no-such-page/", "/admin/login/"]
)
def test_every_page_carries_the_strict_content_security_policy(client, db, path):
    response = client.get(path)
    assert_strict_policy(response["Content-Security-Policy"])


# An inline <script> (one without src=), an event-handler attribute or an inline style would be
# blocked by the policy above: the page would silently lose behaviour or layout.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    "path", ["/", "/occupations/", "/search/", "/search/?q=nurse", "/no-such-page/"]
)
def test_site_pages_need_no_inline_script_or_style(client, db, path):
    html = client.get(path).content.decode()
    assert not INLINE_SCRIPT.findall(html)
    assert not INLINE_HANDLER.findall(html)
    assert not INLINE_STYLE.findall(html)


def test_unknown_host_is_refused(client, db):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400


# Requests whose body cannot be read: a 400 with the site's own page, never a 500


def bad_request_page(response):
    html = response.content.decode()
    return (
        response.status_code == 400
        and "We could not read that request" in html
        and 'href="/static/css/site.css"' in html
    )


@pytest.fixture
def csrf_client(db, settings):
    """A client that, like a browser, has a CSRF cookie, so CSRF checking reads the form."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies[settings.CSRF_COOKIE_NAME] = "k" * 32
    return client


FORM_PATHS = [
    "/",
    "/search/",
    "/occupations/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/pricing/request/",
    "/admin/login/",
]


@pytest.mark.parametrize("charset", ["utf8", "UTF8", "latin-1", "iso-8859-1", "utf-16", "ascii"])
@pytest.mark.parametrize("path", FORM_PATHS)
def test_a_form_in_another_charset_is_a_400_with_the_site_page_on_every_url(
    csrf_client, path, charset
):
    response = csrf_client.generic(
        "POST",
        path,
        b"csrfmiddlewaretoken=k&username=a%40example.com",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )

    assert bad_request_page(response), (response.status_code, response.content[:200])


def test_a_form_in_another_charset_is_a_400_under_debug_too(csrf_client, settings):
    settings.DEBUG = True

    response = csrf_client.generic(
        "POST", "/search/", b"q=a", content_type="application/x-www-form-urlencoded; charset=utf8"
    )

    assert bad_request_page(response)


def test_a_form_with_too_many_fields_or_too_large_is_a_400_with_the_site_page(csrf_client):
    many = "&".join(f"f{number}=1" for number in range(1200)).encode()
    large = b"q=" + b"x" * (3 * 1024 * 1024)

    for body in (many, large):
        response = csrf_client.generic(
            "POST", "/search/", body, content_type="application/x-www-form-urlencoded"
        )
        assert bad_request_page(response)


def test_an_unknown_host_gets_the_site_page(client, db):
    assert bad_request_page(client.get("/", HTTP_HOST="evil.example.com"))


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "no-such-charset"])
def test_a_form_in_utf8_or_an_unknown_charset_is_read_as_utf8(db, settings, charset):
    """Django ignores a charset it does not know and reads the form as UTF-8, as browsers send."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User = get_user_model()
    User.objects.create_user("member@example.com", "plum-orchard-71-lantern")
    client = Client(raise_request_exception=False)

    response = client.generic(
        "POST",
        "/accounts/login/",
        b"username=member%40example.com&password=plum-orchard-71-lantern",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


# Pages built for one session stay out of shared caches


@pytest.fixture
def premium_member(db):
    from careers.models import Plan

    return get_user_model().objects.create_user(
        "premium@example.com", "plum-orchard-71-lantern", plan=Plan.PREMIUM
    )


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    "path", ["/", "/pricing/", "/occupations/medical-records-specialist/", "/accounts/"]
)
@pytest.mark.parametrize("logged_in", [False, True])
def test_pages_that_depend_on_the_session_are_private(client, premium_member, path, logged_in):
    if logged_in:
        client.force_login(premium_member)

    response = client.get(path)

    assert response.status_code == (302 if path == "/accounts/" and not logged_in else 200)
    assert "Cookie" in response["Vary"]
    assert "private" in cache_directives(response)
    assert "public" not in cache_directives(response)
    if logged_in and path != "/accounts/":
        assert "premium@example.com" not in response.content.decode()
        assert 'action="/accounts/logout/"' in response.content.decode()


def test_marking_private_keeps_no_store_and_no_cache(client, db):
    directives = cache_directives(client.get("/admin/login/"))

    assert {"private", "no-store", "no-cache", "must-revalidate", "max-age=0"} <= directives


def test_a_page_the_same_for_everybody_stays_cacheable(client, db):
    response = client.get("/robots.txt")

    assert not response.has_header("Vary")
    assert "private" not in cache_directives(response)


# Permissions-Policy


def assert_denies_powerful_features(header: str) -> None:
    allowed = dict(part.strip().split("=", 1) for part in header.split(","))
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "browsing-topics",
        "interest-cohort",
    ):
        assert allowed[feature] == "()", feature
    assert set(allowed.values()) == {"()"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/robots.txt",
        "/healthz",
        "/no-such-page/",
        "/accounts/login/",
        "/admin/login/",
        "/static/css/site.css",
    ],
)
def test_every_response_denies_powerful_browser_features(client, db, path):
    response = client.get(path)

    assert response.status_code in (200, 404)
    assert_denies_powerful_features(response["Permissions-Policy"])


def test_the_bad_request_and_outage_pages_deny_them_too(client, db):
    bad_host = client.get("/", HTTP_HOST="evil.example")
    with mock.patch(
        "occupations.models.Occupation.objects.with_profile",
        side_effect=OperationalError("connection refused"),
    ):
        outage = client.get("/")

    assert (bad_host.status_code, outage.status_code) == (400, 503)
    for response in (bad_host, outage):
        assert_denies_powerful_features(response["Permissions-Policy"])


# gunicorn, as make serve-prod and the README start it


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_prod_and_the_readme_start_gunicorn_with_its_config():
    command = "gunicorn careers.wsgi --config python:careers.gunicorn_conf"
    makefile = (BASE_DIR / "Makefile").read_text().replace("\\\n\t\t", "")
    assert command in makefile
    assert command in (BASE_DIR / "README.md").read_text()


def test_gunicorn_sends_no_server_header(db):
    import http.client
    import time

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "careers.wsgi", "--config",
         "python:careers.gunicorn_conf", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=BASE_DIR, env=production_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request(
                    "GET",
                    "/robots.txt",
                    headers={"Host": "careers.example.com", "X-Forwarded-Proto": "https"},
                )
                response = connection.getresponse()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        headers = {name.lower() for name, _ in response.getheaders()}
        assert response.status == 200
        assert "server" not in headers
        # The app's own headers still come through.
        assert {"date", "content-type", "permissions-policy"} <= headers
    finally:
        server.terminate()
        server.wait(timeout=20)


# collectstatic's manifest is not served


@pytest.fixture
def collected(tmp_path, settings):
    """A STATIC_ROOT as collectstatic leaves it: a hashed file, its original, the manifest."""
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body {}")
    (tmp_path / "css" / "site.0123456789ab.css").write_text("body {}")
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "x"}}')
    settings.STATIC_ROOT = str(tmp_path)
    settings.WHITENOISE_USE_FINDERS = False
    return tmp_path


@pytest.mark.parametrize("autorefresh", [False, True])
def test_the_static_files_manifest_is_not_served(collected, settings, autorefresh):
    from django.http import HttpResponseNotFound
    from django.test import RequestFactory

    from careers.middleware import StaticFilesMiddleware

    settings.WHITENOISE_AUTOREFRESH = autorefresh
    middleware = StaticFilesMiddleware(lambda request: HttpResponseNotFound())

    def get(path):
        return middleware(RequestFactory().get(path))

    assert get("/static/staticfiles.json").status_code == 404
    assert get("/static/css/site.0123456789ab.css").status_code == 200
    assert get("/static/css/site.css").status_code == 200
