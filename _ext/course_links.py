"""Sphinx extension: the repository and launch buttons follow `repository.url` in _config.yml alone.

An instructor sets `repository.url` (and, for launch buttons on every lab page, `launch_buttons.
jupyterhub_url` or `binderhub_url`) and nothing else: the repository button appears when the URL is
set. Left empty (the default), no button points anywhere and the pages make no request to another host.
sphinx-book-theme would crash on `use_repository_button: true` with an empty URL, and would not show
the button for a URL unless that switch is also set: this hook sets it from the URL.
"""
from __future__ import annotations


def _repository_button(app, config) -> None:
    options = dict(config.html_theme_options or {})
    url = (options.get("repository_url") or "").strip()
    options["use_repository_button"] = bool(url)
    if not url:
        # launch buttons need a repository to pull the notebooks from
        options["launch_buttons"] = {k: ("" if k.endswith("_url") else v)
                                     for k, v in (options.get("launch_buttons") or {}).items()}
    config.html_theme_options = options


def setup(app):
    app.connect("config-inited", _repository_button, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
