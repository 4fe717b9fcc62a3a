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
def book_pdf(book_build) -> dict:
    """Build the one-page book and print it to _build/pdf/book.pdf, as `make pdf` does (after the HTML
    build: both use _build/.doctrees). Returns tools/make_pdf.py's report with "path" added."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_pdf
    finally:
        sys.path.remove(str(ROOT / "tools"))
    make_pdf.build_singlehtml()
    state = make_pdf.print_pdf(make_pdf.OUT)
    state["path"] = make_pdf.OUT
    return state


@pytest.fixture(scope="session")
def book_html(book_build) -> Path:
    """The folder of the built HTML book; fails the dependent test if the build failed."""
    if book_build.returncode != 0:
        pytest.fail("the book did not build:\n" + book_build.stdout[-4000:] + book_build.stderr[-4000:])
    return BUILD_HTML
