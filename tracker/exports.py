"""One exporter for every list with filters: CSV (UTF-8 with BOM, for Excel) and XLSX, the columns shown on screen.

User text is written so that a spreadsheet never runs it as a formula, by
the one rule of `tracker.export_cells` (shared with the report writers): in
CSV a cell starting with = + - @ tab or CR gets a leading apostrophe (OWASP's
advice); in XLSX every text cell is typed as a string, which Excel shows
as written and never evaluates.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from flask import Response, request
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .export_cells import csv_text, text_cell

FORMATS = ("csv", "xlsx")
BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = Font(name="TH Sarabun New", size=14)
BOLD = Font(name="TH Sarabun New", size=14, bold=True)


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]  # the row's value: text, a number, or None
    width: int = 20


def requested_format(args=None) -> str | None:
    """'csv' or 'xlsx' when the list is asked for as a download."""
    wanted = (args if args is not None else request.args).get("format")
    return wanted if wanted in FORMATS else None


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_text(c.header) for c in columns])
    for row in rows:
        values = [_plain(c.value(row)) for c in columns]
        writer.writerow([csv_text(v) for v in values])
    return (BOM + out.getvalue()).encode("utf-8")


def xlsx_bytes(columns: Sequence[Column], rows: Iterable[Any], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet1"
    for index, column in enumerate(columns, start=1):
        _put(sheet, 1, index, column.header, BOLD)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            _put(sheet, row_number, index, _plain(column.value(row)), FONT)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(sheet, row: int, column: int, value: Any, font: Font) -> None:
    cell = text_cell(sheet, row, column, value)
    if isinstance(value, str):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.font = font


def download(fmt: str, name: str, columns: Sequence[Column], rows: Iterable[Any], title: str | None = None) -> Response:
    """The list as a file to download, `name` without its extension (Thai allowed)."""
    rows = list(rows)
    if fmt == "xlsx":
        body, mimetype = xlsx_bytes(columns, rows, title or name), XLSX_TYPE
    else:
        body, mimetype = csv_bytes(columns, rows), "text/csv; charset=utf-8"
    filename = f"{name}.{fmt}"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_") or f"export.{fmt}"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
