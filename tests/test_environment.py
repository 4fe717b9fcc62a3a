"""One environment, every engine: requirements.txt pins exactly what the tests run with, and repo2docker
(Binder, a JupyterHub image) accepts the repository and installs those pins.

The pins are resolved from pyproject.toml in a clean virtual environment by `make lock` (tools/lock.sh,
which needs PyPI, so it runs at setup time, never in a test); `make book` / `make test` install with them as
constraints. This test then proves, offline, that the environment it runs in is exactly the pinned one:
every pinned package installed at its pinned version and nothing installed that is not pinned.
"""
from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNPINNED = {"labsupport", "pip", "setuptools", "wheel"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    out = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep, f"requirements.txt: {line!r} is not pinned with =="
        out[_norm(name)] = version.strip()
    return out


def installed() -> dict[str, str]:
    return {_norm(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()
            if d.metadata["Name"] and _norm(d.metadata["Name"]) not in UNPINNED}


def test_the_test_environment_is_the_pinned_one():
    wanted, have = pins(), installed()
    wrong = {n: (v, have.get(n)) for n, v in wanted.items() if have.get(n) != v}
    unpinned = sorted(set(have) - set(wanted))
    assert not wrong, f"installed versions differ from requirements.txt (run `make lock`): {wrong}"
    assert not unpinned, f"installed but not pinned in requirements.txt (run `make lock`): {unpinned}"


def test_every_dependency_of_the_package_is_pinned():
    requires = importlib.metadata.requires("labsupport") or []
    names = {_norm(re.split(r"[ ;<>=!~\[]", r, maxsplit=1)[0]) for r in requires}
    missing = sorted(names - set(pins()))
    assert not missing, f"pyproject.toml names packages requirements.txt does not pin: {missing}"


def test_repo2docker_accepts_the_repository(tmp_path):
    exe = Path(sys.executable).with_name("jupyter-repo2docker")
    if not exe.exists():
        pytest.fail("jupyter-repo2docker is not installed; it is in the dev extra (make setup)")
    # What repo2docker would see: the committed files, nothing built or installed.
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    repo = tmp_path / "repo"
    for rel in filter(None, files.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / rel)
    proc = subprocess.run([str(exe), "--no-build", "--debug", str(repo)], capture_output=True, text=True,
                          timeout=120)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert 'pip install --no-cache-dir -r "requirements.txt"' in log, log[-3000:]
    assert re.search(r"pip install --no-cache-dir \.\s*$", log, re.M), "repo2docker must install the package"
    assert "python=3.11" in log or "PYTHON_VERSION=3.11" in log or "python-3.11" in log, "runtime.txt picks 3.11"
