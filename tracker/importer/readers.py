"""Read a report's text export or Word file into paragraphs and tables."""
from __future__ import annotations

import bz2
import io
import lzma
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import IO

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table as DocxTable
from lxml import etree

from docx.oxml.ns import qn

from tracker.importer.blocks import Block, Paragraph, Table, add_row
from tracker.importer.limits import MAX_CELL_CHARACTERS, MAX_PARAGRAPHS, MAX_PART_BYTES, MAX_TABLE_ROWS
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
    lines = clean_text(text).split("\n")
    if len(lines) > MAX_PARAGRAPHS:
        raise ImportReadError("document_too_long", limit=f"{MAX_PARAGRAPHS:,}")
    for number, line in enumerate(lines, start=1):
        source = f"line {number}"
        if "\t" in line:
            if table is None:
                table = Table([], source)
                blocks.append(table)
            cells = line.split("\t")
            for cell in cells:
                check_length(cell, source)
            add_row(table.rows, [_cell_paragraphs(cell) for cell in cells], source)
            check_rows(table)
            continue
        check_length(line, source)
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


def check_length(text: str, source: str) -> None:
    if len(text) > MAX_CELL_CHARACTERS:
        raise ImportReadError("cell_too_long", where=source, limit=f"{MAX_CELL_CHARACTERS:,}")


def check_rows(table: Table) -> None:
    if len(table.rows) > MAX_TABLE_ROWS:
        raise ImportReadError("table_too_long", limit=f"{MAX_TABLE_ROWS:,}")


# --- Word ------------------------------------------------------------------

# Every way the bytes of a package can fail to read: a broken ZIP, a part
# that does not inflate (zlib, bz2, lzma), is encrypted (RuntimeError) or
# uses a compression Python lacks (NotImplementedError), XML that does not
# parse, and python-docx tripping over parts that are not what they claim.
BROKEN_PACKAGE = (
    PackageNotFoundError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, EOFError, OSError,
    RuntimeError, NotImplementedError, struct.error, KeyError, ValueError, IndexError, AttributeError, TypeError,
    etree.XMLSyntaxError, UnicodeError,
)
_ = bz2  # bz2 parts fail with OSError, listed above


def check_package(data: bytes) -> None:
    """Refuse, before reading any part, a package whose parts are encrypted, use an
    unknown compression, or would unpack beyond MAX_PART_BYTES each."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                if info.file_size > MAX_PART_BYTES:
                    raise ImportReadError("docx_unpacks_too_large")
                if info.flag_bits & 0x1 or info.compress_type not in (
                    zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA
                ):
                    raise ImportReadError("unreadable_docx")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, struct.error, ValueError) as exc:
        if isinstance(exc, ImportReadError):
            raise
        raise ImportReadError("unreadable_docx") from exc



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
    if isinstance(file, (str, Path)):
        data = Path(file).read_bytes()
    else:
        data = file.read()
    check_package(data)
    try:
        return _read_document(docx.Document(io.BytesIO(data)))
    except ImportReadError:
        raise
    except BROKEN_PACKAGE as exc:
        raise ImportReadError("unreadable_docx") from exc


def _read_document(document) -> list[Block]:
    root = document.element
    if root.tag != qn("w:document") or root.find(qn("w:body")) is None:
        raise ImportReadError("unreadable_docx")  # not a Word document's main part, or one without a body
    # Style names by id, read once: python-docx's `paragraph.style` scans every
    # style for each paragraph without one (5 ms each in a real styles part).
    style_names = {style.style_id: style.name for style in document.styles}
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
        if paragraph_number > MAX_PARAGRAPHS:
            raise ImportReadError("document_too_long", limit=f"{MAX_PARAGRAPHS:,}")
        source = f"paragraph {paragraph_number}"
        raw = item.text
        check_length(raw, source)
        text = clean_fragment(raw).replace("\n", " ")
        if text:
            blocks.append(Paragraph(text, source, _heading_level(style_names.get(item._p.style) or "")))
    return blocks


def _heading_level(style_name: str) -> int:
    match = _WORD_HEADING_STYLE.match(style_name)
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
                cells.append(_docx_cell_paragraphs(row_cells[index], f"table {table_number}, row {row_number}"))
        tcs_above = tcs
        add_row(table.rows, cells, f"table {table_number}, row {row_number}")
        if row_number > MAX_TABLE_ROWS:
            raise ImportReadError("table_too_long", limit=f"{MAX_TABLE_ROWS:,}")
    return table


def _docx_cell_paragraphs(cell, source: str) -> list[str]:
    paragraphs = []
    characters = 0
    for paragraph in cell.paragraphs:
        characters += len(paragraph.text)
        if characters > MAX_CELL_CHARACTERS:
            raise ImportReadError("cell_too_long", where=source, limit=f"{MAX_CELL_CHARACTERS:,}")
        # A manual line break inside a cell paragraph reads like a new paragraph.
        paragraphs.extend(line for line in clean_fragment(paragraph.text).split("\n") if line)
    return paragraphs
