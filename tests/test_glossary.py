"""Every {term} a chapter or lab links to is defined in glossary.md (the -W book build fails on it too,
but this test says which term is missing, in a second, without building the book)."""
from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")


def glossary_terms(text: str) -> set[str]:
    """The terms defined in the ```{glossary} blocks of a MyST file, lower-cased as Sphinx matches them.

    In a glossary block a term is a line that starts at the margin; its definition is indented below it
    (several terms may share one definition); lines starting with ':' are the block's options.
    """
    terms: set[str] = set()
    for block in re.findall(r"^(`{3,}|:{3,})\{glossary\}[^\n]*\n(.*?)^\1\s*$", text, re.S | re.M):
        for line in block[1].splitlines():
            if line.strip() and not line[0].isspace() and not line.startswith(":"):
                terms.add(normalize(line))
    return terms


def normalize(term: str) -> str:
    return re.sub(r"\s+", " ", term).strip().lower()


def term_targets(text: str) -> list[str]:
    """The glossary terms a text links to: {term}`SRD` -> SRD, {term}`spraying <packet spraying>` -> packet spraying."""
    out = []
    for body in TERM_ROLE.findall(text):
        explicit = re.match(r"^(.*?)\s*<([^<>]+)>\s*$", body, re.S)
        out.append(normalize(explicit.group(2) if explicit else body))
    return out


def sources() -> dict[str, str]:
    """Reader text of the book: intro, chapters, and the markdown cells of the labs."""
    texts = {str(p.relative_to(ROOT)): p.read_text() for p in [ROOT / "intro.md", *sorted((ROOT / "chapters").glob("*.md"))]}
    for nb in sorted((ROOT / "labs").glob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        texts[str(nb.relative_to(ROOT))] = "\n\n".join(
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "markdown")
    return texts


def test_parsers_on_a_small_example():
    glossary = "# G\n\n```{glossary}\n:sorted:\n\nSRD\nScalable Reliable Datagram\n  A transport.\n\nECMP\n  Hashing.\n```\n"
    assert glossary_terms(glossary) == {"srd", "scalable reliable datagram", "ecmp"}
    text = "{term}`SRD` and {term}`ECMP's <ECMP>` and {term}`tail\nlatency` and `{term}` alone"
    assert term_targets(text) == ["srd", "ecmp", "tail latency"]


def test_glossary_defines_terms():
    assert glossary_terms((ROOT / "glossary.md").read_text()), "glossary.md defines no term"


def test_every_term_used_is_in_the_glossary():
    defined = glossary_terms((ROOT / "glossary.md").read_text())
    missing = [f"{name}: {{term}}`{t}`" for name, text in sources().items() for t in term_targets(text)
               if t not in defined]
    assert not missing, "terms used but not defined in glossary.md:\n" + "\n".join(missing)
