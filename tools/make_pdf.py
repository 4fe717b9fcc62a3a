"""`make pdf`: the whole book as one PDF, offline, printed by Debian's Chromium.

Jupyter Book's own ``pdfhtml`` builder downloads a browser (pyppeteer) and cannot run offline. This
script does the same job with what is installed:

1. builds the book as one HTML page (Sphinx's ``singlehtml`` builder, warnings are errors) into
   ``_build/singlehtml`` -- ``_ext/offline_assets.py`` gives that page every lab's widget state and the
   local widget scripts, and MathJax is served from the build as in the HTML book;
2. serves it on 127.0.0.1 and opens it in headless Chromium through the ``playwright`` package
   (``/usr/bin/chromium``; never ``playwright install``), refusing any request to another host;
3. waits for MathJax to typeset, for every widget snapshot to render and for every image and font;
4. opens every folded answer (``hide-output`` cells, ``{solution}`` dropdowns) -- the print rules in
   ``_static/course.css`` do the rest: no navigation, code wrapped instead of clipped, figures within
   the page;
5. prints A4 with margins, backgrounds and page numbers to ``_build/pdf/book.pdf``.

Usage: ``python tools/make_pdf.py [--no-build] [--out PATH]``. Exit status 1 with the reason on failure.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
SINGLE = ROOT / "_build" / "singlehtml"
OUT = ROOT / "_build" / "pdf" / "book.pdf"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--metrics-recording-only"]
BUILD_FLAGS = ["-W", "-n", "--keep-going"]
MARGIN_MM = {"top": 18, "bottom": 18, "left": 16, "right": 16}
#: The text column of an A4 page between the margins, in CSS pixels (96 per inch).
A4_COLUMN_PX = round((210 - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96)

# Page number at the foot of every page (Chromium fills the spans).
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')

# What must be true before printing: math typeset, widgets drawn, images decoded, fonts loaded.
READY_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const known = new Set();
  for (const s of document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')) {
    for (const id of Object.keys(JSON.parse(s.textContent).state || {})) { known.add(id); }
  }
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
    .filter(s => known.has(JSON.parse(s.textContent).model_id)).length;
  const rendered = document.querySelectorAll('.widget-subarea').length;
  const images = [...document.images].every(i => i.complete);
  const math = [...document.querySelectorAll('.math')].every(e => e.querySelector('mjx-container'));
  return {views, rendered, images, math, ready: rendered >= views && images && math};
}"""

# Unfold everything a reader would click to see: solutions, hidden outputs and inputs, dropdowns.
# sphinx-togglebutton listens for "beforeprint" and opens its toggles; <details> need `open`.
UNFOLD_JS = """() => {
  window.dispatchEvent(new Event('beforeprint'));
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('button.toggle-button-hidden').forEach(e => e.classList.remove('toggle-button-hidden'));
  return document.querySelectorAll('details').length;
}"""

# At print width, with everything unfolded: what still sticks out of the text column (code, printed
# output, tables, display equations, images). Code and output wrap (course.css), so this should be empty.
OVERFLOW_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const right = article.getBoundingClientRect().right;
  const out = [];
  for (const e of document.querySelectorAll('pre, table, img, svg, mjx-container[display="true"], .cell_output > *, .jupyter-widgets')) {
    if (!e.offsetWidth || e.closest('nav, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header')) { continue; }
    const over = Math.max(e.scrollWidth - e.clientWidth, e.getBoundingClientRect().right - right);
    if (over > 2 && !(e.tagName === 'svg' && e.closest('mjx-container'))) {
      const sec = e.closest('section[id]');
      out.push(`${e.tagName.toLowerCase()} in #${sec ? sec.id : '?'} sticks out by ${Math.round(over)} px: `
               + (e.textContent || e.getAttribute('alt') || '').trim().slice(0, 60));
    }
  }
  return out;
}"""

# A contents list under the title, linking every chapter, lab and back-matter page (the PDF's outline
# has the same entries with their sections).
CONTENTS_JS = r"""() => {
  const heads = [...document.querySelectorAll('span[id^="document-"] + section')]
    .map(s => [s.id, s.querySelector(':scope > h1, :scope > h2, :scope > h3')]).filter(([id, h]) => id && h);
  const nav = document.createElement('nav');
  nav.className = 'pdf-contents';
  nav.innerHTML = '<h2>Contents</h2><ul></ul>';
  for (const [id, h] of heads) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '#' + id;
    a.textContent = [...h.childNodes].filter(n => !(n.classList && n.classList.contains('headerlink')))
      .map(n => n.textContent).join('').trim();
    if (!/^\d+\.\s/.test(a.textContent) || /^\d+\.\d+\./.test(a.textContent)) { li.className = 'sub'; }
    li.appendChild(a);
    nav.querySelector('ul').appendChild(li);
  }
  const title = document.querySelector('#jb-print-docs-body') || document.querySelector('article');
  title.after(nav);
  return heads.length;
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def build_singlehtml() -> None:
    """Build the one-page book into _build/singlehtml; raise SystemExit with the log tail on failure."""
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--builder", "custom", "--custom-builder", "singlehtml", *BUILD_FLAGS]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    if proc.returncode != 0:
        raise SystemExit("make_pdf: the single-page build failed:\n" + (proc.stdout + proc.stderr)[-4000:])


def print_pdf(out: Path = OUT, *, timeout_s: float = 60.0) -> dict:
    """Print _build/singlehtml/intro.html to ``out``; return what was waited for and any problems."""
    from playwright.sync_api import sync_playwright

    page_file = SINGLE / "intro.html"
    if not page_file.exists():
        raise SystemExit(f"make_pdf: {page_file} not found; build it first (without --no-build)")
    handler = functools.partial(_QuietHandler, directory=str(SINGLE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    problems: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            # The width of an A4 page's text column at 96 dpi, so widgets lay out as they will print.
            context = browser.new_context(viewport={"width": A4_COLUMN_PX, "height": 1000}, color_scheme="light")
            page = context.new_page()

            def route(r):
                url = r.request.url
                if urlparse(url).netloc != urlparse(base).netloc and not url.startswith(("data:", "blob:", "about:")):
                    problems.append(f"request to another host (blocked): {url}")
                    r.abort()
                else:
                    r.continue_()

            page.route("**/*", route)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            # The one-page build links a search index it does not write; nothing else may be missing.
            page.on("response", lambda r: r.status >= 400 and not r.url.endswith("searchindex.js")
                    and problems.append(f"HTTP {r.status}: {r.url}"))
            page.goto(f"{base}/intro.html", wait_until="networkidle")
            deadline = time.monotonic() + timeout_s
            state = page.evaluate(READY_JS)
            while not state["ready"] and time.monotonic() < deadline:
                time.sleep(0.25)
                state = page.evaluate(READY_JS)
            if not state["ready"]:
                problems.append(f"not ready after {timeout_s:.0f} s: {state}")
            page.emulate_media(media="print")
            state["details"] = page.evaluate(UNFOLD_JS)
            state["contents"] = page.evaluate(CONTENTS_JS)
            state["overflow"] = page.evaluate(OVERFLOW_JS)
            page.evaluate("document.fonts.ready.then(() => true)")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(out), format="A4", print_background=True, outline=True, tagged=True,
                     margin={k: f"{v}mm" for k, v in MARGIN_MM.items()},
                     display_header_footer=True, header_template="<div></div>", footer_template=FOOTER)
            browser.close()
    finally:
        httpd.shutdown()
    state["problems"] = problems
    return state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="print the existing _build/singlehtml")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write the PDF (default {OUT})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if not args.no_build:
        build_singlehtml()
    state = print_pdf(args.out)
    if state["problems"]:
        print("make_pdf: " + "\n  ".join(["the PDF is not right:", *state["problems"]]), file=sys.stderr)
        return 1
    for line in state["overflow"]:
        print(f"make_pdf: warning: {line}", file=sys.stderr)
    print(f"The PDF is built ({state['rendered']} widget snapshots, {time.perf_counter() - start:.0f} s):\n"
          f"  {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
