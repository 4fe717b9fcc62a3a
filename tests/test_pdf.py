"""`make pdf`: the whole book prints to one PDF, offline, with every chapter and every folded answer in it.

The fixture runs tools/make_pdf.py's build and print (Debian's Chromium through playwright); the PDF is
read back with pypdf.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SINGLE = ROOT / "_build" / "singlehtml" / "intro.html"
pytestmark = [pytest.mark.book, pytest.mark.xdist_group("book")]


def chapters() -> list[tuple[str, str]]:
    """(file, title) of every chapter in _toc.yml, in book order; the title is the file's first heading."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    out = []
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            if chapter["file"].startswith("chapters/"):
                text = (ROOT / f"{chapter['file']}.md").read_text()
                out.append((chapter["file"], re.search(r"^# (.+)$", text, re.M).group(1).strip()))
    return out


def squash(text: str) -> str:
    """Text without whitespace, lower case, ligatures and typographic quotes undone: PDF text extraction
    breaks lines and words unpredictably, so compare letters only."""
    text = unicodedata.normalize("NFKC", text)  # ligatures (ﬀ, ﬁ, ﬂ, ...) back into letters
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", "", text).lower()


@pytest.fixture(scope="module")
def pdf_pages(book_pdf) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    assert not book_pdf["problems"], "\n".join(book_pdf["problems"])
    return [page.extract_text() or "" for page in pypdf.PdfReader(book_pdf["path"]).pages]


def test_pdf_has_a_page_per_chapter_and_every_title(pdf_pages):
    found = chapters()
    assert found, "no chapter in _toc.yml"
    assert len(pdf_pages) >= len(found), f"{len(pdf_pages)} pages for {len(found)} chapters"
    starts = {}
    for file, title in found:
        # every chapter starts a new sheet (course.css), so its title is at the top of some page
        pages = [i for i, text in enumerate(pdf_pages) if squash(title) in squash(text)[:400]]
        assert pages, f"{file}: title {title!r} not at the top of any page of the PDF"
        starts[file] = pages[-1]
    assert len(set(starts.values())) == len(found), starts


def test_pdf_shows_every_folded_answer(pdf_pages):
    """Solutions (sphinx-exercise dropdowns) and hide-output cells are folded on the web page; on paper
    they are printed. A few words from each must be in the PDF's text."""
    bs4 = pytest.importorskip("bs4")
    soup = bs4.BeautifulSoup(SINGLE.read_text(), "html.parser")
    folded = soup.select(".solution, details.hide, .tag_hide-output .cell_output, .tag_hide-cell")
    text = squash(" ".join(pdf_pages))
    missing = []
    for element in folded:
        for junk in element.select(".admonition-title, summary, script, style"):
            junk.decompose()
        for math in element.select(".math, mjx-container, code"):
            math.replace_with("|")  # math and code extract oddly from a PDF: compare the prose between
        run = max(re.split(r"[|()]", element.get_text(" ")), key=lambda r: len(squash(r)), default="")
        snippet = squash(run)[:40]
        if len(snippet) >= 12 and snippet not in text:
            missing.append(run.strip()[:60])
    assert not missing, f"{len(missing)} of {len(folded)} folded answers are not in the PDF: {missing[:5]}"


def test_pdf_content_fits_the_page(book_pdf):
    """At A4 width, with everything unfolded, nothing sticks out of the text column (code wraps)."""
    assert not book_pdf["overflow"], "\n".join(book_pdf["overflow"])


def test_pdf_waited_for_math_and_widgets(book_pdf):
    assert book_pdf["math"] and book_pdf["images"], book_pdf
    assert book_pdf["views"] > 0 and book_pdf["rendered"] >= book_pdf["views"], book_pdf
