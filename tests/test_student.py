"""The student edition (tools/student.py) leaks no worked answer, runs, and can be graded (tools/grade.py).

* No worked answer reaches a student: the text of every folded worked answer in the course's labs, and
  every chapter solution, is absent from the student notebooks and from the student book's pages.
* Every student notebook runs top to bottom in a fresh kernel: it is graded with each answer filled in by
  the check's own expected expression, and every check must then say "right".
* Grading tells right, wrong and unanswered apart on a student's notebook.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import grade  # noqa: E402
import student  # noqa: E402

LABS = sorted((ROOT / "labs").glob("*.ipynb"))
pytestmark = pytest.mark.student


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    student.write_notebooks(out / "labs", clear_outputs=True)
    return out


@pytest.fixture(scope="module")
def student_book(tmp_path_factory) -> Path:
    return student.build_book(tmp_path_factory.mktemp("student-book"))


def worked_answer_lines(path: Path) -> list[str]:
    """Distinctive lines of the stored worked answers of a lab (lines that state a number)."""
    nb = nbformat.read(path, as_version=4)
    lines = []
    for index in sorted(student.worked_answers(nb)):
        cell = nb.cells[index]
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            text = out.get("text", "") or out.get("data", {}).get("text/plain", "")
            # Lines that state a number (a decimal or a multi-digit value): an answer, not a formula.
            lines += [line.strip() for line in text.splitlines() if len(line.strip()) >= 12
                      and re.search(r"\d\.\d|\d\d", line)]
    return lines


def solution_sentences() -> list[tuple[str, str]]:
    """(chapter, first long line) of every ``{solution}`` block in the chapters."""
    found = []
    for chapter in sorted((ROOT / "chapters").glob("*.md")):
        for block in re.findall(r"```\{solution\}[^\n]*\n(.*?)\n```", chapter.read_text(), re.S):
            body = [line for line in block.splitlines() if line.strip() and not line.startswith(":")]
            long = [line.strip() for line in body if len(line.strip()) >= 40 and "`" not in line and "$" not in line]
            if long:
                found.append((chapter.stem, long[0][:60]))
    return found


def test_every_lab_has_folded_worked_answers():
    for path in LABS:
        assert worked_answer_lines(path), f"{path.name}: no folded worked answer found"


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_student_notebook_has_no_worked_answer(edition, path):
    text = (edition / "labs" / path.name).read_text()
    for line in worked_answer_lines(path):
        assert line not in text, f"{path.name}: the worked answer line {line!r} leaks into the student notebook"
    nb = nbformat.read(edition / "labs" / path.name, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "outputs must be cleared"
    assert sum("check_answer(" in c.source for c in nb.cells) == sum(
        "check_answer(" in c.source for c in nbformat.read(path, as_version=4).cells), "every check stays"


def test_student_book_has_no_solutions_or_worked_answers(student_book):
    sentences = solution_sentences()
    assert sentences, "the chapters have solutions to hide"
    for chapter, sentence in sentences:
        page = (student_book / "chapters" / f"{chapter}.html").read_text()
        assert sentence not in page, f"chapter {chapter}: solution text {sentence!r} leaks into the student book"
    for path in LABS:
        page = (student_book / "labs" / f"{path.stem}.html").read_text()
        for line in worked_answer_lines(path):
            assert line not in page, f"{path.name}: worked answer {line!r} leaks into the student page"


def fill_answers(nb, how: str):
    """Fill each check's answer variable: "right" with the check's own expected expression, or "zero"."""
    for cell in nb.cells:
        if cell.cell_type != "code" or "check_answer(" not in cell.source:
            continue
        tree = ast.parse(cell.source)
        call = tree.body[-1].value
        name, expected = call.args[1].id, ast.unparse(call.args[2])
        value = expected if how == "right" else "0"
        cell.source, n = re.subn(rf"^{name}\s*=\s*None\b", f"{name} = {value}", cell.source, flags=re.M)
        assert n == 1, f"no '{name} = None' line to fill in:\n{cell.source}"
    return nb


def _graded(tmp_path: Path, path: Path, how: str | None) -> list:
    nb = nbformat.read(path, as_version=4)
    if how is not None:
        nb = fill_answers(nb, how)
    target = tmp_path / path.name
    nbformat.write(nb, target)
    return grade.grade(target)


def _bound(node) -> set[str]:
    """Names a statement binds (assignments, imports, definitions, loop targets, :=)."""
    names = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in n.names}
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
    return names


def _loaded(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_removed_cells_change_nothing_the_rest_depends_on(path):
    """A student notebook runs top to bottom because the course's notebook does (strict nbval runs it) and
    nothing a later cell reads comes from a cell the student edition removes: a name a worked answer binds
    is bound again before any kept cell after it reads it, or never read at all."""
    nb = nbformat.read(path, as_version=4)
    removed = student.worked_answers(nb)
    for index in sorted(removed):
        cell = nb.cells[index]
        if cell.cell_type != "code":
            continue
        pending = _bound(ast.parse(_python(cell.source)))
        for later_index in range(index + 1, len(nb.cells)):
            later = nb.cells[later_index]
            if not pending or later.cell_type != "code" or later_index in removed:
                continue
            for statement in ast.parse(_python(later.source)).body:
                used = _loaded(statement) & pending
                assert not used, (f"{path.name} cell {later_index} reads {sorted(used)}, which only the "
                                  f"removed worked answer in cell {index} sets")
                pending -= _bound(statement)


#: Two labs whose student notebooks are really run and graded in ``make test`` (all of them in
#: ``make test-student``): one model chapter and one of the newest chapters.
RUN_FOR_REAL = ["tails", "nitro_trust"]


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_student_notebook_runs_and_grades_right_when_filled_in(edition, tmp_path, path, request):
    if path.stem not in RUN_FOR_REAL and not request.config.getoption("--all-student-runs"):
        pytest.skip("run with make test-student (the removed cells are checked statically above)")
    verdicts = _graded(tmp_path, edition / "labs" / path.name, "right")
    assert verdicts and all(v.result == "right" for v in verdicts), verdicts


def _python(source: str) -> str:
    """Cell source with IPython magics commented out, so that ast can parse it."""
    return "\n".join("# " + line if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def test_grading_tells_wrong_and_unanswered_apart(edition, tmp_path):
    path = edition / "labs" / "tails.ipynb"
    assert {v.result for v in _graded(tmp_path, path, None)} == {"unanswered"}
    assert {v.result for v in _graded(tmp_path, path, "zero")} == {"wrong"}


def test_grade_command_prints_a_score_table(edition, tmp_path, capsys):
    target = tmp_path / "tails.ipynb"
    nbformat.write(nbformat.read(edition / "labs" / "tails.ipynb", as_version=4), target)
    assert grade.main([str(target)]) == 0
    out = capsys.readouterr().out
    assert "tails.ipynb: 0 of" in out and "unanswered" in out
