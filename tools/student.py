"""Write the student edition: lab notebooks without worked answers, and a book without solutions.

    python tools/student.py                # notebooks -> _build/student/labs/, book -> _build/student/html/
    python tools/student.py --no-book      # the notebooks only

From the same sources as the course:

* **Student notebooks** (``_build/student/labs/*.ipynb``): every worked answer (a cell tagged
  ``hide-output`` or ``hide-cell`` that calls ``solve(...)``, with the "Worked answer" line before it) is
  removed and every output is cleared. The answer checks stay: they compute the expected value when the
  student runs them and print only right or wrong.
* **Student book** (``_build/student/html``): the same chapters with every ``{solution}`` removed
  (sphinx-exercise's ``hide_solutions``) and the labs without their worked answers (their other outputs
  kept, so the pages still show the figures).

``make student`` runs this; ``tests/test_student.py`` proves that no worked answer leaks into either and
that the student notebooks run.
"""
from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "student"
#: What the student book is built from, besides the labs (copied or linked into a scratch source tree).
BOOK_SOURCES = ["_config.yml", "_toc.yml", "intro.md", "glossary.md", "bibliography.md", "references.bib",
                "chapters", "_static", "_ext"]
WORKED_ANSWER_LINE = "**Worked answer**"


def _folded(cell) -> bool:
    return cell.cell_type == "code" and bool(set(cell.metadata.get("tags", [])) & {"hide-output", "hide-cell", "solution"})


def _worked_answer_line(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith(WORKED_ANSWER_LINE)


def worked_answers(nb) -> set[int]:
    """Indices of the cells that show a worked answer: folded code cells (hide-output / hide-cell) that
    call ``solve(...)`` or follow a "**Worked answer**" line, and those lines themselves."""
    found = set()
    cells = nb.cells
    for i, cell in enumerate(cells):
        after_line = i > 0 and _worked_answer_line(cells[i - 1])
        if _folded(cell) and ("solve(" in cell.source or after_line):
            found.add(i)
            if after_line:
                found.add(i - 1)
    for i, cell in enumerate(cells):  # a "Worked answer" line whose cell is a solve(...) cell
        if _worked_answer_line(cell) and i + 1 in found:
            found.add(i)
    return found


def is_worked_answer(cell) -> bool:
    """A folded code cell that calls solve(...) (see :func:`worked_answers` for the cells found by context)."""
    return _folded(cell) and "solve(" in cell.source


def strip_answers(nb, *, clear_outputs: bool):
    """A copy of ``nb`` without worked answers (and their "Worked answer" lines); outputs cleared if asked."""
    nb = copy.deepcopy(nb)
    keep = []
    drop = worked_answers(nb)
    for i, cell in enumerate(nb.cells):
        if i in drop:
            continue
        if clear_outputs and cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        keep.append(cell)
    nb.cells = keep
    if clear_outputs:
        nb.metadata.pop("widgets", None)
    return nb


def write_notebooks(out: Path, *, clear_outputs: bool) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((ROOT / "labs").glob("*.ipynb")):
        nb = strip_answers(nbformat.read(path, as_version=4), clear_outputs=clear_outputs)
        target = out / path.name
        nbformat.write(nb, target)
        written.append(target)
    return written


def build_book(out: Path) -> Path:
    """Build the student book into ``out/html``; return that folder."""
    src = out / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for name in BOOK_SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, src / name)
        else:
            shutil.copy2(origin, src / name)
    (src / "node_modules").symlink_to(ROOT / "node_modules")  # the offline widget assets
    write_notebooks(src / "labs", clear_outputs=False)
    config = yaml.safe_load((src / "_config.yml").read_text())
    config["title"] = config["title"] + " (student edition)"
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    (src / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    jb = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jb), "build", str(src), "-W", "-n", "--keep-going", "--path-output", str(out)],
                   check=True, env={**os.environ, "PYTHONWARNINGS": ""})
    html = out / "html"
    if html.exists():
        shutil.rmtree(html)
    shutil.move(str(out / "_build" / "html"), html)
    shutil.rmtree(out / "_build", ignore_errors=True)
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default _build/student)")
    parser.add_argument("--no-book", action="store_true", help="write the notebooks only")
    args = parser.parse_args(argv)
    notebooks = write_notebooks(args.out / "labs", clear_outputs=True)
    print(f"{len(notebooks)} student notebooks in {args.out / 'labs'}")
    if not args.no_book:
        html = build_book(args.out)
        print(f"student book: file://{html / 'index.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
