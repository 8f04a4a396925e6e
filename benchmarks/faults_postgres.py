"""Fault: PostgreSQL restarted under load. Requests must fail cleanly (the 503 page, never a
traceback or a 500) while it is down, and succeed again within seconds once it is back, without
restarting the app.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/careers_f \
        .venv/bin/python benchmarks/faults_postgres.py

Starts `make serve-prod`, runs client threads against pages that read the database, restarts
the machine's PostgreSQL cluster with pg_ctlcluster halfway, and prints what every request got,
second by second, with the outage and recovery times. Exits non-zero if any request got a 500,
a traceback, a dropped connection, or if the pages had not recovered 10 seconds after PostgreSQL
was back. Restarting the cluster interrupts every database on it for a few seconds.
"""

import argparse
import json
import subprocess
import sys
import threading
import time
from collections import Counter

from prodserver import OUT_DIR, get, production_server

PATHS = [
    "/healthz",
    "/",
    "/occupations/medical-records-specialist/",
    "/states/ca/",
    "/search/?q=nurse",
]
RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


def hammer(port, paths, stop, records, lock, index):
    """One client: request the paths in turn until told to stop, recording every outcome."""
    n = index
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        started = time.monotonic()
        try:
            status, body = get(port, path, timeout=15)
            outcome = {
                "status": status,
                "traceback": b"Traceback" in body,
                "unavailable_page": b"Temporarily unavailable" in body,
            }
        except OSError as error:
            outcome = {"status": None, "error": type(error).__name__}
        outcome.update(path=path, t=started, latency=time.monotonic() - started)
        with lock:
            records.append(outcome)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8472)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--before", type=float, default=5, help="seconds of load before")
    parser.add_argument("--after", type=float, default=15, help="seconds of load after")
    args = parser.parse_args()

    records, lock, stop = [], threading.Lock(), threading.Event()
    with production_server(args.port, workers=args.workers, log_name="faults-postgres-server"):
        for path in PATHS:
            status, _ = get(args.port, path)
            if status != 200:
                sys.exit(f"{path} answered {status} before the fault: fix the path or the data")
        clients = [
            threading.Thread(
                target=hammer, args=(args.port, PATHS, stop, records, lock, i), daemon=True
            )
            for i in range(args.clients)
        ]
        for client in clients:
            client.start()
        time.sleep(args.before)
        restart_started = time.monotonic()
        subprocess.run(RESTART, check=True)
        restart_done = time.monotonic()
        time.sleep(args.after)
        stop.set()
        for client in clients:
            client.join()

    report = summarise(records, restart_started, restart_done)
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "faults_postgres.json").write_text(json.dumps(report, indent=2))
    sys.exit(0 if report["clean"] else 1)


def summarise(records, restart_started, restart_done) -> dict:
    records.sort(key=lambda r: r["t"])
    origin = restart_started

    print(
        f"\n{len(records)} requests; pg_ctlcluster restart took "
        f"{restart_done - restart_started:.2f}s (t=0 is the restart command)"
    )
    print(f"{'second':>6}  outcomes")
    by_second = {}
    for record in records:
        second = int((record["t"] - origin) // 1)
        key = str(record["status"] or record.get("error"))
        by_second.setdefault(second, Counter())[key] += 1
    for second in sorted(by_second):
        counts = ", ".join(f"{key}: {n}" for key, n in sorted(by_second[second].items()))
        print(f"{second:>6}  {counts}")

    failures = [r for r in records if r["status"] != 200]
    unclean = [
        r
        for r in failures
        if r["status"] != 503
        or r.get("traceback")
        or not (r["unavailable_page"] or r["path"] == "/healthz")
    ]
    tracebacks = [r for r in records if r.get("traceback")]
    first_failure = min((r["t"] for r in failures), default=None)
    last_failure = max((r["t"] + r["latency"] for r in failures), default=None)
    after = [r for r in records if r["t"] >= restart_done]
    # Recovered: from here on every request succeeded.
    recovered_at = restart_done
    for record in after:
        if record["status"] != 200:
            recovered_at = record["t"] + record["latency"]
    recovery = recovered_at - restart_done
    statuses = Counter(str(r["status"] or r.get("error")) for r in records)
    latencies_503 = sorted(r["latency"] for r in records if r["status"] == 503)

    report = {
        "requests": len(records),
        "statuses": dict(statuses),
        "restart_seconds": round(restart_done - restart_started, 2),
        "failed_requests": len(failures),
        "unclean_failures": len(unclean),
        "tracebacks": len(tracebacks),
        "first_failure_s": None if first_failure is None else round(first_failure - origin, 2),
        "last_failure_end_s": None if last_failure is None else round(last_failure - origin, 2),
        "recovered_s_after_postgres_back": round(recovery, 2),
        "max_503_latency_s": round(latencies_503[-1], 2) if latencies_503 else None,
        "requests_after_recovery": sum(1 for r in records if r["t"] >= recovered_at),
    }
    report["clean"] = not unclean and recovery < 10 and report["requests_after_recovery"] > 0
    print()
    for key, value in report.items():
        print(f"{key:34} {value}")
    if unclean:
        print("\nUnclean failures (first 10):")
        for record in unclean[:10]:
            print(f"  t={record['t'] - origin:+.2f}s {record}")
    return report


if __name__ == "__main__":
    main()
