"""The tables of the pages, and their exports: CSV (formula-injection safe) and XLSX.

A page builds each of its tables once as a ``Table`` (columns + rows of plain values); the page
renders it and ``?export=csv|xlsx&table=<name>`` returns the same rows as a file, so what is
downloaded is what is shown.

XLSX is written with the standard library (``zipfile``: an Office Open XML workbook is a zip of
XML parts); cells are inline strings or numbers, so nothing is ever evaluated as a formula.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from xml.sax.saxutils import escape

from fastapi.responses import Response

ExportFormat = Literal["csv", "xlsx"]
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """One table of a page: ``columns`` are (key, French header) pairs, ``rows`` dicts by key."""

    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def values(self) -> list[list[Any]]:
        return [[row.get(key) for key, _ in self.columns] for row in self.rows]


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet will not run: a text starting with ``= + - @`` (or a tab / carriage
    return) gets a leading quote; numbers stay numbers.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-2"), safe_cell(-2), safe_cell("Python")
    ('\\'=HYPERLINK("http://x")', "'-2", -2, 'Python')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (list, tuple)):
        return " | ".join(str(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def to_csv(table: Table) -> str:
    """The table as CSV (header row of French labels, ``;``-free comma CSV, UTF-8 with BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(label) for _, label in table.columns])
    for values in table.values():
        writer.writerow([safe_cell(_text(v)) for v in values])
    return "\ufeff" + buffer.getvalue()


def _column_name(index: int) -> str:
    """Spreadsheet column letters of a 0-based index.

    >>> _column_name(0), _column_name(25), _column_name(26), _column_name(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value: Any) -> str:
    value = _text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def _sheet_name(title: str) -> str:
    """A valid sheet name: 31 characters at most, none of ``: \\ / ? * [ ]``.

    >>> _sheet_name("Écarts : M1805 [2025]")
    'Écarts _ M1805 _2025_'
    """
    return re.sub(r"[:\\/?*\[\]]", "_", title)[:31] or "Feuille1"


def to_xlsx(table: Table) -> bytes:
    """The table as a one-sheet XLSX workbook (inline strings and numbers, no formula)."""
    rows = [[label for _, label in table.columns], *table.values()]
    xml_rows = "".join(
        f'<row r="{i + 1}">' + "".join(_cell(f"{_column_name(j)}{i + 1}", v) for j, v in enumerate(row)) + "</row>"
        for i, row in enumerate(rows))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"<sheetData>{xml_rows}</sheetData></worksheet>")
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{escape(_sheet_name(table.title))}" sheetId="1" r:id="rId1"/></sheets>'
                "</workbook>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in {**_PARTS, "xl/workbook.xml": workbook, "xl/worksheets/sheet1.xml": sheet}.items():
            z.writestr(name, content)
    return buffer.getvalue()


def export_response(table: Table, fmt: ExportFormat, *, filename: str) -> Response:
    """The table as a downloaded file."""
    if fmt == "csv":
        content: str | bytes = to_csv(table)
        media = "text/csv; charset=utf-8"
    else:
        content, media = to_xlsx(table), XLSX_MEDIA_TYPE
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename}-{table.name}.{fmt}"'})
