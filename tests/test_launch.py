"""Repository and launch buttons come from _config.yml alone: off by default, on when an instructor sets
`repository.url` and `launch_buttons.jupyterhub_url` (a small book -- the intro, one chapter and one lab --
is built into a temporary folder with such a config; the real book's default is checked on its build)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.book, pytest.mark.xdist_group("book")]
REPO = "https://github.com/example-university/from-the-ground-up"
HUB = "https://hub.example.edu"


def test_no_link_buttons_by_default(book_html):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert not config["repository"]["url"] and not config["launch_buttons"]["jupyterhub_url"], \
        "the course ships with no repository or hub set: instructors set their own"
    lab = (book_html / "labs" / "queueing.html").read_text()
    assert "user-redirect/git-pull" not in lab and "launch-buttons" not in lab
    assert "source-repository-button" not in lab


def test_repository_and_hub_make_launch_buttons(tmp_path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["repository"]["url"] = REPO
    config["launch_buttons"]["jupyterhub_url"] = HUB
    # paths in a config file are relative to its folder: point them back at the repository
    config["sphinx"]["local_extensions"] = {k: str(ROOT / v) for k, v in config["sphinx"]["local_extensions"].items()}
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    toc = {"format": "jb-book", "root": "intro", "parts": [
        {"caption": "One chapter", "numbered": True,
         "chapters": [{"file": "chapters/measuring", "sections": [{"file": "labs/queueing"}]}]}]}
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run([str(jb), "build", str(ROOT), "--config", str(tmp_path / "_config.yml"),
                           "--toc", str(tmp_path / "_toc.yml"), "--path-output", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONWARNINGS": ""})
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    lab = (tmp_path / "_build" / "html" / "labs" / "queueing.html").read_text()
    assert f"{HUB}/hub/user-redirect/git-pull?repo={REPO}" in lab.replace("%3A", ":").replace("&amp;", "&")
    assert "urlpath=lab/tree/from-the-ground-up/labs/queueing.ipynb" in lab
    assert f'href="{REPO}"' in lab, "no repository button"
    chapter = (tmp_path / "_build" / "html" / "chapters" / "measuring.html").read_text()
    assert "user-redirect" not in chapter, "a chapter is not a notebook: no launch button"
