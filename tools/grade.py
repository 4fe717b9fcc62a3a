"""Grade a student's lab notebook: run it in a fresh kernel and collect every answer check.

    python tools/grade.py alice/queueing.ipynb [bob/queueing.ipynb ...] [--json]

Each exercise's check cell ends with ``check_answer(...)``, which prints "... is right.", "... is not
right." or "... no answer yet"; this runs the notebook top to bottom (a cell that fails does not stop
the run) and prints one row per exercise: right, wrong, unanswered, or error (the check cell did not
run). The score counts right answers. It needs nothing but this repository's environment; for a course
with many submissions, nbgrader (see README, "Teaching with it") does the same at scale.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from labsupport.report import Table  # noqa: E402

HEADING = re.compile(r"^#{1,6}\s*(Exercise\s+[^\n]*)", re.MULTILINE)


@dataclass(frozen=True)
class Verdict:
    exercise: str
    question: str
    result: str  # "right", "wrong", "unanswered" or "error"


def check_cells(nb) -> list[tuple[int, str, str]]:
    """(cell index, exercise heading, question asked) of every answer-check cell."""
    found, heading = [], ""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            match = HEADING.search(cell.source)
            if match:
                heading = match.group(1).strip()
            continue
        if cell.cell_type != "code" or "check_answer(" not in cell.source:
            continue
        try:
            calls = [n for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Call)
                     and getattr(n.func, "id", "") == "check_answer"]
        except SyntaxError:
            calls = []
        question = ""
        if calls and calls[0].args and isinstance(calls[0].args[0], ast.Constant):
            question = str(calls[0].args[0].value)
        found.append((index, heading or f"cell {index}", question))
    return found


def verdict_of(cell) -> str:
    """right / wrong / unanswered / error, from a check cell's outputs after the run."""
    if any(o.output_type == "error" for o in cell.outputs):
        return "error"
    texts = [o.get("data", {}).get("text/plain", "") if o.output_type == "execute_result" else o.get("text", "")
             for o in cell.outputs]
    text = "\n".join(texts)
    if "no answer yet" in text:
        return "unanswered"
    if "is not right" in text:
        return "wrong"
    if "is right" in text:
        return "right"
    return "error"


def grade(path: Path, *, timeout: int = 300) -> list[Verdict]:
    """Run ``path`` in a fresh kernel (in its own folder) and return one verdict per answer check."""
    nb = nbformat.read(path, as_version=4)
    checks = check_cells(nb)
    env_audit = os.environ.pop("LABSUPPORT_AUDIT_EXERCISES", None)  # grade the student, not the checks
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(path.parent.resolve())}})
        client.execute()
    finally:
        if env_audit is not None:
            os.environ["LABSUPPORT_AUDIT_EXERCISES"] = env_audit
    return [Verdict(heading, question, verdict_of(nb.cells[index])) for index, heading, question in checks]


def report(path: Path, verdicts: list[Verdict]) -> Table:
    right = sum(v.result == "right" for v in verdicts)
    rows = [[v.exercise, v.question, v.result] for v in verdicts]
    return Table(["exercise", "question", "result"], rows,
                 caption=f"{path.name}: {right} of {len(verdicts)} right")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    args = parser.parse_args(argv)
    results = {}
    for path in args.notebooks:
        if not path.is_file():
            parser.error(f'"notebooks": {str(path)!r} is not a file')
        results[str(path)] = grade(path, timeout=args.timeout)
    if args.json:
        print(json.dumps({p: [asdict(v) for v in vs] for p, vs in results.items()}, indent=1))
    else:
        for path, verdicts in results.items():
            print(report(Path(path), verdicts))
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
