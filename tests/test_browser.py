"""Open every page of the built book in a real headless Chromium and check what a reader would see.

Fails on any console error, uncaught page error, failed request, HTTP error, or request to a host other
than the local test server; on math that MathJax did not typeset; on a lab page without its figure or
its widget. A screenshot of every page goes to _build/screenshots/.
Uses Debian's /usr/bin/chromium through the playwright package (no browser download).
"""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--metrics-recording-only"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def server(book_html):
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make setup` installs Debian's chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def pages(book_html: Path) -> list[str]:
    skip: set[str] = set()  # every page, the search and index pages included
    return sorted(str(p.relative_to(book_html)) for p in book_html.rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts and "_sources" not in p.parts)


def visit(browser, server: str, rel: str, shots: Path) -> dict:
    """Open one page; return what went wrong and what it shows."""
    host = urlparse(server).netloc
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def on_request(route):
        url = route.request.url
        if urlparse(url).netloc != host and not url.startswith(("data:", "blob:", "about:")):
            problems.append(f"request to another host: {url}")
            route.abort()
        else:
            route.continue_()

    page.route("**/*", on_request)
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    page.goto(f"{server}/{rel}", wait_until="networkidle")
    # MathJax 3 typesets asynchronously: wait for it where the page has math.
    has_math = page.evaluate("document.querySelectorAll('.math').length") > 0
    if has_math:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
        page.evaluate("() => MathJax.startup.promise")
    if rel.startswith("labs/"):
        page.wait_for_function("() => [...document.querySelectorAll('.widget-slider')].some(e => e.offsetWidth > 0)",
                               timeout=20000)
    info = page.evaluate("""() => ({
        math: document.querySelectorAll('.math').length,
        untypeset: [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container')).length,
        figures: [...document.querySelectorAll('.cell_output img')].filter(i => i.complete && i.naturalWidth > 0).length,
        sliders: [...document.querySelectorAll('.widget-slider, .widget-hslider')].filter(e => e.offsetWidth > 0).length,
        widget_figures: [...document.querySelectorAll('.jupyter-widgets img, .widget-output img')].filter(i => i.naturalWidth > 0).length,
        title: document.title,
    })""")
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / (rel.replace("/", "__").replace(".html", ".png"))), full_page=True)
    context.close()
    info["problems"] = problems
    return info


def test_every_page_renders_offline(book_html, server, browser):
    shots = book_html.parent / "screenshots"
    report = {rel: visit(browser, server, rel, shots) for rel in pages(book_html)}
    failures = []
    for rel, info in report.items():
        failures += [f"{rel}: {p}" for p in info["problems"]]
        if info["untypeset"]:
            failures.append(f"{rel}: {info['untypeset']} of {info['math']} math elements not typeset by MathJax")
        if rel.startswith("labs/"):
            if info["figures"] < 1:
                failures.append(f"{rel}: no figure rendered")
            if info["sliders"] < 1:
                failures.append(f"{rel}: no widget controls rendered")
            if info["widget_figures"] < 1:
                failures.append(f"{rel}: the widget's stored figure is missing")
    assert not failures, "\n".join(failures)
    assert any(info["math"] > 0 for info in report.values()), "no page has math: the math check checked nothing"
