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
    # An unknown widget module would be fetched from this "CDN": point it at our own folder.
    "vendor/embed-amd.js": {"data-jupyter-widgets-cdn": "_static/vendor/"},
}


def _sources() -> list[Path]:
    missing = [p for p in (REQUIRE, MANAGER / "embed-amd.js") if not p.exists()]
    if missing:
        raise ExtensionError(
            f"offline_assets: {', '.join(str(p.relative_to(ROOT)) for p in missing)} not found; "
            "run `make vendor` (npm ci) to install the widget assets from the npm registry"
        )
    fonts = [p for p in MANAGER.iterdir() if p.suffix in FONT_SUFFIXES]
    return [REQUIRE, MANAGER / "embed-amd.js", *fonts]


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


def setup(app):
    app.connect("config-inited", _configure, priority=900)
    app.connect("build-finished", _copy)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
