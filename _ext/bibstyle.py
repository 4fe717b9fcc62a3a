"""Sphinx extension: an author-year bibliography to match the author-year citations.

The text cites "(Dean and Barroso, 2013)"; the bibliography page used to number its entries "[1]",
so a reader could not match the two. This registers a pybtex style, ``authoryear``, whose labels are
"Dean and Barroso 2013" / "Shalev et al. 2020" (a letter is added when one label stands for two works),
sorted by author and year, which keeps titles' capitals, and prints each entry's DOI or URL as a link.
"""
from __future__ import annotations

from collections import Counter

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle
from pybtex.style.template import field, sentence


def _last_names(entry) -> list[str]:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = []
    for person in people:
        last = " ".join(person.last_names) or " ".join(person.first_names)
        names.append(str(Text.from_latex(last)).strip("{}"))
    return names


class AuthorYearLabels(BaseLabelStyle):
    """Labels such as "Dean and Barroso 2013", "Agache et al. 2020", "AWS 2024a"."""

    def base_label(self, entry) -> str:
        names = _last_names(entry)
        if not names:
            key = entry.fields.get("organization") or entry.fields.get("publisher") or entry.key
            names = [str(Text.from_latex(str(key)))]
        if len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        return f"{who} {entry.fields.get('year', 'n.d.')}"

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        bases = [self.base_label(e) for e in entries]
        counts = Counter(bases)
        seen: Counter = Counter()
        for base in bases:
            if counts[base] > 1:
                seen[base] += 1
                yield base + "abcdefghijklmnopqrstuvwxyz"[seen[base] - 1]
            else:
                yield base


class AuthorYearStyle(UnsrtStyle):
    default_label_style = AuthorYearLabels
    default_sorting_style = SortingStyle

    def format_title(self, e, which_field, as_sentence=True):
        """The title as written in references.bib: unsrt lower-cases it ("monday night live")."""
        title = field(which_field)
        return sentence[title] if as_sentence else title


def setup(app):
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
