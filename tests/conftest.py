"""Shared fixtures: the built book (built once per session) and a headless Chromium."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests draw figures without a screen

ROOT = Path(__file__).resolve().parents[1]
BUILD_HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def book_build() -> subprocess.CompletedProcess:
    """Build the book exactly as `make book` does (warnings are errors); return the finished process."""
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run([str(jb), "build", str(ROOT), "-W", "-n", "--keep-going"], cwd=ROOT,
                          capture_output=True, text=True, timeout=900, env={**os.environ, "PYTHONWARNINGS": ""})
    return proc


@pytest.fixture(scope="session")
def book_html(book_build) -> Path:
    """The folder of the built HTML book; fails the dependent test if the build failed."""
    if book_build.returncode != 0:
        pytest.fail("the book did not build:\n" + book_build.stdout[-4000:] + book_build.stderr[-4000:])
    return BUILD_HTML
