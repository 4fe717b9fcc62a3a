"""labsupport.report.Table: the HTML and plain-text forms of a lab table, and its input checks."""
from __future__ import annotations

import numpy as np
import pytest

from labsupport.report import Table


def test_text_form_is_aligned_and_stable():
    t = Table(["n", "p99 (ms)"], [[1000, 1.23456], [20, np.float64(7.0)]], formats=[None, "{:.2f}"])
    assert str(t) == "    n  p99 (ms)\n-----  --------\n1,000      1.23\n   20      7.00"
    assert repr(t) == str(t)


def test_html_form_escapes_and_has_one_cell_per_value():
    t = Table(["a<b", "c"], [["x&y", 2]], caption="one row")
    html = t._repr_html_()
    assert html.startswith('<table class="lab-table"><caption>one row</caption>')
    assert "a&lt;b" in html and "x&amp;y" in html
    assert html.count("<td>") == 2 and html.count("<th>") == 2


def test_rows_from_arrays_and_generators():
    t = Table(["x", "y"], (row for row in np.arange(4).reshape(2, 2)))
    assert t.text_rows == (("0", "1"), ("2", "3"))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"header": "ab", "rows": []}, TypeError, '"header" must be a sequence'),
    ({"header": [], "rows": []}, ValueError, '"header" must name at least one column'),
    ({"header": [1], "rows": []}, TypeError, '"header" entries must be strings'),
    ({"header": ["a"], "rows": 5}, TypeError, '"rows" must be a sequence'),
    ({"header": ["a"], "rows": [[1, 2]]}, ValueError, '"rows" entry 0 must have 1 values'),
    ({"header": ["a"], "rows": [5]}, TypeError, '"rows" entry 0 must be a sequence'),
    ({"header": ["a", "b"], "rows": [], "formats": ["{}"]}, ValueError, '"formats" must have one entry per column'),
    ({"header": ["a"], "rows": [], "formats": [3]}, TypeError, '"formats" entries must be format strings'),
    ({"header": ["a"], "rows": [], "caption": 3}, TypeError, '"caption"'),
])
def test_bad_input_names_the_parameter(kwargs, error, match):
    with pytest.raises(error, match=match):
        Table(**kwargs)
