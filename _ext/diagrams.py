"""Sphinx extension: the ``diagram`` directive draws a chapter's explanatory diagram from code.

    ```{diagram} labsupport.ui.srd:diagram_spraying
    :name: fig-srd-spraying
    :alt: One flow's packets spread over four paths, with one path failed.

    The caption.
    ```

The function (``module:function``) returns a matplotlib Figure built with
``labsupport.plotting.new_diagram`` and friends. It is drawn twice, in the light and the dark page
style (``labsupport.plotting.diagram_style``), as SVG with text kept as text, into
``_build/diagrams/`` (never committed); the page shows the copy that matches the reader's theme
(pydata-sphinx-theme's ``only-light`` / ``only-dark`` classes). The result is an ordinary numbered
figure with a caption and alt text. A change to the module's file re-reads the chapter.
"""
from __future__ import annotations

import importlib
import inspect
import io
from pathlib import Path

import matplotlib
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "diagrams"


def render(target: str) -> dict[str, str]:
    """Draw ``module:function`` in both themes; return {"light": svg_text, "dark": svg_text}."""
    from labsupport.plotting import diagram_style

    module_name, _, func_name = target.partition(":")
    if not func_name:
        raise ExtensionError(f"diagram: expected 'module:function', got {target!r}")
    func = getattr(importlib.import_module(module_name), func_name)
    svgs = {}
    for theme, dark in (("light", False), ("dark", True)):
        with diagram_style(dark):
            fig = func()
            buf = io.StringIO()
            with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "labsupport"}):
                fig.savefig(buf, format="svg", transparent=True)
        svgs[theme] = buf.getvalue()
    return svgs


class DiagramDirective(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {"name": directives.unchanged, "alt": directives.unchanged_required,
                   "width": directives.unchanged}

    def run(self):
        target = self.arguments[0]
        if "alt" not in self.options:
            raise self.error(f"diagram {target}: give an :alt: text that says what the diagram shows")
        svgs = render(target)
        module = importlib.import_module(target.partition(":")[0])
        self.env.note_dependency(inspect.getfile(module))
        OUT.mkdir(parents=True, exist_ok=True)
        stem = target.replace(":", "-").replace(".", "-")
        figure = nodes.figure(classes=["diagram"])
        for theme, svg in svgs.items():
            path = OUT / f"{stem}-{theme}.svg"
            if not path.exists() or path.read_text() != svg:
                path.write_text(svg)
            uri = "/" + path.relative_to(Path(self.env.srcdir)).as_posix()
            image = nodes.image(uri=uri, alt=self.options["alt"], classes=[f"only-{theme}"])
            if "width" in self.options:
                image["width"] = self.options["width"]
            figure += image
        if self.content:
            holder = nodes.Element()
            self.state.nested_parse(self.content, self.content_offset, holder)
            first = holder[0] if len(holder) else None
            if isinstance(first, nodes.paragraph):
                caption = nodes.caption(first.rawsource, "", *first.children)
                caption.source, caption.line = first.source, first.line
                figure += caption
                rest = holder.children[1:]
            else:
                rest = holder.children
            if rest:
                figure += nodes.legend("", *rest)
        self.add_name(figure)
        return [figure]


def setup(app):
    app.add_directive("diagram", DiagramDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
