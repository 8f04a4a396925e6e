"""Install a pinned uv into a folder of the checkout, for `make` on a machine that has no uv.

    python3 .ci/bootstrap_uv.py VERSION FOLDER    ->  FOLDER/bin/uv

Only the standard library and the package index are used: pip when this Python has it (so the
machine's pip configuration, index and proxy apply), otherwise the wheel is fetched from PyPI
with urllib, checked against the SHA-256 digest PyPI publishes for it, and unpacked. Nothing is
installed outside FOLDER, and no root is needed.
"""

import hashlib
import json
import os
import platform
import shutil
import stat
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path


def has_pip() -> bool:
    probe = [sys.executable, "-m", "pip", "--version"]
    return subprocess.run(probe, capture_output=True).returncode == 0  # noqa: S603


def install_with_pip(version: str, folder: Path) -> None:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += ["--no-warn-script-location", "--target", str(folder), f"uv=={version}"]
    env = {**os.environ, "PIP_ROOT_USER_ACTION": "ignore"}
    subprocess.run(command, check=True, env=env)  # noqa: S603


def wheel_matches(filename: str) -> bool:
    """Whether a uv wheel's platform tag fits this machine (uv ships one binary per platform)."""
    machine = platform.machine().lower()
    arch = {"amd64": "x86_64", "arm64": "aarch64" if sys.platform == "linux" else "arm64"}.get(
        machine, machine
    )
    if sys.platform == "linux":
        return "manylinux" in filename and filename.endswith(f"_{arch}.whl")
    if sys.platform == "darwin":
        return "macosx" in filename and (arch in filename or "universal2" in filename)
    if sys.platform == "win32":
        return filename.endswith("win_amd64.whl" if arch == "x86_64" else f"win_{arch}.whl")
    return False


def install_from_pypi(version: str, folder: Path) -> None:
    # The index's own JSON API (PEP 691), the same one pip reads.
    listing = urllib.request.Request(
        "https://pypi.org/simple/uv/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(listing, timeout=60) as answer:  # noqa: S310 -- a fixed https URL
        files = json.load(answer)["files"]
    wheels = [f for f in files if f["filename"].startswith(f"uv-{version}-")]
    wheels = [f for f in wheels if f["filename"].endswith(".whl") and not f.get("yanked")]
    chosen = next((f for f in wheels if wheel_matches(f["filename"])), None)
    if chosen is None:
        sys.exit(
            f"bootstrap_uv: PyPI has no uv {version} wheel for {sys.platform} "
            f"{platform.machine()}; install uv yourself and run make with UV=uv"
        )
    if not chosen["url"].startswith("https://"):
        sys.exit(f"bootstrap_uv: PyPI gave a download address that is not HTTPS: {chosen['url']}")
    with tempfile.TemporaryDirectory() as scratch:
        wheel = Path(scratch) / chosen["filename"]
        # An https:// address, checked above (S310 is about file: and custom schemes).
        download = urllib.request.urlopen(chosen["url"], timeout=300)  # noqa: S310
        with download as answer, wheel.open("wb") as out:
            shutil.copyfileobj(answer, out)
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != chosen["hashes"]["sha256"]:
            sys.exit(f"bootstrap_uv: {chosen['filename']} does not match PyPI's SHA-256 digest")
        (folder / "bin").mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                # The binaries sit in the wheel's scripts folder: uv-X.data/scripts/uv, uvx.
                if "/scripts/" in member and not member.endswith("/"):
                    target = folder / "bin" / Path(member).name
                    target.write_bytes(archive.read(member))
                    target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: python3 .ci/bootstrap_uv.py VERSION FOLDER")
    version, folder = sys.argv[1], Path(sys.argv[2])
    binary = folder / "bin" / ("uv.exe" if sys.platform == "win32" else "uv")
    if binary.exists():
        return
    print(f"Installing uv {version} into {folder}/ (once) ...", file=sys.stderr)
    # Into a fresh folder beside the target, moved into place at the end: an interrupted
    # install never leaves a half-written uv that the next make would trust.
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    if has_pip():
        install_with_pip(version, partial)
    else:
        install_from_pypi(version, partial)
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    if not binary.exists():
        sys.exit(f"bootstrap_uv: the install did not produce {binary}")


if __name__ == "__main__":
    main()
