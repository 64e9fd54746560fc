"""The document model both readers produce: paragraphs and tables in reading order."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Paragraph:
    """A paragraph or heading of body text, cleaned and single-spaced."""

    text: str
    source: str  # where it was read: "line 27" or "paragraph 12"
    heading: int = 0  # heading level (1 for `#` or Word's Heading 1); 0 for body text


@dataclass
class Row:
    """One table row: each cell is the list of its non-empty paragraphs."""

    cells: list[list[str]]
    source: str  # "line 101" or "table 3, row 2"

    def cell(self, index: int | None) -> list[str]:
        """The paragraphs of a cell; an empty list for a missing column."""
        if index is None or index >= len(self.cells):
            return []
        return self.cells[index]

    def text(self, index: int | None) -> str:
        """A cell's paragraphs joined into one line."""
        return " ".join(self.cell(index))


@dataclass
class Table:
    """A table; its header row, if any, is its first row."""

    rows: list[Row]
    source: str
    # True when every paragraph of a cell is one the author wrote (Word). In a
    # text export extra paragraphs only come from a row broken across pages,
    # so they continue the paragraph before them.
    authored_paragraphs: bool = False


Block = Paragraph | Table

_DASHES = re.compile(r"[-=:]{2,}")


def add_row(rows: list[Row], cells: list[list[str]], source: str) -> None:
    """Append a table row, or merge it into the row above when it continues that row.

    A row whose first cell is empty is the rest of the row above, broken by a
    page break (or a vertically merged cell in Word): each of its non-empty
    cells is appended to the same column above as a new paragraph. Empty rows
    and the closing row of dashes that text exports write are dropped.
    """
    if not any(cells) or _is_dash_row(cells):
        return
    if rows and not cells[0]:
        above = rows[-1].cells
        above.extend([] for _ in range(len(cells) - len(above)))
        for column, paragraphs in enumerate(cells):
            above[column].extend(paragraphs)
        return
    rows.append(Row(cells, source))


def _is_dash_row(cells: list[list[str]]) -> bool:
    texts = [text for cell in cells for text in cell]
    return bool(texts) and all(_DASHES.fullmatch(text) for text in texts)
