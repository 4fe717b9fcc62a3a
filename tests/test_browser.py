"""Open every page of the built book in a real headless Chromium and check what a reader would see.

Each page is loaded once and looked at three ways: 1280 px light, 390 px (a phone) light, 390 px dark.
It fails on:
- any console error, uncaught page error, failed request, HTTP error, or request to a host other than
  the local test server (127.0.0.1);
- math that MathJax did not typeset; a lab page without its figure or its widget;
- output, code, a table or a display equation wider than the article column (it would hide behind a
  scrollbar or be cut off); a slider without a usable track or a clipped control label;
- a figure without a caption, or whose alt text is a file name or a hash; an output image that is not
  a captioned figure (widget snapshots excepted);
- a widget without the "Live widget." note just before it;
- a lab page whose download button does not save that lab's notebook as valid nbformat JSON.
A screenshot (JPEG) of every page in every view goes to _build/screenshots/<view>/.
Uses Debian's /usr/bin/chromium through the playwright package (no browser download).
"""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("book")]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--metrics-recording-only"]
#: (name, width px, colour scheme): every page is checked in each view.
VIEWS = [("1280-light", 1280, "light"), ("390-light", 390, "light"), ("390-dark", 390, "dark")]
SLACK_PX = 2  # rounding of sub-pixel layout
MIN_TRACK_PX = 100  # a slider track shorter than this cannot be set with a finger
LIVE_NOTE = "Live widget."


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


def serve(folder: Path):
    """A local HTTP server for ``folder`` on 127.0.0.1; returns (base URL, server)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


@pytest.fixture(scope="module")
def server(book_html):
    base, httpd = serve(book_html)
    yield base
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


# What the page shows, whatever the width: rendered math, figures, widgets, captions, notes.
CONTENT_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const inWidget = e => e.closest('.jupyter-widgets, .widget-output, .widget-subarea');
  const badAlt = alt => !alt || !alt.trim() || /\\.(png|svg|jpe?g|gif|webp)$/i.test(alt.trim())
                        || /[0-9a-f]{16,}/i.test(alt) || /^[\\w.\\/-]+\\/[\\w.-]+$/.test(alt.trim());
  const where = e => { const s = e.closest('section[id]'); return s ? '#' + s.id : 'page'; };
  const problems = [];
  for (const fig of article.querySelectorAll('figure')) {
    const cap = fig.querySelector('figcaption');
    if (!cap || !cap.textContent.trim()) { problems.push(`figure in ${where(fig)} has no caption`); }
    for (const img of fig.querySelectorAll('img')) {
      if (badAlt(img.getAttribute('alt'))) {
        problems.push(`figure in ${where(fig)}: alt text ${JSON.stringify(img.getAttribute('alt'))} does not say what it shows`);
      }
    }
  }
  for (const img of article.querySelectorAll('.cell_output img')) {
    if (inWidget(img) || img.closest('figure')) { continue; }
    problems.push(`output image in ${where(img)} is not a captioned figure (alt ${JSON.stringify(img.getAttribute('alt'))})`);
  }
  const widgetCells = [...article.querySelectorAll('div.cell')].filter(c =>
      c.querySelector('.cell_output script[type="application/vnd.jupyter.widget-view+json"], .cell_output .widget-subarea'));
  for (const cell of widgetCells) {
    // the markdown just before the widget cell (all of it, back to the previous code cell: markdown
    // cells are not wrapped in the page) must hold the note
    const before = [];
    for (let e = cell.previousElementSibling; e && !e.matches('div.cell'); e = e.previousElementSibling) { before.push(e); }
    if (!before.some(e => e.textContent.trim().startsWith('""" + LIVE_NOTE + """'))) {
      problems.push(`widget in ${where(cell)} is not preceded by its "` + '""" + LIVE_NOTE + """' + `" note`);
    }
  }
  return {
    problems,
    math: document.querySelectorAll('.math').length,
    untypeset: [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container')).length,
    figures: [...document.querySelectorAll('.cell_output img')].filter(i => i.complete && i.naturalWidth > 0).length,
    controls: [...document.querySelectorAll('.widget-slider, .widget-hslider, .widget-dropdown, .widget-toggle-buttons, .widget-checkbox, .widget-text')].filter(e => e.offsetWidth > 0).length,
    widget_figures: [...document.querySelectorAll('.jupyter-widgets img, .widget-output img, .widget-output svg')]
                    .filter(i => (i.naturalWidth || i.getBoundingClientRect().width) > 0).length,
    widgets: widgetCells.length,
    download: [...document.querySelectorAll('a.btn-download-source-button')].map(a => a.getAttribute('href')),
  };
}"""

# What sticks out at the current width: content wider than the article column, short slider tracks,
# clipped labels. Hidden (folded) content has no width and is skipped.
LAYOUT_JS = """(slack) => {
  const article = document.querySelector('article.bd-article') || document.body;
  const right = article.getBoundingClientRect().right;
  const where = e => { const s = e.closest('section[id]'); return s ? '#' + s.id : 'page'; };
  const text = e => (e.textContent || e.getAttribute('alt') || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
  const problems = [];
  const seen = new Set();
  const selector = '.cell_output > *, .cell_output pre, pre, table, mjx-container[display="true"], .jupyter-widgets';
  for (const e of article.querySelectorAll(selector)) {
    if (!e.offsetWidth || seen.has(e) || [...seen].some(s => s.contains(e))) { continue; }
    const over = Math.max(e.scrollWidth - e.clientWidth, e.getBoundingClientRect().right - right);
    if (over > slack) {
      seen.add(e);
      problems.push(`${e.tagName.toLowerCase()}${e.className && e.className.baseVal === undefined && e.className ? '.' + String(e.className).split(' ')[0] : ''} in ${where(e)} is ${Math.round(over)} px wider than the column: ${text(e)}`);
    }
  }
  for (const s of article.querySelectorAll('.widget-slider, .widget-hslider')) {
    if (!s.offsetWidth) { continue; }
    const track = s.querySelector('.slider-container, .noUi-target, .slider');
    const w = track ? track.getBoundingClientRect().width : 0;
    if (w < """ + str(MIN_TRACK_PX) + """) { problems.push(`slider "${text(s)}" in ${where(s)} has a ${Math.round(w)} px track`); }
  }
  for (const l of article.querySelectorAll('.widget-label, .widget-readout, .widget-dropdown select')) {
    if (l.offsetWidth && l.scrollWidth > l.clientWidth + slack) {
      problems.push(`widget label "${text(l)}" in ${where(l)} is clipped`);
    }
  }
  return problems;
}"""


def set_scheme(page, scheme: str) -> None:
    """Switch pydata-sphinx-theme's colour mode in place (what its theme button does)."""
    page.evaluate("""(s) => { document.documentElement.dataset.theme = s;
                              document.documentElement.dataset.mode = s; }""", scheme)


def check_download(page, rel: str, tmp: Path) -> list[str]:
    """The download button of a lab page saves that lab's notebook, valid nbformat JSON."""
    import nbformat

    links = page.locator("a.btn-download-source-button[href$='.ipynb']")
    if links.count() != 1:
        return [f"{rel}: the download button offers no .ipynb"]
    stem = Path(rel).stem
    with page.expect_download(timeout=10000) as info:
        links.first.dispatch_event("click")
    download = info.value
    if download.failure():
        return [f"{rel}: the notebook download failed: {download.failure()}"]
    path = tmp / download.suggested_filename
    download.save_as(path)
    problems = []
    if download.suggested_filename != f"{stem}.ipynb":
        problems.append(f"{rel}: the download is named {download.suggested_filename!r}, not {stem}.ipynb")
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - any parse or schema error is the finding
        return problems + [f"{rel}: the downloaded notebook is not valid nbformat: {exc}"]
    source = nbformat.read(ROOT / "labs" / f"{stem}.ipynb", as_version=4)
    if [c.source for c in nb.cells] != [c.source for c in source.cells]:
        problems.append(f"{rel}: the downloaded notebook differs from labs/{stem}.ipynb")
    return problems


def visit(page, server: str, folder: Path, rel: str, shots: Path, tmp: Path, log: list[str]) -> dict:
    """Open one page, look at it in every view; return what went wrong and what it shows."""
    log.clear()
    page.set_viewport_size({"width": VIEWS[0][1], "height": 900})
    # "load", then wait for what matters (not networkidle's 500 ms of silence); a redirect page (index.html)
    # navigates on by itself: wait until it has.
    url = f"{server}/{rel}"
    page.goto(url, wait_until="load")
    if 'http-equiv="refresh"' in (folder / rel).read_text().lower():
        page.wait_for_url(lambda u: u != url, wait_until="load", timeout=10000)
    # MathJax 3 typesets asynchronously: wait for it where the page has math.
    if page.evaluate("document.querySelectorAll('.math').length") > 0:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
        page.evaluate("() => MathJax.startup.promise")
    if rel.startswith("labs/"):
        # every lab has a widget: wait until its controls (sliders, dropdowns, toggles) and its figure render
        page.wait_for_function("() => [...document.querySelectorAll('.widget-slider, .widget-dropdown, "
                               ".widget-toggle-buttons, .widget-checkbox, .widget-text')].some(e => e.offsetWidth > 0)"
                               " && document.querySelector('.widget-output img, .widget-output svg')", timeout=20000)
    page.evaluate("document.fonts.ready.then(() => true)")
    info = page.evaluate(CONTENT_JS)
    problems = [f"{rel}: {p}" for p in info.pop("problems")]
    for name, width, scheme in VIEWS:
        page.set_viewport_size({"width": width, "height": 900})
        set_scheme(page, scheme)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        problems += [f"{rel} at {name}: {p}" for p in page.evaluate(LAYOUT_JS, SLACK_PX)]
        folder = shots / name
        folder.mkdir(parents=True, exist_ok=True)
        # JPEG: encoding a full-page PNG of a long lab costs seconds; the dark view: its first screen
        page.screenshot(path=str(folder / (rel.replace("/", "__").replace(".html", ".jpg"))),
                        full_page=scheme == "light", type="jpeg", quality=70)
    if rel.startswith("labs/"):
        set_scheme(page, "light")
        page.set_viewport_size({"width": VIEWS[0][1], "height": 900})
        problems += check_download(page, rel, tmp)
    problems += [f"{rel}: {p}" for p in log]
    info["problems"] = problems
    return info


def open_page(browser, server: str, log: list[str]):
    """One page for the whole run; every request to another host is refused and reported."""
    host = urlparse(server).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light", accept_downloads=True)
    page = context.new_page()
    local = re.compile(r"^(" + re.escape(server) + r"/|data:|blob:|about:)")

    def refuse(route):
        log.append(f"request to another host: {route.request.url}")
        route.abort()

    # Only foreign URLs reach Python: local requests are not slowed down.
    page.route(lambda url: not local.match(url), refuse)
    page.on("console", lambda m: m.type == "error" and log.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: log.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: urlparse(r.url).netloc == host
            and log.append(f"failed request: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and log.append(f"HTTP {r.status}: {r.url}"))
    return context, page


def check_pages(browser, server: str, folder: Path, rels: list[str], tmp: Path) -> tuple[dict, list[str]]:
    log: list[str] = []
    context, page = open_page(browser, server, log)
    try:
        report = {rel: visit(page, server, folder, rel, folder.parent / "screenshots", tmp, log) for rel in rels}
    finally:
        context.close()
    failures = []
    for rel, info in report.items():
        failures += info["problems"]
        if info["untypeset"]:
            failures.append(f"{rel}: {info['untypeset']} of {info['math']} math elements not typeset by MathJax")
        if rel.startswith("labs/"):
            if info["figures"] < 1:
                failures.append(f"{rel}: no figure rendered")
            if info["controls"] < 1:
                failures.append(f"{rel}: no widget controls rendered")
            if info["widget_figures"] < 1:
                failures.append(f"{rel}: the widget's stored figure is missing")
    return report, failures


def test_every_page_renders_offline(book_html, server, browser, tmp_path):
    report, failures = check_pages(browser, server, book_html, pages(book_html), tmp_path)
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
    assert any(info["math"] > 0 for info in report.values()), "no page has math: the math check checked nothing"
    assert any(info["widgets"] > 0 for info in report.values()), "no page has a widget: the widget checks checked nothing"
