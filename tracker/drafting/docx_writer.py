"""The official document as Word: A4, TH Sarabun New 16 pt (complex-script slot set), measures on landscape pages.

Sections 1 to 3 are portrait; the measures table needs the width, so a
section break turns the pages from section 4 on to landscape, and the table
repeats its header row on every page. Pieces come from the progress report's
`Builder`, so both documents use the same fonts and table style.
"""
from __future__ import annotations

from copy import deepcopy
from io import BytesIO

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm

from ..reports.docx_writer import (
    BODY_PT,
    HEADER_FILL,
    MARGINS_CM,
    TITLE_PT,
    Builder,
    landscape_a4,
    twips,
    use_thai_font,
    with_namespace,
)
from ..reports.wording import Numbers
from .chart import score_chart
from .document import TITLE, Chart, Heading, Landscape, OfficialDocument, TableBlock, Text, document_blocks

A4_SHORT_CM, A4_LONG_CM = 21.0, 29.7
PORTRAIT_TEXT_CM = A4_SHORT_CM - MARGINS_CM["left"] - MARGINS_CM["right"]
LANDSCAPE_TEXT_CM = A4_LONG_CM - MARGINS_CM["left"] - MARGINS_CM["right"]
GROUP_FILL = "F2F2F2"


def section_properties_xml(landscape: bool) -> str:
    """`w:sectPr` of an A4 section, portrait or landscape, with the report's margins."""
    width, height = (A4_LONG_CM, A4_SHORT_CM) if landscape else (A4_SHORT_CM, A4_LONG_CM)
    orient = ' w:orient="landscape"' if landscape else ""
    margins = (
        f'<w:pgMar w:top="{twips(MARGINS_CM["top"])}" w:right="{twips(MARGINS_CM["right"])}" '
        f'w:bottom="{twips(MARGINS_CM["bottom"])}" w:left="{twips(MARGINS_CM["left"])}" '
        f'w:header="{twips(1.0)}" w:footer="{twips(1.0)}" w:gutter="0"/>'
    )
    return f'<w:sectPr><w:pgSz w:w="{twips(width)}" w:h="{twips(height)}"{orient}/>{margins}</w:sectPr>'


def _set_up(builder: Builder, doc: OfficialDocument) -> None:
    document = builder.document
    section = document.sections[0]  # the last section: the measures, landscape
    landscape_a4(section)
    use_thai_font(document)
    properties = document.core_properties
    properties.title = TITLE
    properties.subject = f"{doc.organization} {doc.assessment_year}"
    properties.author = doc.organization
    properties.language = "th-TH"
    switch = " \\* ThaiArabic" if doc.thai_digits else ""
    footer = builder.paragraph(
        [f'<w:fldSimple w:instr=" PAGE{switch} ">{builder.run("1")}</w:fldSimple>'], align="center"
    )
    old = section.footer.paragraphs[0]._p
    old.addprevious(parse_xml(with_namespace(footer)))
    old.getparent().remove(old)


def _table(builder: Builder, block: TableBlock, text_width_cm: float) -> str:
    total = sum(block.widths)
    widths = [text_width_cm * w / total for w in block.widths]
    header = builder.row(
        [builder.cell([builder.paragraph([builder.run(name, bold=True)], align="center")], width, fill=HEADER_FILL)
         for name, width in zip(block.header, widths)],
        header=True,
    )
    rows = [header]
    for index, row in enumerate(block.rows):
        if index in block.group_rows:
            rows.append(builder.row([builder.cell(
                [builder.paragraph([builder.run(row[0][0], bold=True)])], sum(widths), span=len(widths), fill=GROUP_FILL
            )]))
            continue
        cells = []
        for column, (paragraphs, width) in enumerate(zip(row, widths)):
            centred = block.kind in ("tools", "indicators") and column > 0
            cells.append(builder.cell(
                [builder.paragraph([builder.run(text)], align="center" if centred else None) for text in paragraphs],
                width,
            ))
        rows.append(builder.row(cells))
    return builder.table(widths, rows)


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as the bytes of a .docx file."""
    # The document's text is already in the digits it asked for.
    builder = Builder(Numbers(False))
    _set_up(builder, doc)
    text_width = PORTRAIT_TEXT_CM
    for block in document_blocks(doc):
        if isinstance(block, Landscape):
            # A paragraph holding a section's properties ends that (portrait) section;
            # it shows the same page-number footer as the last one.
            builder.add(f"<w:p><w:pPr>{section_properties_xml(landscape=False)}</w:pPr></w:p>")
            portrait = builder.document.element.body.sectPr.getprevious().find(qn("w:pPr")).find(qn("w:sectPr"))
            for reference in builder.document.element.body.sectPr.findall(qn("w:footerReference")):
                portrait.insert(0, deepcopy(reference))
            text_width = LANDSCAPE_TEXT_CM
        elif isinstance(block, Heading):
            size = TITLE_PT if block.level == 1 else BODY_PT
            builder.add(builder.paragraph(
                [builder.run(block.text, bold=True, size=size)],
                align="center" if block.level == 1 else None, keep_next=True, space_after=6,
            ))
        elif isinstance(block, Text):
            builder.add(builder.paragraph([builder.run(block.text)], align="both", space_after=6))
        elif isinstance(block, TableBlock):
            builder.add(_table(builder, block, text_width))
            builder.gap()
        elif isinstance(block, Chart):
            picture = score_chart(block.scores, "คะแนนรายตัวชี้วัด", thai_digits=doc.thai_digits)
            builder.document.add_picture(BytesIO(picture), width=Cm(text_width))
            builder.gap()
    return builder.save()
