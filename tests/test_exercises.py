"""Every lab's exercises keep their answers hidden and check them properly.

Two halves. While strict nbval runs the labs, every ``check_answer`` call proves that it accepts the right
answer and rejects 0, half and double (``labsupport.common.audit_answer_check``, switched on by the
project's conftest.py). This file reads the stored notebooks and checks the rest of the convention:

* a check cell ends with the bare ``check_answer(...)`` expression (so its verdict is the cell's output);
* the expected value is computed by a call into ``labsupport`` (``solve(problem).value``), never a formula or a
  number typed into the notebook, where the reader would see the answer;
* the stored notebook has no answer filled in: each check says "no answer yet";
* every worked answer (a cell that prints ``solve(...)``) is folded away: tagged ``hide-output`` in the book
  and collapsed in JupyterLab;
* every widget is preceded by its "Live widget." note.
"""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted((ROOT / "labs").glob("*.ipynb"))
WIDGET_NOTE = "> **Live widget.**"


def _code_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def _python(source: str) -> str:
    """A cell's source with IPython magics (``%matplotlib inline``, ``!ls``) commented out, for ``ast``."""
    return "\n".join("#" + line if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _check_calls(source: str) -> list[ast.Call]:
    tree = ast.parse(_python(source))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "check_answer"]


def _is_computed(node: ast.AST) -> bool:
    """True if ``node`` is a call (or an attribute of a call's result), with no arithmetic of its own."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Call)


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_exercise_checks_follow_the_convention(path):
    nb = nbformat.read(path, as_version=4)
    checks = 0
    for index, cell in _code_cells(nb):
        calls = _check_calls(cell.source)
        if not calls:
            continue
        checks += 1
        where = f"{path.name} cell {index}"
        tree = ast.parse(_python(cell.source))
        last = tree.body[-1]
        assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and \
            getattr(last.value.func, "id", "") == "check_answer", \
            f"{where}: the cell must end with the bare check_answer(...) expression"
        for call in calls:
            expected = call.args[2] if len(call.args) > 2 else next(
                (k.value for k in call.keywords if k.arg == "expected"), None)
            assert expected is not None and _is_computed(expected), \
                f"{where}: the expected value must come from a labsupport call, not {ast.unparse(expected)!r}"
        texts = [o.get("data", {}).get("text/plain", "") for o in cell.outputs if o.output_type == "execute_result"]
        assert texts and all("no answer yet" in t for t in texts), \
            f"{where}: the stored notebook must leave the answer unfilled (its check says 'no answer yet')"
    assert checks >= 2, f"{path.name}: a lab has at least two checked exercises, found {checks}"


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_worked_answers_are_folded(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in _code_cells(nb):
        if "solve(" not in cell.source or _check_calls(cell.source):
            continue
        tags = cell.metadata.get("tags", [])
        assert "hide-output" in tags or "hide-cell" in tags, \
            f"{path.name} cell {index}: a worked answer must be tagged hide-output"
        assert cell.metadata.get("jupyter", {}).get("outputs_hidden") is True, \
            f"{path.name} cell {index}: a worked answer must be collapsed in JupyterLab (jupyter.outputs_hidden)"


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_every_widget_has_its_snapshot_note(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        shows_widget = cell.cell_type == "code" and any(
            "application/vnd.jupyter.widget-view+json" in o.get("data", {}) and "LabWidget" not in cell.source
            and "_lab(" in cell.source for o in cell.outputs)
        if not shows_widget:
            continue
        before = nb.cells[index - 1] if index else None
        assert before is not None and before.cell_type == "markdown" and \
            before.source.lstrip().startswith(WIDGET_NOTE), \
            f"{path.name} cell {index}: a widget must follow a markdown cell starting with {WIDGET_NOTE!r}"
