"""Time the importer on the largest documents it accepts: no upload may hold a worker for more than a few seconds.

    .venv/bin/python benchmarks/import_worst_case.py

Builds, in memory, Word and text files at each limit of `tracker.importer.limits`
(the most paragraphs, the longest table, cells of the most characters, a part
just under its unpacked size) and one just over each, and prints how long
`parse_upload` takes on each and what it answers.
"""
from __future__ import annotations

import io
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from tracker.importer import parse_upload  # noqa: E402
from tracker.importer.limits import (  # noqa: E402
    MAX_CELL_CHARACTERS,
    MAX_PARAGRAPHS,
    MAX_PART_BYTES,
    MAX_TABLE_ROWS,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
UPLOAD_LIMIT = 10 * 1024 * 1024


def word(body: str) -> bytes:
    template = io.BytesIO()
    docx.Document().save(template)
    source = zipfile.ZipFile(template)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'.encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def paragraphs(count: int, text: str = "ย่อหน้า") -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" * count


def table(rows: int, cell: str = "ข้อความ") -> str:
    row = f"<w:tr><w:tc><w:p><w:r><w:t>{cell}</w:t></w:r></w:p></w:tc></w:tr>"
    return f"<w:tbl>{row * rows}</w:tbl>"


CASES = {
    "word, most paragraphs": lambda: ("a.docx", word(paragraphs(MAX_PARAGRAPHS))),
    "word, one paragraph too many": lambda: ("a.docx", word(paragraphs(MAX_PARAGRAPHS + 1))),
    "word, longest table": lambda: ("a.docx", word(table(MAX_TABLE_ROWS))),
    "word, longest cells": lambda: ("a.docx", word(table(200, "ก" * MAX_CELL_CHARACTERS))),
    "word, a part just under its limit": lambda: (
        "a.docx", word(paragraphs(MAX_PARAGRAPHS - 1, "a" * ((MAX_PART_BYTES - 1000) // MAX_PARAGRAPHS - 40)))
    ),
    "text, most lines": lambda: ("a.txt", "\n".join(["บรรทัด"] * MAX_PARAGRAPHS).encode()),
    "text, longest table": lambda: ("a.txt", "\n".join(["ก\tข\tค"] * MAX_TABLE_ROWS).encode()),
}


def main() -> None:
    for name, make in CASES.items():
        filename, data = make()
        started = time.perf_counter()
        result = parse_upload(filename, data, UPLOAD_LIMIT)
        elapsed = time.perf_counter() - started
        answer = ", ".join(e.code for e in result.errors) or f"{len(result.measures)} measures"
        print(f"{name:40} {len(data) / 1024:9.0f} KB {elapsed:7.2f} s  {answer}")


if __name__ == "__main__":
    main()
