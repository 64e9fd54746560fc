"""Read a report's text export or Word file into paragraphs and tables."""
from __future__ import annotations

import re
import zipfile
from typing import IO

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table as DocxTable
from lxml import etree

from tracker.importer.blocks import Block, Paragraph, Table, add_row
from tracker.importer.normalize import ImportReadError, clean_fragment, clean_text

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def read_text(text: str) -> list[Block]:
    """Read a text export: Markdown headings, one paragraph per line, tab-separated tables.

    A run of lines holding tabs is a table. Blank lines inside the run do not
    end it: only a non-blank line without tabs does. A line that starts with
    empty cells continues the row above (a row broken by a page break), and
    the closing row of dashes is dropped. Stray HTML tags are removed; `<br>`
    and `</p><p>` inside a cell start a new paragraph of that cell.
    """
    blocks: list[Block] = []
    table: Table | None = None
    for number, line in enumerate(clean_text(text).split("\n"), start=1):
        source = f"line {number}"
        if "\t" in line:
            if table is None:
                table = Table([], source)
                blocks.append(table)
            add_row(table.rows, [_cell_paragraphs(cell) for cell in line.split("\t")], source)
            continue
        if not line.strip():
            continue
        table = None
        level, body = _heading(line)
        for text_line in clean_fragment(body).split("\n"):
            if text_line:
                blocks.append(Paragraph(text_line, source, level))
    return [block for block in blocks if not isinstance(block, Table) or block.rows]


def _heading(line: str) -> tuple[int, str]:
    if match := _MARKDOWN_HEADING.match(line):
        return len(match.group(1)), match.group(2)
    return 0, line


def _cell_paragraphs(cell: str) -> list[str]:
    return [paragraph for paragraph in clean_fragment(cell).split("\n") if paragraph]


# --- Word ------------------------------------------------------------------

_WORD_HEADING_STYLE = re.compile(r"^(?:heading|หัวเรื่อง)\s*(\d)$", re.IGNORECASE)


def read_docx(file: str | IO[bytes]) -> list[Block]:
    """Read a Word document's body in order: paragraphs and tables interleaved.

    Each cell keeps its paragraphs separately, because a cell of several
    paragraphs is often a list whose numbers Word keeps out of the text.
    Horizontally merged cells are read once; the lower parts of a vertically
    merged cell read as empty, so that (as in a text export) a row whose
    first cell is empty continues the row above. Raises `ImportReadError`
    when the file is not a readable Word document.
    """
    try:
        document = docx.Document(file)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
            etree.XMLSyntaxError) as exc:
        raise ImportReadError("unreadable_docx") from exc

    blocks: list[Block] = []
    paragraph_number = table_number = 0
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            table_number += 1
            table = _read_table(item, table_number)
            if table.rows:
                blocks.append(table)
            continue
        paragraph_number += 1
        text = clean_fragment(item.text).replace("\n", " ")
        if text:
            blocks.append(Paragraph(text, f"paragraph {paragraph_number}", _heading_level(item)))
    return blocks


def _heading_level(paragraph) -> int:
    style_name = paragraph.style.name if paragraph.style is not None else ""
    match = _WORD_HEADING_STYLE.match(style_name or "")
    return int(match.group(1)) if match else 0


def _read_table(docx_table: DocxTable, table_number: int) -> Table:
    table = Table([], f"table {table_number}", authored_paragraphs=True)
    tcs_above: list = []
    for row_number, docx_row in enumerate(docx_table.rows, start=1):
        # python-docx repeats a merged cell in every grid column it spans (and
        # in every row, for a vertical merge); `_tc` is the one underlying XML
        # cell, so comparing it finds the repeats.
        row_cells = (None,) * docx_row.grid_cols_before + docx_row.cells
        tcs = [None if cell is None else cell._tc for cell in row_cells]
        cells: list[list[str]] = []
        for index, tc in enumerate(tcs):
            spans_left = index > 0 and tcs[index - 1] is tc
            merged_from_above = index < len(tcs_above) and tcs_above[index] is tc
            if tc is None or spans_left or merged_from_above:
                cells.append([])
            else:
                cells.append(_docx_cell_paragraphs(row_cells[index]))
        tcs_above = tcs
        add_row(table.rows, cells, f"table {table_number}, row {row_number}")
    return table


def _docx_cell_paragraphs(cell) -> list[str]:
    paragraphs = []
    for paragraph in cell.paragraphs:
        # A manual line break inside a cell paragraph reads like a new paragraph.
        paragraphs.extend(line for line in clean_fragment(paragraph.text).split("\n") if line)
    return paragraphs
