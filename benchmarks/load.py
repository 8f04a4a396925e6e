"""Load benchmark: wrk against `make serve-prod` on the profile, state and search pages, side by
side with /robots.txt (a view that touches neither the database nor a template) in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/careers_f .venv/bin/python benchmarks/load.py

Prints requests/s, p50/p90/p99 latency and every kind of error per page and connection count,
and writes the figures to benchmarks/out/load.json. Needs `wrk` (apt-get install -y wrk) and a
database with the BLS data imported. Run on demand, never in `make test`.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from prodserver import HOST, OUT_DIR, get, production_server

LUA = Path(__file__).resolve().parent / "wrk_report.lua"

PAGES = {
    "trivial": "/robots.txt",
    "profile": "/occupations/medical-records-specialist/",
    "state": "/states/ca/",
    "search": "/search/?q=nurse",
}


def run_wrk(port: int, path: str, *, connections: int, duration: int, threads: int) -> dict:
    command = [
        "wrk",
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={duration}s",
        "--timeout=10s",
        f"--script={LUA}",
        f"http://{HOST}:{port}{path}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    match = re.search(r"^WRK_JSON (.*)$", result.stdout, re.MULTILINE)
    if not match:
        sys.exit(f"wrk printed no report:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(match.group(1))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = (
        sum(
            figures[key]
            for key in (
                "connect_errors",
                "read_errors",
                "write_errors",
                "timeouts",
                "status_errors",
            )
        )
        + figures["s3xx"]
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8471)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--duration", type=int, default=30, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    for name, path in PAGES.items():
        parser.add_argument(f"--{name}", default=path, help=f"path (default {path})")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    pages = {name: getattr(args, name) for name in PAGES}

    results = []
    with production_server(args.port, workers=args.workers, log_name="load-server"):
        for name, path in pages.items():
            status, _ = get(args.port, path)
            if status != 200:
                sys.exit(f"{name} page {path} answered {status}, not 200: fix the path or data")
            # Warm each worker's cache and connection before measuring.
            for _ in range(args.workers * 2):
                get(args.port, path)
        for connections in args.connections:
            for name, path in pages.items():
                started = time.strftime("%H:%M:%S")
                figures = run_wrk(
                    args.port,
                    path,
                    connections=connections,
                    duration=args.duration,
                    threads=args.threads,
                )
                figures.update(page=name, path=path, connections=connections, started=started)
                results.append(figures)
                print(row(figures), flush=True)

    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "load.json").write_text(json.dumps(results, indent=2))
    print()
    print(table(results))


HEADER = (
    f"{'page':8} {'path':44} {'conns':>5} {'req/s':>8} {'p50 ms':>7} {'p90 ms':>7} "
    f"{'p99 ms':>7} {'requests':>8} {'errors':>6}  detail"
)


def row(f: dict) -> str:
    detail = (
        f"2xx={f['s2xx']} 3xx={f['s3xx']} 4xx={f['s4xx']} 5xx={f['s5xx']} "
        f"connect={f['connect_errors']} read={f['read_errors']} write={f['write_errors']} "
        f"timeout={f['timeouts']}"
    )
    return (
        f"{f['page']:8} {f['path'][:44]:44} {f['connections']:>5} {f['rps']:>8.1f} "
        f"{f['p50_us'] / 1000:>7.1f} {f['p90_us'] / 1000:>7.1f} {f['p99_us'] / 1000:>7.1f} "
        f"{f['requests']:>8} {f['errors']:>6}  {detail}"
    )


def table(results: list[dict]) -> str:
    return "\n".join([HEADER, *(row(figures) for figures in results)])


if __name__ == "__main__":
    main()
