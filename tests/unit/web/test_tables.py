"""Exports of the web tables: no formula survives, XLSX is a valid workbook."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from web.tables import Table, safe_cell, to_csv, to_xlsx


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+33 6", "'+33 6"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("Python", "Python"), (-3, -3), (0.5, 0.5), (None, None)], ids=lambda v: repr(v))
def test_safe_cell(value, expected) -> None:
    assert safe_cell(value) == expected


def _table() -> Table:
    return Table("t", "Écarts : test", [("a", "compétence"), ("n", "offres"), ("l", "liste")],
                 [{"a": "=HYPERLINK(\"http://x\")", "n": 3, "l": ["x", "y"]}, {"a": "<b>&</b>", "n": None, "l": []}])


def test_csv_quotes_formulas() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(_table()).lstrip("\ufeff"))))
    assert rows == [["compétence", "offres", "liste"], ["'=HYPERLINK(\"http://x\")", "3", "x | y"],
                    ["<b>&</b>", "", ""]]


def test_xlsx_is_a_workbook_of_inline_strings() -> None:
    with zipfile.ZipFile(io.BytesIO(to_xlsx(_table()))) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "&lt;b&gt;&amp;&lt;/b&gt;" in sheet and "<v>3</v>" in sheet
        assert 'name="Écarts _ test"' in z.read("xl/workbook.xml").decode()
