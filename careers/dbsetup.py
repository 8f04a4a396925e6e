"""Create the database named by DATABASE_URL if the server does not have it yet.

`make run` calls this before `migrate`, so pointing DATABASE_URL at a fresh server just works.
Without DATABASE_URL, settings start the embedded server, which creates its own database.
"""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql


def ensure_database(url: str) -> None:
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


if __name__ == "__main__":
    if os.getenv("DATABASE_URL"):
        ensure_database(os.environ["DATABASE_URL"])
