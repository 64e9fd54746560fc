"""The official document as a text export: Markdown headings, tab-separated tables (as the seed report)."""
from __future__ import annotations

from .document import Heading, OfficialDocument, TableBlock, Text, document_blocks


def _cell(paragraphs: list[str]) -> str:
    # `<br>` keeps a cell's paragraphs apart, as the importer's text reader expects.
    return "<br>".join(p.replace("\t", " ").replace("\n", " ") for p in paragraphs)


def render_text(doc: OfficialDocument) -> str:
    lines: list[str] = []
    for block in document_blocks(doc):
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Text):
            lines += [block.text, ""]
        elif isinstance(block, TableBlock):
            lines.append("\t".join(block.header))
            lines += ["\t".join(_cell(cell) for cell in row) for row in block.rows]
            lines.append("")
        # A chart and a change of page orientation have no text form.
    return "\n".join(lines).rstrip() + "\n"
