"""Import benchmark: import_onet against a plain COPY of the same rows, in a scratch database.

    uv run python benchmarks/import_onet.py [TEXT_RELEASE EXCEL_RELEASE]

One command. Creates a scratch database of its own (careers_bench_onet, on the server that
DATABASE_URL names, else 127.0.0.1:5432 as postgres), migrates it and loads the site's data
without O*NET (plans, profiles, wages), then, for O*NET 30.1 text and 29.0 Excel (by default the
shared data folder's copies):

- baseline: COPY of every file the import reads, as text rows, into unindexed tables of text
  columns: the cheapest way PostgreSQL can take these rows in (the Excel files read with
  python-calamine, as the import reads them, that reading included);
- import: `import_onet` of both releases into the fresh database, timed to its commit;
- re-import: the same paths again (every file skipped by its digest), and with --force (every
  file checked and compared again, nothing written).

Each is run --repeat times (default 3, the database made fresh for each import) and the fastest
run is reported. The scratch database is dropped at the end (--keep keeps it).
"""

import argparse
import io
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
SCRATCH = "careers_bench_onet"
SHARED = Path("/work/shared/data/onet")
DEFAULT = [SHARED / "db_30_1_text", SHARED / "db_29_0_excel"]


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
    from django.db import connections

    connections.close_all()
    with connect(server, "postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(SCRATCH)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SCRATCH)))


def drop_scratch(server: dict) -> None:
    with connect(server, "postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(SCRATCH)))


def setup_django(server: dict) -> None:
    password = f":{server['password']}" if server["password"] else ""
    os.environ["DATABASE_URL"] = (
        f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{SCRATCH}"
    )
    os.environ.update(
        DEBUG="False", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="localhost"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careers.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def fresh_database(server: dict) -> None:
    """Migrated, with everything load_site_data loads before O*NET."""
    from django.core.management import call_command

    from careers.services import ensure_plan_offers
    from occupations.services import load_profiles
    from salaries.services import load_wage_data

    recreate_scratch(server)
    call_command("migrate", verbosity=0)
    ensure_plan_offers()
    load_profiles()
    load_wage_data()


def copy_baseline(server: dict, paths: list[Path]) -> tuple[int, float]:
    """Every file the import reads, COPYed as text rows into fresh unindexed tables."""
    from occupations.onet import choose_files, open_source

    files, _ = choose_files([open_source(path) for path in paths])
    rows = 0
    with connect(server, SCRATCH) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        for number, file in enumerate(files):
            data = file.data()
            if file.kind == "excel":
                from python_calamine import CalamineWorkbook

                sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
                table = sheet.to_python()
                header, body = table[0], table[1:]
            else:
                header = data.split(b"\n", 1)[0].decode().rstrip("\r").split("\t")
                body = None
            name = f"bench_copy_{number}"
            cursor.execute(
                f"CREATE TABLE {name} (" + ", ".join(f"c{i} text" for i in range(len(header))) + ")"
            )
            if body is None:
                statement = (
                    f"COPY {name} FROM STDIN WITH (FORMAT csv, DELIMITER E'\\t', "
                    "QUOTE E'\\x01', HEADER true)"
                )
                with cursor.copy(statement) as copy:
                    copy.write(data)
            else:
                with cursor.copy(f"COPY {name} FROM STDIN") as copy:
                    for row in body:
                        copy.write_row([str(value) for value in row])
            rows += cursor.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
        seconds = time.perf_counter() - started
        for number in range(len(files)):
            cursor.execute(f"DROP TABLE bench_copy_{number}")
    return rows, seconds


def run_import(paths: list[Path], force=False):
    from occupations.onet import import_onet

    started = time.perf_counter()
    result = import_onet(paths=paths, force=force)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    missing = [path for path in args.paths if not path.exists()]
    if missing:
        sys.exit(f"not found: {', '.join(map(str, missing))}")
    server = server_settings()
    setup_django(server)
    load_before = os.getloadavg()[0]
    try:
        copies, imports, skips, forced = [], [], [], []
        for _ in range(args.repeat):
            fresh_database(server)
            copies.append(copy_baseline(server, args.paths))
            imports.append(run_import(args.paths))
            skips.append(run_import(args.paths))
            forced.append(run_import(args.paths, force=True))
        rows, copy_seconds = min(copies, key=lambda run: run[1])
        first, import_seconds = min(imports, key=lambda run: run[1])
        _, skip_seconds = min(skips, key=lambda run: run[1])
        again, force_seconds = min(forced, key=lambda run: run[1])
        assert not again.changed, again.summary()
        print(f"\nO*NET, {rows:,} rows in {len(first.parts)} files (fastest of {args.repeat})")
        for label, seconds in (
            ("COPY into unindexed text tables", copy_seconds),
            ("import_onet, fresh database", import_seconds),
            ("re-import, skipped by digest", skip_seconds),
            ("re-import --force, 0 changed", force_seconds),
        ):
            print(
                f"  {label:<34} {seconds:6.2f} s  {rows / seconds:9,.0f} rows/s  "
                f"{seconds / copy_seconds:5.1f}x the COPY"
            )
        load_after = os.getloadavg()[0]
        print(f"1-minute load average: {load_before:.1f} before, {load_after:.1f} after")
        out = BASE_DIR / "benchmarks" / "out"
        out.mkdir(exist_ok=True)
        target = out / f"import_onet-{time.strftime('%Y%m%d-%H%M%S')}.json"
        target.write_text(
            json.dumps(
                {
                    "rows": rows,
                    "load_average": [load_before, load_after],
                    "copy_seconds": [run[1] for run in copies],
                    "import_seconds": [run[1] for run in imports],
                    "skip_seconds": [run[1] for run in skips],
                    "force_seconds": [run[1] for run in forced],
                },
                indent=2,
            )
        )
        print(f"raw figures: {target.relative_to(BASE_DIR)}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_scratch(server)


if __name__ == "__main__":
    main()
