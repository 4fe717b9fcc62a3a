"""Execute every lab notebook top to bottom in a fresh kernel and store its outputs and widget state.

    python tools/run_labs.py                 # every labs/*.ipynb
    python tools/run_labs.py labs/queueing.ipynb

The book renders these stored outputs (execute_notebooks: off) and strict nbval compares them, so
after any change to labsupport run `make labs` and commit the notebooks it rewrites.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def run(path: Path) -> float:
    """Execute one notebook in place; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = KERNELSPEC
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=120,  # seconds per cell: a lab cell takes a few; a hang should fail fast
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        record_timing=False,
    )
    client.execute()
    # Keep the stored file stable across machines: no Python patch version in the metadata.
    nb.metadata.get("language_info", {}).pop("version", None)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    # Every exercise check proves as it runs that it rejects 0, half and double (see conftest.py).
    os.environ.setdefault("LABSUPPORT_AUDIT_EXERCISES", "1")
    paths = [Path(a) for a in argv] or sorted((ROOT / "labs").glob("*.ipynb"))
    if not paths:
        print("no notebooks found under labs/", file=sys.stderr)
        return 1
    for path in paths:
        print(f"running {path.relative_to(ROOT) if path.is_absolute() else path} ...", flush=True)
        print(f"  done in {run(path.resolve()):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
