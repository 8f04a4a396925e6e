"""Fault: an import killed halfway (kill -9 while it writes) leaves the database exactly as it
was, and running it again completes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/careers_f \
        .venv/bin/python benchmarks/faults_import.py [/work/shared/data/oews/oews_2025_metro.csv.gz]

Runs `manage.py import_oews FILE --verbosity 2`, waits until it reports that it is writing wage
rows, lets it write for --delay seconds and kills it with SIGKILL. It then waits for PostgreSQL
to roll the dead client's transaction back, compares row counts and a checksum of every table
the import writes with the snapshot taken before, re-runs the import to completion, and runs it
a third time to show that a repeat changes nothing. Exits non-zero on any mismatch.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_FILE = "/work/shared/data/oews/oews_2025_metro.csv.gz"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/careers_f"
TABLES = ["salaries_wageestimate", "salaries_area", "occupations_occupation", "salaries_release"]


def connect(url: str) -> psycopg.Connection:
    config = dj_database_url.parse(url)
    if config["HOST"] not in ("127.0.0.1", "localhost"):
        sys.exit(f"refusing to touch a database outside this machine: {config['HOST']}")
    return psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname=config["NAME"],
        autocommit=True,
    )


def snapshot(conn) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every row of each table."""
    result = {}
    for table in TABLES:
        count, checksum = conn.execute(
            f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))),"  # noqa: S608 - fixed names
            f" '-') FROM {table} t"
        ).fetchone()
        result[table] = (count, checksum)
    return result


def show(title: str, snap: dict) -> None:
    print(f"{title}:")
    for table, (count, checksum) in snap.items():
        print(f"  {table:26} {count:>9,} rows  checksum {checksum[:12]}")


def import_backends(conn, dbname: str) -> list[int]:
    return [
        pid
        for (pid,) in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND application_name <> 'faults_import'",
            [dbname],
        )
    ]


def run_import(path: str, env: dict) -> tuple[int, float, str]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "import_oews", path, "--verbosity", "2"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # The summary is the command's last line on stdout; progress and errors go to stderr.
    lines = (result.stdout.strip() or result.stderr.strip() or "(no output)").splitlines()
    return result.returncode, time.monotonic() - started, lines[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default=DEFAULT_FILE)
    parser.add_argument(
        "--delay", type=float, default=1.0, help="seconds of writing before the kill"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": os.environ.get("DEBUG", "True")}
    conn = connect(url)
    conn.execute("SET application_name = 'faults_import'")
    dbname = conn.info.dbname
    ok = True

    before = snapshot(conn)
    show("Before", before)

    # 1. Start the import and kill it while it writes.
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_oews", args.file, "--verbosity", "2"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    phase = None
    for line in process.stdout:
        print(f"  import: {line.rstrip()}")
        if line.startswith("Writing"):
            phase = line.strip()
            break
    if phase is None:
        process.wait()
        sys.exit(f"the import ended (exit {process.returncode}) before it started writing")
    time.sleep(args.delay)
    backends = import_backends(conn, dbname)
    queries = [
        row[0][:70]
        for row in conn.execute(
            "SELECT query FROM pg_stat_activity WHERE pid = ANY(%s) AND state = 'active'",
            [backends],
        )
    ]
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = time.monotonic() - started
    print(
        f"Killed import_oews (pid {process.pid}, exit {process.returncode}) {killed_at:.1f}s "
        f"after start, {args.delay:.1f}s into '{phase}'; its backend was running: {queries}"
    )

    # PostgreSQL notices the dead client at its next read and rolls the transaction back.
    waited = time.monotonic()
    while any(pid in import_backends(conn, dbname) for pid in backends):
        if time.monotonic() - waited > 600:
            sys.exit("the killed import's backend is still running after 10 minutes")
        time.sleep(0.2)
    print(f"Its PostgreSQL backend ended {time.monotonic() - waited:.1f}s after the kill.")

    after_kill = snapshot(conn)
    show("After the kill", after_kill)
    if after_kill == before:
        print("OK: the database is exactly as it was before the import.")
    else:
        ok = False
        print("FAIL: the killed import changed the database.")

    # 2. Run it again: it completes.
    code, seconds, output = run_import(args.file, env)
    print(f"Re-run: exit {code} in {seconds:.1f}s: {output}")
    ok = ok and code == 0
    complete = snapshot(conn)
    show("After the re-run", complete)
    if complete == before:
        print("FAIL? the re-run changed nothing (was the file already imported?)")

    # 3. And once more: a repeat changes nothing.
    code, seconds, output = run_import(args.file, env)
    print(f"Repeat: exit {code} in {seconds:.1f}s: {output}")
    repeat = snapshot(conn)
    if code == 0 and repeat == complete:
        print("OK: importing the same file again changed nothing.")
    else:
        ok = False
        print("FAIL: the repeat failed or changed the database.")
    for table in TABLES:
        print(
            f"  {table:26} before {before[table][0]:>9,}  after kill {after_kill[table][0]:>9,}"
            f"  after re-run {complete[table][0]:>9,}  after repeat {repeat[table][0]:>9,}"
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
