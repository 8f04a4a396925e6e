"""The production-like server the load and fault scripts run against: `make serve-prod`.

Benchmarking the documented one-command server (DEBUG off, deploy checks, collected static
files, gunicorn) rather than a look-alike keeps the figures honest. Only 127.0.0.1 is used.
"""

import http.client
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "benchmarks" / "out"
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/careers_f"


def get(port: int, path: str, *, timeout: float = 10.0) -> tuple[int, bytes]:
    """GET over plain HTTP as the TLS proxy would forward it; (status, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_healthy(port: int, process: subprocess.Popen, *, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"make serve-prod exited with {process.returncode}; see its log.")
        try:
            if get(port, "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"the server on port {port} did not become healthy within {timeout:.0f}s")


@contextmanager
def production_server(port: int, *, workers: int = 4, log_name: str = "server"):
    """Run `make serve-prod` in its own process group; stop that group afterwards."""
    OUT_DIR.mkdir(exist_ok=True)
    log_path = OUT_DIR / f"{log_name}.log"
    env = {
        **os.environ,
        "PORT": str(port),
        "WORKERS": str(workers),
        "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve-prod"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_healthy(port, process)
            print(f"serve-prod up on http://{HOST}:{port} ({workers} workers); log {log_path}")
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    # The session holds make, uv and gunicorn with its workers, and nothing else.
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                process.wait()
                return
            time.sleep(0.2)
