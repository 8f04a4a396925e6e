"""Profile page benchmark: requests/s of an occupation profile against a trivial view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/careers \
        .venv/bin/python benchmarks/profile_page.py

One command: collects static files, starts gunicorn with production settings (DEBUG=False, a
random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1) on a free port against the current DATABASE_URL,
warms every worker up, then measures /robots.txt (a plain view through the same middleware) and
the profile page in alternating rounds with wrk (or, without wrk, a bounded Python load
generator), prints requests/s of each and the ratio, and stops gunicorn. The goal is a ratio of
at least 0.5: the salary table is rendered once and served from the cache.

Options: --path (default: the Medical Records Specialists profile), --seconds, --connections,
--workers, --rounds. Needs the site data loaded (`make run` or `manage.py load_site_data`).
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TRIVIAL = "/robots.txt"
HEADERS = {"X-Forwarded-Proto": "https"}


def production_env() -> dict:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database to measure (with the site data loaded).")
    return {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        # The TLS proxy is not part of what is measured; every request also says it came as HTTPS.
        "SECURE_SSL_REDIRECT": "False",
        "LOG_LEVEL": "ERROR",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(port: int, path: str, *, timeout: float = 10.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def profile_path(env: dict) -> str:
    """The Medical Records Specialists profile, found the way the site finds it."""
    code = (
        "from occupations.models import Occupation;"
        "o = Occupation.objects.filter(soc_code='29-2072').first();"
        "print(o.get_absolute_url() if o else '')"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    path = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    if not path:
        sys.exit("No occupation 29-2072 in this database: load the site data first.")
    return path


def start_gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    log = open(Path(tempfile.gettempdir()) / "profile_page.gunicorn.log", "w")  # noqa: SIM115
    command = [sys.executable, "-m", "gunicorn", "careers.wsgi"]
    command += ["--bind", f"{HOST}:{port}", "--workers", str(workers)]
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped as one below
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}; see {log.name}")
        try:
            if get(port, "/healthz", timeout=2)[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def measure_wrk(
    port: int, path: str, *, seconds: int, connections: int, header: str | None = None
) -> tuple[float, int]:
    """requests/s and the number of error responses; `header` is a Cookie header's value."""
    command = [
        "wrk", f"--threads={min(2, connections)}", f"--connections={connections}",
        f"--duration={seconds}s", "--timeout=10s", "-H", "X-Forwarded-Proto: https",
        *(["-H", f"Cookie: {header}"] if header else []),
        f"http://{HOST}:{port}{path}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rate, int(bad.group(1)) if bad else 0


def measure_python(port: int, path: str, *, seconds: int, connections: int) -> tuple[float, int]:
    """A bounded load generator: `connections` keep-alive clients for `seconds` seconds."""
    counts = [0] * connections
    bad = [0] * connections
    deadline = time.monotonic() + seconds

    def client(index):
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        while time.monotonic() < deadline:
            connection.request("GET", path, headers=HEADERS)
            response = connection.getresponse()
            response.read()
            counts[index] += 1
            bad[index] += response.status >= 400
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started), sum(bad)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", help="profile page path (default: 29-2072's profile)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    env = production_env()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    path = args.path or profile_path(env)
    measure = measure_wrk if shutil.which("wrk") else measure_python
    port = free_port()
    process = start_gunicorn(port, args.workers, env)
    try:
        for url in (TRIVIAL, path):
            status, body = get(port, url)
            if status != 200:
                sys.exit(f"{url} answered {status}, not 200")
        print(f"gunicorn: {args.workers} workers on {HOST}:{port}, production settings")
        print(f"profile page: {path} ({len(body):,} bytes)")
        print(f"load: {measure.__name__[8:]}, {args.connections} connections, "
              f"{args.seconds} s per run, {args.rounds} rounds")  # fmt: skip
        # Warm-up: every worker fills its own cache (the cache is per process).
        for url in (TRIVIAL, path):
            measure(port, url, seconds=2, connections=args.connections)
        rates = {TRIVIAL: [], path: []}
        for _ in range(args.rounds):
            for url in (TRIVIAL, path):
                rate, bad = measure(port, url, seconds=args.seconds, connections=args.connections)
                if bad:
                    sys.exit(f"{url}: {bad} responses were errors")
                rates[url].append(rate)
                print(f"  {url:<60} {rate:9.1f} requests/s")
    finally:
        stop(process)
    trivial, profile = max(rates[TRIVIAL]), max(rates[path])
    ratio = profile / trivial
    print(f"trivial view {TRIVIAL}: {trivial:.1f} requests/s (best of {args.rounds})")
    print(f"profile page {path}: {profile:.1f} requests/s (best of {args.rounds})")
    verdict = "meets" if ratio >= 0.5 else "MISSES"
    print(f"ratio profile/trivial: {ratio:.2f} ({verdict} the goal of at least 0.5)")
    sys.exit(0 if ratio >= 0.5 else 1)


if __name__ == "__main__":
    main()
