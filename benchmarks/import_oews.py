"""Import benchmark: import_oews against a plain COPY of the same CSV, in a scratch database.

    .venv/bin/python benchmarks/import_oews.py

One command. Creates a scratch database of its own (careers_bench_import, on the server that
DATABASE_URL names, else 127.0.0.1:5432 as postgres), migrates it and loads the areas and
releases, then for the national+state file (38,512 rows) and the metro file (198,287 rows):

- baseline: COPY of the same decompressed CSV into a new unindexed table of text columns, the
  cheapest way PostgreSQL can take these bytes in;
- import: `import_oews` into an empty wage table, timed to the end of its commit (where
  PostgreSQL checks the three foreign keys of every row), with the time of each phase;
- re-import: the same file again, which changes nothing.

Each is run --repeat times (default 3) and the fastest run is reported, since other work on
the machine only ever adds time. Prints rows/s and the ratio import/COPY; the goal is a metro
import within 3x of the COPY. The scratch database is dropped at the end (--keep keeps it).
"""

import argparse
import gzip
import json
import os
import secrets
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
SCRATCH = "careers_bench_import"
SHARED = Path("/work/shared/data/oews")
FILES = [
    BASE_DIR / "fixtures" / "oews_2025_national_state.csv.gz",
    SHARED / "oews_2025_metro.csv.gz",
]
CHUNK = 1 << 20


def server_settings() -> dict:
    config = dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    if config["HOST"] not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing to create a scratch database on {config['HOST']}")
    return {
        "host": config["HOST"],
        "port": config["PORT"] or 5432,
        "user": config["USER"] or "postgres",
        "password": config["PASSWORD"] or None,
    }


def connect(server: dict, dbname: str) -> psycopg.Connection:
    params = {key: value for key, value in server.items() if value is not None}
    return psycopg.connect(**params, dbname=dbname, autocommit=True)


def recreate_scratch(server: dict) -> None:
    with connect(server, "postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(SCRATCH)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SCRATCH)))


def drop_scratch(server: dict) -> None:
    with connect(server, "postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(SCRATCH)))


def setup_django(server: dict) -> None:
    """Django in this process, pointed at the scratch database, with production settings."""
    password = f":{server['password']}" if server["password"] else ""
    os.environ["DATABASE_URL"] = (
        f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{SCRATCH}"
    )
    os.environ.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost",
        LOG_LEVEL="ERROR",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careers.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    from salaries.services import load_areas, load_releases

    call_command("migrate", verbosity=0)
    load_areas()
    load_releases()


def copy_baseline(server: dict, path: Path) -> tuple[int, float]:
    """A plain COPY of the decompressed CSV into a fresh unindexed table of text columns."""
    with gzip.open(path, "rt", newline="") as stream:
        columns = stream.readline().strip().split(",")
    with connect(server, SCRATCH) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute(
            sql.SQL("CREATE TABLE bench_copy ({})").format(
                sql.SQL(", ").join(
                    sql.SQL("{} text").format(sql.Identifier(name.lower())) for name in columns
                )
            )
        )
        started = time.perf_counter()
        statement = "COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
        with (
            conn.cursor() as cursor,
            gzip.open(path, "rb") as stream,
            cursor.copy(statement) as copy,
        ):
            while chunk := stream.read(CHUNK):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        rows = conn.execute("SELECT count(*) FROM bench_copy").fetchone()[0]
        conn.execute("DROP TABLE bench_copy")
    return rows, seconds


def write_floor(server: dict) -> tuple[float, float, float]:
    """What writing the imported rows costs by itself, the rows already typed:

    - an INSERT into a copy of the wage table with its indexes and checks;
    - the same with its three foreign keys, to the commit where PostgreSQL checks them row by
      row;
    - the cheapest way to land them with all of that: an INSERT into a bare table, then its
      indexes built, its checks and foreign keys added and validated, each in one pass over the
      table (what swapping in a freshly built table or partition would cost, before any
      conversion or staging).
    """
    foreign_keys = [
        ("release_id", "salaries_release"),
        ("area_id", "salaries_area"),
        ("occupation_id", "occupations_occupation"),
    ]
    add_keys = [
        f"ALTER TABLE bench_floor ADD FOREIGN KEY ({column}) REFERENCES {table} (id) "
        "DEFERRABLE INITIALLY DEFERRED"
        for column, table in foreign_keys
    ]
    timings = []
    with connect(server, SCRATCH) as conn:
        for with_keys in (False, True):
            conn.execute("DROP TABLE IF EXISTS bench_floor")
            conn.execute("CREATE TABLE bench_floor (LIKE salaries_wageestimate INCLUDING ALL)")
            for statement in add_keys if with_keys else []:
                conn.execute(statement)
            started = time.perf_counter()
            with conn.transaction():
                conn.execute("INSERT INTO bench_floor SELECT * FROM salaries_wageestimate")
            timings.append(time.perf_counter() - started)

        checks = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'salaries_wageestimate'::regclass AND contype = 'c'"
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'salaries_wageestimate'"
        ).fetchall()
        conn.execute("DROP TABLE bench_floor")
        conn.execute("CREATE TABLE bench_floor (LIKE salaries_wageestimate INCLUDING DEFAULTS)")
        started = time.perf_counter()
        with conn.transaction():
            conn.execute("INSERT INTO bench_floor SELECT * FROM salaries_wageestimate")
            for (definition,) in indexes:
                conn.execute(
                    definition.replace(
                        " ON public.salaries_wageestimate ", " ON bench_floor "
                    ).replace("INDEX ", "INDEX bench_", 1)
                )
            conn.execute(
                "ALTER TABLE bench_floor "
                + ", ".join(f"ADD CONSTRAINT {name} {definition}" for name, definition in checks)
            )
            for statement in add_keys:
                conn.execute(statement)
        timings.append(time.perf_counter() - started)
        conn.execute("DROP TABLE bench_floor")
    return timings[0], timings[1], timings[2]


def empty_wage_table(server: dict) -> None:
    with connect(server, SCRATCH) as conn:
        conn.execute("TRUNCATE salaries_wageestimate")
        conn.execute("VACUUM ANALYZE salaries_wageestimate")


def run_import(path: Path):
    """(result, seconds to the end of the commit, seconds per phase)."""
    from django.db import transaction

    from salaries.models import Release
    from salaries.oews import import_oews

    marks = []
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not message.startswith("Reading"):
            marks.append((message.split(" ")[0].lower(), time.perf_counter()))

    release = Release.objects.get(year=2025)
    # An outer transaction, so that the commit (the foreign key checks) is timed on its own.
    with transaction.atomic():
        result = import_oews(path=path, release=release, progress=progress)
        marks.append(("commit", time.perf_counter()))
    ended = time.perf_counter()
    phases, previous = {}, ("copy to staging", started)
    for name, at in [*marks, ("end", ended)]:
        phases[previous[0]] = at - previous[1]
        previous = (name, at)
    return result, ended - started, phases


def report(label: str, rows: int, seconds: float, baseline: float) -> None:
    print(
        f"  {label:<30} {seconds:6.2f} s  {rows / seconds:9,.0f} rows/s  "
        f"{seconds / baseline:4.1f}x the COPY"
    )


def best(runs):
    return min(runs, key=lambda run: run[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=FILES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    files = [path for path in args.files if path.exists()]
    for path in set(args.files) - set(files):
        print(f"skipped (not found): {path}")

    server = server_settings()
    recreate_scratch(server)
    load_before = os.getloadavg()[0]
    try:
        setup_django(server)
        lines, figures = [], []
        for path in files:
            copies, imports, reimports, floors = [], [], [], []
            for _ in range(args.repeat):
                copies.append(copy_baseline(server, path))
                empty_wage_table(server)
                imports.append(run_import(path))
                reimports.append(run_import(path))
                floors.append(write_floor(server))
            rows, copy_seconds = best(copies)
            result, import_seconds, phases = best(imports)
            again, reimport_seconds, _ = best(reimports)
            assert result.inserted == rows == result.rows_read, (result.summary(), rows)
            assert again.inserted == again.updated == 0, again.summary()
            ratio = import_seconds / copy_seconds
            lines.append((path.name, rows, copy_seconds, import_seconds, reimport_seconds, ratio))
            figures.append(
                {
                    "file": path.name,
                    "rows": rows,
                    "copy_seconds": copy_seconds,
                    "import_seconds": import_seconds,
                    "import_phases": phases,
                    "reimport_seconds": reimport_seconds,
                    "all_copy_seconds": [run[1] for run in copies],
                    "all_import_seconds": [run[1] for run in imports],
                    "insert_seconds": [floor[0] for floor in floors],
                    "insert_with_foreign_keys_seconds": [floor[1] for floor in floors],
                    "bulk_build_seconds": [floor[2] for floor in floors],
                }
            )
            print(f"\n{path.name}: {rows:,} rows (fastest of {args.repeat})")
            report("COPY into an unindexed table", rows, copy_seconds, copy_seconds)
            report("import_oews, to its commit", rows, import_seconds, copy_seconds)
            for name, seconds in phases.items():
                print(f"    {name:<28} {seconds:6.2f} s")
            report("re-import, 0 changed", rows, reimport_seconds, copy_seconds)
            plain, keyed, bulk = (min(floor[i] for floor in floors) for i in range(3))
            print("  for comparison, INSERT of the typed rows into a copy of the wage table:")
            report("  with its indexes and checks", rows, plain, copy_seconds)
            report("  and its 3 foreign keys", rows, keyed, copy_seconds)
            print("  the same rows into a bare table, then indexed, checked and keyed in bulk:")
            report("  all of it, to its commit", rows, bulk, copy_seconds)
        print(
            "\nfile                                rows  COPY rows/s  import rows/s  ratio"
            "  re-import rows/s"
        )
        for name, rows, copy_s, import_s, reimport_s, ratio in lines:
            print(
                f"{name:<32} {rows:>7,}  {rows / copy_s:>11,.0f}  {rows / import_s:>13,.0f}  "
                f"{ratio:>4.1f}x  {rows / reimport_s:>16,.0f}"
            )
        metro = [line for line in lines if "metro" in line[0]]
        if metro:
            verdict = "met" if metro[0][5] <= 3 else "not met"
            print(f"\ngoal (metro import within 3x of COPY): {verdict} ({metro[0][5]:.1f}x)")
        load_after = os.getloadavg()[0]
        print(f"1-minute load average: {load_before:.1f} before, {load_after:.1f} after")
        out = BASE_DIR / "benchmarks" / "out"
        out.mkdir(exist_ok=True)
        target = out / f"import_oews-{time.strftime('%Y%m%d-%H%M%S')}.json"
        target.write_text(
            json.dumps({"load_average": [load_before, load_after], "files": figures}, indent=2)
        )
        print(f"raw figures: {target.relative_to(BASE_DIR)}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_scratch(server)


if __name__ == "__main__":
    main()
