"""Sphinx extension: serve the widget assets from the built book itself, never from a CDN.

myst-nb loads require.js and the ipywidgets HTML manager from public CDNs by default. This extension
points it at copies under ``_static/vendor/`` and copies them there from ``node_modules`` (installed
from the npm registry by ``make vendor``) when the build finishes. The files are neither committed nor
put in the source ``_static/`` (Jupyter Book would inject every script there into every page).
MathJax is served the same way by the ``sphinx-mathjax-offline`` extension (from PyPI).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[1]
MANAGER = ROOT / "node_modules" / "@jupyter-widgets" / "html-manager" / "dist"
REQUIRE = ROOT / "node_modules" / "requirejs" / "require.js"
FONT_SUFFIXES = {".woff2", ".woff", ".ttf", ".eot", ".svg"}

#: What myst-nb puts in a page that holds widgets (paths relative to _static/).
IPYWIDGETS_JS = {
    "vendor/require.js": {},
    "vendor/widgets-config.js": {},
    # An unknown widget module would be fetched from this "CDN": point it at our own folder.
    "vendor/embed-amd.js": {"data-jupyter-widgets-cdn": "_static/vendor/"},
}


# The widget manager's bundled modules find their icon fonts next to their own AMD module URL, which
# require.js would otherwise put in the page's folder (labs/@jupyter-widgets/html-manager/dist/*.woff2:
# 404). Map them, and webpack's asset path, to the folder of this script: _static/vendor/.
WIDGETS_CONFIG_JS = """// Written by _ext/offline_assets.py: the widget manager's modules and fonts are in this folder.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  window.__jupyter_widgets_assets_path__ = here;
  require.config({paths: {"@jupyter-widgets/html-manager/dist": here.replace(/\\/$/, "")}});
})();
"""


def _sources() -> list[Path]:
    missing = [p for p in (REQUIRE, MANAGER / "embed-amd.js") if not p.exists()]
    if missing:
        raise ExtensionError(
            f"offline_assets: {', '.join(str(p.relative_to(ROOT)) for p in missing)} not found; "
            "run `make vendor` (npm ci) to install the widget assets from the npm registry"
        )
    fonts = [p for p in MANAGER.iterdir() if p.suffix in FONT_SUFFIXES]
    return [REQUIRE, MANAGER / "embed-amd.js", *fonts]


# The ipywidgets HTML manager typesets widget labels with the MathJax 2 API (MathJax.Hub.Queue); the
# book serves MathJax 3, so without this bridge every widget logs "Cannot read properties of undefined
# (reading 'Queue')". It runs once MathJax 3 has replaced its config object (deferred scripts run
# before DOMContentLoaded) and before the widgets render (on the window's load event).
MATHJAX2_BRIDGE = """
document.addEventListener("DOMContentLoaded", function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub) { return; }
  mj.Hub = { Queue: function (job) {
    var el = Array.isArray(job) ? job[2] : undefined;
    var run = function () { if (mj.typesetPromise) { return mj.typesetPromise(el ? [el] : undefined); } };
    (mj.startup && mj.startup.promise ? mj.startup.promise.then(run) : Promise.resolve(run())).catch(function () {});
  } };
});
"""


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated inline scripts: sphinx-thebe's config is emitted twice, and a page that declares
    the same `const` twice stops with "Identifier 'THEBE_JS_URL' has already been declared"."""
    seen, kept = set(), []
    for script in context.get("script_files", []):
        attrs = getattr(script, "attributes", {}) or {}
        # the same script is registered once with filename None and once with "": treat them alike
        key = (getattr(script, "filename", script) or "", tuple(sorted((k, str(v)) for k, v in attrs.items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"][:] = kept  # in place: later handlers append to this very list


def _singlehtml_widgets(app, pagename, templatename, context, doctree) -> None:
    """The single-page build (``make pdf``) holds every lab, but myst-nb adds a notebook's widget state
    and the widget scripts only to that notebook's own page: add every notebook's here, in book order.
    The HTML manager renders each state script's views with its own manager, so several can coexist."""
    if app.builder.name != "singlehtml" or pagename != app.config.root_doc:
        return
    metadata = getattr(app.env, "nb_metadata", {}) or {}
    order = [app.config.root_doc, *app.env.toctree_includes.get(app.config.root_doc, [])]
    for doc in sorted(metadata, key=lambda d: (order.index(d) if d in order else len(order), d)):
        for path, kwargs in (metadata[doc] or {}).get("js_files", {}).values():
            app.add_js_file(path, **kwargs)  # identical vendor scripts are added once


def _singlehtml_translators(app) -> None:
    """Sphinx looks up node visitors by builder name first and falls back to the format ("html") only
    when no extension registered any for the name; sphinx-design & co. register some for "singlehtml",
    so myst-nb's html-only nodes (HideCodeCellNode: hide-output cells) would crash the one-page build.
    Give "singlehtml" every "html" visitor it lacks."""
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, visitors in handlers.get("html", {}).items():
        single.setdefault(node, visitors)


def _configure(app, config) -> None:
    config.nb_ipywidgets_js = IPYWIDGETS_JS
    _sources()  # fail early, with the fix in the message


def _copy(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    for src in _sources():
        dst = target / src.name
        if not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime or dst.stat().st_size != src.stat().st_size:
            shutil.copy2(src, dst)
    config_js = target / "widgets-config.js"
    if not config_js.exists() or config_js.read_text() != WIDGETS_CONFIG_JS:
        config_js.write_text(WIDGETS_CONFIG_JS)
    # Some widget views still ask for their icon fonts at "@jupyter-widgets/<hash>.woff2" relative to the
    # page, depending on which module loads first (seen on a different lab page from run to run): serve
    # the fonts there too, next to every page that can hold a widget (the labs, and the one-page build).
    fonts = [src for src in _sources() if src.suffix in FONT_SUFFIXES]
    for folder in {Path(app.outdir), Path(app.outdir) / "labs"}:
        if not folder.is_dir():
            continue
        extra = folder / "@jupyter-widgets"
        extra.mkdir(exist_ok=True)
        for src in fonts:
            dst = extra / src.name
            if not dst.exists() or dst.stat().st_size != src.stat().st_size:
                shutil.copy2(src, dst)


def setup(app):
    app.connect("config-inited", _configure, priority=900)
    # emit_firstresult: a theme handler that returns a template stops later handlers, so run first.
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    app.add_js_file(None, body=MATHJAX2_BRIDGE)
    app.connect("builder-inited", _singlehtml_translators)
    app.connect("html-page-context", _singlehtml_widgets)
    app.connect("build-finished", _copy)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
