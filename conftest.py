"""Settings for every test run from the project root, labs included (tests/conftest.py has the fixtures).

Every exercise check that a lab makes while strict nbval runs it proves, as it runs, that it accepts the
right answer and rejects 0, half and double (labsupport.common.audit_answer_check). The lab kernels
inherit this environment variable from the pytest process.
"""
import os

os.environ.setdefault("LABSUPPORT_AUDIT_EXERCISES", "1")


import pytest  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--all-student-runs", action="store_true", default=False,
                     help="run and grade every lab's student notebook (tests/test_student.py; make test-student)")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """With pytest-xdist (`make test` runs `-n 2 --dist loadgroup`): keep each file's tests on one worker
    (a notebook's cells share one kernel and run in order), and the tests marked
    `xdist_group("book")` -- the book builds, the PDF and the browser, which share _build/ -- together
    on one worker. Runs before xdist reads the marks."""
    loadgroup = getattr(config.option, "loadgroup", False)  # set on xdist's workers for --dist loadgroup
    for item in items:
        groups = [m.args[0] if m.args else m.kwargs.get("name", "default") for m in item.iter_markers("xdist_group")]
        if not groups:
            groups = [str(item.path.relative_to(config.rootpath))]
            item.add_marker(pytest.mark.xdist_group(groups[0]))
        if loadgroup and "@" not in item.nodeid.rpartition("]")[2]:
            _set_nodeid(item, f"{item.nodeid}@{'_'.join(sorted(set(groups)))}")


def _set_nodeid(item, nodeid: str) -> None:
    """Give an item the group suffix ("...::test@book") that xdist's loadgroup scheduler reads.

    pytest-xdist 3.8 sets ``item._nodeid``, but pytest 9 keeps the node id in ``item._id``, so xdist's
    own suffix is lost and every test is scheduled alone (a notebook's cells split across workers)."""
    if hasattr(item, "_id"):
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(nodeid)
    else:
        item._nodeid = nodeid

