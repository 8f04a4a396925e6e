"""/healthz and the 503 page: what load balancers and visitors see while PostgreSQL is down."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from careers.middleware import DatabaseUnavailableMiddleware

BASE_DIR = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    """A local TCP port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_200_when_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_cursor_fails(client, db):
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


# Pages that read the database (the admin reads the session, a missing slug looks it up).
PAGES = [
    "/",
    "/occupations/",
    "/occupations/medical-records-specialist/",
    "/occupations/no-such-occupation/",
    "/search/?q=nurse",
    "/states/",
    "/states/ca/",
    "/salaries/medical-records-specialist/compare/?state=CA&state=TX",
    "/pricing/",
    "/accounts/login/",
    "/admin/",
]

# The real outage: a separate process whose DATABASE_URL points at a port nobody listens on.
OUTAGE_SCRIPT = """
import json, sys, django
from django.conf import settings
# collectstatic's manifest is a deployment step this test does not need.
settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["__Host-sessionid"] = "abcdefghijklmnopqrstuvwxyz012345"
out = {}
for path in ["/healthz", *sys.argv[1:]]:
    response = client.get(path, secure=True)
    out[path] = {"status": response.status_code, "body": response.content.decode(),
                 "retry_after": response.get("Retry-After")}
print(json.dumps(out))
"""


def test_every_page_answers_a_clean_503_when_postgres_is_unreachable():
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "x" * 20 + "outage-test-secret-key-0123456789abcdef",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/careers_unreachable",
        "DJANGO_SETTINGS_MODULE": "careers.settings",
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-c", OUTAGE_SCRIPT, *PAGES],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout)
    assert pages["/healthz"]["status"] == 503
    for path in PAGES:
        page = pages[path]
        assert page["status"] == 503, (path, page)
        assert "Temporarily unavailable" in page["body"]
        assert "Traceback" not in page["body"]
        assert page["retry_after"] == "5"


class TouchUserMiddleware:
    """Reads request.user the way many middlewares do, so the session is loaded right here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user.is_authenticated  # noqa: B018 - the read is the point
        return self.get_response(request)


@pytest.fixture
def database_down():
    """Point the live connection at a closed port; put it back afterwards.

    This is what a PostgreSQL restart looks like to Django: the next query must open a new
    connection, and opening it fails until the server is back.
    """
    settings_dict = connection.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"]

    def take_down():
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(closed_port())

    def bring_back():
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = saved

    try:
        yield take_down, bring_back
    finally:
        bring_back()


def middleware_with_user_toucher(settings):
    stack = list(settings.MIDDLEWARE)
    auth = stack.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    stack.insert(auth + 1, f"{__name__}.TouchUserMiddleware")
    return stack


def test_an_outage_inside_another_middleware_gives_the_503_page_then_recovers(
    transactional_db, django_user_model, database_down, settings
):
    # As in production: the exception becomes a response instead of failing the test.
    client = Client(raise_request_exception=False)
    take_down, bring_back = database_down
    user = django_user_model.objects.create_user(email="reader@example.com", password="pw-123456")
    client.force_login(user)
    with override_settings(MIDDLEWARE=middleware_with_user_toucher(settings)):
        assert client.get("/robots.txt").status_code == 200

        take_down()
        response = client.get("/robots.txt")
        assert response.status_code == 503
        assert b"Temporarily unavailable" in response.content
        assert b"Traceback" not in response.content
        assert client.get("/healthz").status_code == 503

        # No restart: the next request after the server is back simply reconnects.
        bring_back()
        assert client.get("/robots.txt").status_code == 200
        assert client.get("/healthz").status_code == 200


def test_an_outage_in_a_view_gives_the_503_page_then_recovers(
    client, transactional_db, database_down
):
    take_down, bring_back = database_down
    assert client.get("/").status_code == 200
    take_down()
    response = client.get("/")
    assert response.status_code == 503
    assert b"Temporarily unavailable" in response.content
    assert response["Cache-Control"] == "no-store"
    bring_back()
    assert client.get("/").status_code == 200


def test_other_database_errors_are_not_disguised_as_an_outage(rf):
    from django.db import IntegrityError

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = rf.get("/")
    assert middleware.process_exception(request, IntegrityError("duplicate key")) is None
    assert middleware.process_exception(request, OperationalError("no route")).status_code == 503
