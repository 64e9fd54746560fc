"""Cells of exported spreadsheets that hold users' text as text, never as a formula.

OWASP's rule against CSV/formula injection: a cell whose text starts with
`=`, `+`, `-`, `@`, a tab or a carriage return is evaluated by Excel or
LibreOffice when the file is opened. In an .xlsx file a cell whose type is
"string" is never evaluated, so `text_cell` sets that type explicitly
(openpyxl would otherwise store any text starting with `=` as a formula); a
CSV file has no types, so `csv_text` prefixes such text with `'`.
"""
from __future__ import annotations

import re
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (hence XLSX) cannot hold; openpyxl refuses them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def csv_text(value: Any) -> Any:
    """A value for a CSV cell: text that a spreadsheet would evaluate gets a leading `'`."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def text_cell(sheet, row: int, column: int, value: Any):
    """sheet.cell(row, column, value), with text always stored as a string cell
    (control characters XML cannot hold are dropped)."""
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell

