"""`make` on a bare machine: Python and make only, no uv on PATH (README's two commands).

The Makefile installs a pinned uv into .tools/ of the checkout before anything else. These tests
run that bootstrap in a copy of the project with a PATH that holds nothing but python3 and make,
once with a Python that has pip and once with one that has not (uv's own virtualenvs have none),
and then `make install`, which must carry on with the uv it installed.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
UV_VERSION = re.search(r"^UV_VERSION := (\S+)$", (BASE / "Makefile").read_text(), re.M).group(1)


def base_python() -> str:
    """An interpreter with pip: the one this virtualenv was made from."""
    return getattr(sys, "_base_executable", "") or shutil.which("python3")


def has_pip(python: str) -> bool:
    probe = [python, "-m", "pip", "--version"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def bare_project(tmp_path: Path, python: str) -> tuple[Path, dict]:
    """A copy of what `make install` reads, and an environment whose PATH has only python3 and
    make in it."""
    project = tmp_path / "project"
    (project / ".ci").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml", "uv.lock", "README.md"):
        shutil.copy(BASE / name, project / name)
    shutil.copy(BASE / ".ci" / "bootstrap_uv.py", project / ".ci" / "bootstrap_uv.py")
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "python3").symlink_to(python)
    (tools / "make").symlink_to(shutil.which("make"))
    # `uv run` (which runs this suite) sets UV to its own binary: a bare machine has no such thing.
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "UV" and not key.startswith(("UV_", "VIRTUAL_ENV", "PYTHON"))
    }
    env["PATH"] = str(tools)
    assert shutil.which("uv", path=env["PATH"]) is None
    return project, env


@pytest.mark.parametrize("with_pip", [True, False], ids=["python-with-pip", "python-without-pip"])
def test_make_install_bootstraps_uv_when_none_is_on_path(tmp_path, with_pip):
    python = base_python() if with_pip else sys.executable
    if has_pip(python) != with_pip:
        pytest.skip(f"{python} {'lacks' if with_pip else 'has'} pip; this case needs the opposite")
    project, env = bare_project(tmp_path, python)

    done = subprocess.run(
        ["make", "install"], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )

    assert done.returncode == 0, done.stdout + done.stderr
    uv = project / ".tools" / f"uv-{UV_VERSION}" / "bin" / "uv"
    version = subprocess.run([uv, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.split()[:2] == ["uv", UV_VERSION]
    assert (project / ".venv" / "bin" / "django-admin").exists()
    # A second run reuses the uv it installed instead of fetching it again.
    again = subprocess.run(
        ["make", "install"], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Installing uv" not in again.stderr
