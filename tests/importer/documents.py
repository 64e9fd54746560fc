"""Documents built for the importer's tests: a Word file laid out like a text export."""
from __future__ import annotations

import io
import re

import docx


def word_from_text_export(text: str) -> io.BytesIO:
    """Lay the seed out in Word the way its text export came from: headings,
    paragraphs and tables, a table row for each tab-separated line (the rows
    broken by page breaks stay broken), without HTML and the dash row."""
    document = docx.Document()
    rows: list[list[str]] = []

    def flush_table():
        if rows:
            table = document.add_table(rows=len(rows), cols=max(map(len, rows)))
            for cells, row in zip(rows, table.rows):
                for text_of_cell, cell in zip(cells, row.cells):
                    cell.text = text_of_cell
            rows.clear()

    for line in text.split("\n"):
        line = re.sub(r"</?[a-z]+>", "", line)
        if "\t" in line:
            if not re.fullmatch(r"[-\t]+", line):
                rows.append(line.split("\t"))
        elif line.strip():
            flush_table()
            if heading := re.match(r"(#+)\s+(.*)", line):
                document.add_heading(heading[2], level=len(heading[1]))
            else:
                document.add_paragraph(line)
    flush_table()
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer
