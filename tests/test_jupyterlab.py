"""A student's session, for real: JupyterLab serves a lab, Chromium runs it, a control changes the figure.

Starts JupyterLab on 127.0.0.1 (a copy of the lab in a temporary folder, so autosave cannot touch the
repository), opens the notebook in Debian's headless Chromium, runs every cell, then changes the
widget's seed and waits for the widget to redraw its figure. It fails if the widget never renders, if
the figure does not change, or if the page asks another host for anything.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest

from test_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    work = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "labs" / "queueing.ipynb", work / "queueing.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(work / ".config"), "JUPYTER_RUNTIME_DIR": str(work / ".run"),
           "JUPYTERLAB_SETTINGS_DIR": str(work / ".settings"), "JUPYTERLAB_WORKSPACES_DIR": str(work / ".ws")}
    cmd = [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--expose-app-in-browser",
           f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    yield base, token
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_student_runs_a_lab_and_moves_a_control(jupyterlab):
    sync_api = pytest.importorskip("playwright.sync_api")
    base, token = jupyterlab
    outside: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
                and not r.url.startswith(("data:", "blob:")) and outside.append(r.url))
        page.goto(f"{base}/lab/tree/queueing.ipynb?token={token}", wait_until="domcontentloaded")
        page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')",
                               timeout=60_000)
        # Wait for the kernel, then run every cell as a student would (Run > Run All Cells).
        page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
                                          return w && w.sessionContext && w.sessionContext.session
                                                 && w.sessionContext.session.kernel
                                                 && w.sessionContext.session.kernel.status === 'idle'; }""",
                               timeout=60_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        figure = ".jp-OutputArea .widget-output img"
        page.wait_for_selector(figure, timeout=120_000)
        page.wait_for_function("""() => [...document.querySelectorAll('.jp-OutputArea .widget-slider')]
                                        .some(e => e.offsetWidth > 0)""", timeout=30_000)
        before = page.get_attribute(figure, "src")
        seed = page.locator(".jp-OutputArea .widget-text input").first
        seed.scroll_into_view_if_needed()
        started = time.perf_counter()
        seed.fill("2")
        seed.press("Enter")
        page.wait_for_function("(old) => { const i = document.querySelector('.jp-OutputArea .widget-output img');"
                               " return i && i.getAttribute('src') !== old; }", arg=before, timeout=30_000)
        redraw_s = time.perf_counter() - started
        page.screenshot(path=str(ROOT / "_build" / "jupyterlab-queueing.png"))
        browser.close()
    assert before.startswith("data:image/svg+xml")
    assert not outside, f"JupyterLab asked other hosts for: {outside[:5]}"
    print(f"end-to-end redraw after a control change: {1000 * redraw_s:.0f} ms")
