"""Tables for lab output: an HTML table on the page, a stable plain-text table for the tests.

Printed text tables are unreadable on a phone (they hide behind a scrollbar) and cannot be styled.
A :class:`Table` is the last expression of a lab cell; Jupyter and the book show its HTML form, while
strict notebook validation compares its plain-text form, which is deterministic and never wider than
it needs to be. Used by every lab; see CONTRIBUTING.md ("Printed output").
"""
from __future__ import annotations

import html
import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Sequence

from .common import check_str

__all__ = ["Table"]

#: The widest plain-text table the labs print, in characters (a phone column holds about 45).
MAX_TEXT_WIDTH = 100


def _format(value: Any, fmt: str | None) -> str:
    """One cell as text: ``fmt`` for numbers (e.g. ``"{:.3f}"``), str() for anything else."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if fmt is not None:
        return fmt.format(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        v = float(value)
        return f"{v:.4g}" if math.isfinite(v) else str(v)
    return str(value)


@dataclass(frozen=True)
class Table:
    """A small table of results, shown as HTML in the book and as aligned text in tests.

    Parameters
    ----------
    header : sequence of str
        Column titles, with units (``"p99 (ms)"``).
    rows : sequence of sequence
        The rows; each has one value per column. Numbers are formatted with ``formats``.
    formats : str or sequence of (str or None), optional
        A ``str.format`` pattern per column (``"{:.3f}"``), one pattern for all columns, or None per
        column for the default (integers with thousands separators, other reals to 4 significant digits).
    caption : str, default=""
        One sentence shown above the table.

    Raises
    ------
    TypeError
        If ``header`` is not a sequence of strings or a row is not a sequence.
    ValueError
        If a row or ``formats`` does not have one entry per column, or ``header`` is empty.

    Examples
    --------
    >>> Table(["load", "p99 (ms)"], [[0.5, 1.25], [0.9, 10.5]], formats=["{:.1f}", "{:.2f}"])
    load  p99 (ms)
    ----  --------
     0.5      1.25
     0.9     10.50
    """

    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    formats: Any = None
    caption: str = ""
    _cells: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.header, str) or not isinstance(self.header, Sequence):
            raise TypeError(f'"header" must be a sequence of column titles, got {self.header!r}')
        header = tuple(self.header)
        if not header:
            raise ValueError('"header" must name at least one column')
        for title in header:
            if not isinstance(title, str):
                raise TypeError(f'"header" entries must be strings, got {title!r}')
        ncol = len(header)
        formats = self.formats
        if formats is None or isinstance(formats, str):
            formats = (formats,) * ncol
        else:
            formats = tuple(formats)
            if len(formats) != ncol:
                raise ValueError(f'"formats" must have one entry per column ({ncol}), got {len(formats)}')
        for fmt in formats:
            if fmt is not None and not isinstance(fmt, str):
                raise TypeError(f'"formats" entries must be format strings or None, got {fmt!r}')
        check_str("caption", self.caption)
        if isinstance(self.rows, str) or not isinstance(self.rows, Iterable):
            raise TypeError(f'"rows" must be a sequence of rows, got {self.rows!r}')
        rows = tuple(tuple(r) if isinstance(r, Iterable) and not isinstance(r, str) else r for r in self.rows)
        cells = []
        for i, row in enumerate(rows):
            if isinstance(row, str) or not hasattr(row, "__len__"):
                raise TypeError(f'"rows" entry {i} must be a sequence of values, got {row!r}')
            if len(row) != ncol:
                raise ValueError(f'"rows" entry {i} must have {ncol} values (one per column), got {len(row)}')
            cells.append(tuple(_format(v, f) for v, f in zip(row, formats)))
        object.__setattr__(self, "header", header)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "formats", formats)
        object.__setattr__(self, "_cells", tuple(cells))

    @property
    def text_rows(self) -> tuple:
        """The formatted cells, row by row, as strings."""
        return self._cells

    def __str__(self) -> str:
        widths = [max([len(h)] + [len(r[j]) for r in self._cells]) for j, h in enumerate(self.header)]
        lines = [self.caption] if self.caption else []
        lines.append("  ".join(h.rjust(w) for h, w in zip(self.header, widths)))
        lines.append("  ".join("-" * w for w in widths))
        for row in self._cells:
            lines.append("  ".join(c.rjust(w) for c, w in zip(row, widths)).rstrip())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p, cycle) -> None:  # IPython's text/plain
        p.text(str(self))

    def _repr_html_(self) -> str:
        esc = html.escape
        parts = ['<table class="lab-table">']
        if self.caption:
            parts.append(f"<caption>{esc(self.caption)}</caption>")
        parts.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in self.header) + "</tr></thead>")
        parts.append("<tbody>")
        for row in self._cells:
            parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>")
        parts.append("</tbody></table>")
        return "".join(parts)


