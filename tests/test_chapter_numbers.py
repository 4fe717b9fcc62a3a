"""Chapters quote lab numbers only through myst-nb glue, and every glued key exists in the lab's stored output.

The book build fails on a missing key too (``-W``), but it takes minutes; this reads the files in a second.
A number a chapter pastes with ``{glue:text}`../labs/<lab>.ipynb::<key>:<fmt>``` is the lab's stored,
strictly validated output, so the chapter cannot drift from the lab.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))
GLUE = re.compile(r"\{glue:text\}`([^`:]+\.ipynb)::([A-Za-z0-9_]+):([^`]+)`")


def _glued(path: Path) -> dict[str, str]:
    nb = nbformat.read(path, as_version=4)
    keys = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                keys[name] = out["data"]["application/papermill.record/text/plain"]
    return keys


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_glued_number_exists_and_formats(chapter):
    for lab, key, fmt in GLUE.findall(chapter.read_text()):
        path = (chapter.parent / lab).resolve()
        assert path.exists(), f"{chapter.name}: glue from a missing notebook {lab}"
        stored = _glued(path)
        assert key in stored, f"{chapter.name}: {lab} stores no glue key {key!r}"
        format(float(stored[key]), fmt)  # the format spec applies to the stored number
        assert key.startswith(path.stem + "_"), f"{chapter.name}: glue key {key!r} must start with {path.stem}_"


def test_srd_chapter_quotes_tcp_p99_at_load_04_from_the_lab():
    # the disagreement issue 7 found: the chapter said "20-30 ms from a load of 0.4 on"; the lab prints 2.864 ms
    text = (ROOT / "chapters" / "srd.md").read_text()
    assert "srd_teal_line_tcp_p99_load04" in text and "20-30 ms" not in text
    stored = _glued(ROOT / "labs" / "srd_teal_line.ipynb")
    assert 1.0 < float(stored["srd_teal_line_tcp_p99_load04"]) < 10.0
