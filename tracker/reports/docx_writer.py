"""The progress report as a Word document: A4 landscape, TH Sarabun New 16 pt.

python-docx names a font only in the ascii/hAnsi slots; Word draws Thai with
the complex-script slot (`w:cs`) and its size (`w:szCs`), so every run here
carries both. The table is written as XML directly (python-docx's row API
rescans the whole table for every cell) and repeats its header row on every
page (`w:tblHeader`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from io import BytesIO
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

from . import wording as w
from .report import ItaAnalysis, MeasureSection, ProgressReport, StepRow
from .wording import Numbers

FONT = "TH Sarabun New"
BODY_PT = 16
TITLE_PT = 18
FOOTER_PT = 14
PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 29.7, 21.0  # A4 landscape: the table needs the width
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 2.5, "right": 2.0}
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGINS_CM["left"] - MARGINS_CM["right"]
# Widths of the measures table, in cm (they add up to the text width).
MEASURE_COLUMNS = (
    (w.COL_NUMBER, 1.2),
    (w.COL_STEP, 6.3),
    (w.COL_DIVISIONS, 3.2),
    (w.COL_DUE, 2.6),
    (w.COL_STATUS, 3.0),
    (w.COL_PERCENT, 1.7),
    (w.COL_RESULT_AND_PROBLEMS, 5.9),
    (w.COL_EVIDENCE, 1.3),
)
HEADER_FILL = "D9D9D9"
MEASURE_FILL = "F2F2F2"
BELOW_PASS_FILL = "FCE4D6"


def twips(cm: float) -> int:
    return round(cm / 2.54 * 1440)


def half_points(pt: float) -> int:
    return round(pt * 2)


def run_properties_xml(size: float = BODY_PT, bold: bool = False) -> str:
    """`w:rPr` naming the font in every slot and the size for Latin and Thai alike."""
    weight = "<w:b/><w:bCs/>" if bold else ""
    return (
        f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
        f'{weight}<w:sz w:val="{half_points(size)}"/><w:szCs w:val="{half_points(size)}"/>'
        '<w:lang w:val="th-TH" w:bidi="th-TH"/></w:rPr>'
    )


class Builder:
    """Writes paragraphs and tables into the body of a document.

    Pieces are built as XML text and parsed once per block: creating
    elements one by one costs ten times more for a large table.
    """

    def __init__(self, numbers: Numbers) -> None:
        self.numbers = numbers
        self.document = Document()
        self._rpr = {(size, bold): run_properties_xml(size, bold) for size in (BODY_PT, TITLE_PT, FOOTER_PT) for bold in (False, True)}
        self._body = self.document.element.body

    # --- pieces, as XML text ---------------------------------------------------
    def run(self, text: object, *, bold: bool = False, size: float = BODY_PT) -> str:
        lines = self.numbers.text(text).split("\n")
        content = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
        return f"<w:r>{self._rpr[(size, bold)]}{content}</w:r>"

    def paragraph(
        self,
        runs: Iterable[str] | str = (),
        *,
        align: str | None = None,
        keep_next: bool = False,
        space_after: float = 0,
        indent_cm: float = 0,
    ) -> str:
        if isinstance(runs, str):
            runs = [self.run(runs)]
        ppr = "<w:keepNext/>" if keep_next else ""
        ppr += f'<w:spacing w:before="0" w:after="{round(space_after * 20)}" w:line="240" w:lineRule="auto"/>'
        if indent_cm:
            ppr += f'<w:ind w:left="{twips(indent_cm)}"/>'
        if align:
            ppr += f'<w:jc w:val="{align}"/>'
        return f"<w:p><w:pPr>{ppr}</w:pPr>{''.join(runs)}</w:p>"

    def cell(self, paragraphs: Sequence[str], width_cm: float, *, span: int = 1, fill: str | None = None) -> str:
        tcpr = f'<w:tcW w:w="{twips(width_cm)}" w:type="dxa"/>'
        if span > 1:
            tcpr += f'<w:gridSpan w:val="{span}"/>'
        if fill:
            tcpr += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
        # Word requires a paragraph in every cell.
        return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{''.join(paragraphs) or self.paragraph()}</w:tc>"

    def row(self, cells: Sequence[str], *, header: bool = False) -> str:
        trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else ""
        return f"<w:tr>{trpr}{''.join(cells)}</w:tr>"

    def table(self, widths_cm: Sequence[float], rows: Iterable[str]) -> str:
        grid = "".join(f'<w:gridCol w:w="{twips(width)}"/>' for width in widths_cm)
        return (
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
            f'<w:tblW w:w="{twips(sum(widths_cm))}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )

    def header_row(self, columns: Sequence[tuple[str, float]]) -> str:
        return self.row(
            [
                self.cell([self.paragraph([self.run(name, bold=True)], align="center")], width, fill=HEADER_FILL)
                for name, width in columns
            ],
            header=True,
        )

    # --- into the document ---------------------------------------------------------
    def add(self, xml: str) -> None:
        self._body.sectPr.addprevious(parse_xml(with_namespace(xml)))

    def gap(self) -> None:
        self.add(self.paragraph())

    def heading(self, number: int, text: str) -> None:
        self.add(self.paragraph([self.run(f"{number}. {text}", bold=True)], keep_next=True, space_after=6))

    def save(self) -> bytes:
        buffer = BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def with_namespace(xml: str) -> str:
    """Declare the WordprocessingML namespace on the outermost element of `xml`."""
    tag_end = re.match(r"<w:\w+", xml).end()
    return f"{xml[:tag_end]} {nsdecls('w')}{xml[tag_end:]}"


def use_thai_font(document) -> None:
    """TH Sarabun New at the body size in every font slot of the document's defaults and styles."""
    # Defaults of the whole document and of the Normal style: every slot, Thai size.
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    for tag, xml in (
        ("w:rPrDefault", run_properties_xml()),
        ("w:pPrDefault", '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'),
    ):
        holder = defaults.find(qn(tag))
        for old in list(holder):
            holder.remove(old)
        holder.append(parse_xml(with_namespace(xml)))
    normal = document.styles["Normal"].element
    if normal.find(qn("w:rPr")) is not None:
        normal.remove(normal.find(qn("w:rPr")))
    normal.append(parse_xml(with_namespace(run_properties_xml())))
    # The template's other styles (headings, title...) name theme fonts; a user
    # who applies one while editing the report should still get the Thai font.
    for fonts in styles.iter(qn("w:rFonts")):
        for slot in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{slot}"), None)
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{slot}"), FONT)


def landscape_a4(section) -> None:
    """An A4 landscape section with the documents' margins."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    section.footer_distance = Cm(1.0)


def set_up_document(builder: Builder, report: ProgressReport) -> None:
    document = builder.document
    section = document.sections[0]
    landscape_a4(section)
    use_thai_font(document)

    properties = document.core_properties
    properties.title = w.REPORT_TITLE
    properties.subject = f"{report.organization_name} {builder.numbers.fiscal_year(report.fiscal_year)}"
    properties.author = report.organization_name
    properties.language = "th-TH"

    # Page number in the footer, in Thai digits when the document uses them.
    switch = " \\* ThaiArabic" if builder.numbers.thai_digits else ""
    footer_text = f"{w.REPORT_TITLE} {w.AS_OF} {builder.numbers.date(report.as_of)}   {w.PAGE} "
    footer = builder.paragraph(
        [
            builder.run(footer_text, size=FOOTER_PT),
            f'<w:fldSimple w:instr=" PAGE{switch} ">{builder.run("1", size=FOOTER_PT)}</w:fldSimple>',
        ],
        align="right",
    )
    old = section.footer.paragraphs[0]._p
    old.addprevious(parse_xml(with_namespace(footer)))
    old.getparent().remove(old)


def title_block(builder: Builder, report: ProgressReport) -> None:
    numbers = builder.numbers
    for text in (
        w.REPORT_TITLE,
        report.organization_name,
        numbers.fiscal_year(report.fiscal_year),
        f"{w.AS_OF} {numbers.date(report.as_of)}",
    ):
        builder.add(builder.paragraph([builder.run(text, bold=True, size=TITLE_PT)], align="center"))
    builder.gap()


def summary_section(builder: Builder, report: ProgressReport, number: int) -> None:
    n = builder.numbers
    summary = report.summary
    builder.heading(number, w.SECTION_SUMMARY)
    widths = (9.0, 3.0)
    lines: list[tuple[str, str, bool]] = [(w.MEASURES_TOTAL, n.number(summary.measures), True)]
    lines += [(w.MEASURE_STATE[state], n.number(summary.measures_by_state[state]), False) for state in w.MEASURE_STATE_ORDER]
    lines.append((w.STEPS_TOTAL, n.number(summary.steps), True))
    lines += [(w.STEP_STATUS[status], n.number(summary.steps_by_status[status]), False) for status in w.STEP_STATUS_ORDER]
    lines.append((w.OVERDUE, n.number(summary.steps_overdue), False))
    lines.append((w.MEAN_PROGRESS, n.decimal(summary.progress), True))
    rows = [builder.header_row(((w.COL_STATUS, widths[0]), (w.COL_COUNT, widths[1])))]
    for label, count, bold in lines:
        rows.append(
            builder.row(
                [
                    builder.cell([builder.paragraph([builder.run(label, bold=bold)], indent_cm=0 if bold else 0.6)], widths[0]),
                    builder.cell([builder.paragraph([builder.run(count, bold=bold)], align="center")], widths[1]),
                ]
            )
        )
    builder.add(builder.table(widths, rows))
    builder.gap()


def analysis_section(builder: Builder, analysis: ItaAnalysis | None, number: int) -> None:
    n = builder.numbers
    if analysis is None:
        builder.heading(number, w.SECTION_ANALYSIS)
        builder.add(builder.paragraph(w.NO_ASSESSMENT))
        builder.gap()
        return
    builder.heading(number, w.assessment_heading(n.text(analysis.fiscal_year)))
    overall = f"{w.OVERALL} {n.decimal(analysis.overall.score, 2)}"
    if analysis.level:
        overall += f" ({analysis.level})"
    if analysis.previous_fiscal_year is not None:
        overall += f"  {w.previous_year_heading(n.text(analysis.previous_fiscal_year))} {n.decimal(analysis.overall.previous, 2)}  {w.COL_CHANGE} {n.change(analysis.overall.change)}"
    builder.add(builder.paragraph(overall, space_after=6))

    has_previous = analysis.previous_fiscal_year is not None
    previous_heading = w.previous_year_heading(n.text(analysis.previous_fiscal_year)) if has_previous else ""

    def score_table(first_heading: str, first_width: float, lines) -> None:
        columns = [(first_heading, first_width), (w.COL_SCORE, 2.4)]
        if has_previous:
            columns += [(previous_heading, 2.4), (w.COL_CHANGE, 2.6)]
        rows = [builder.header_row(columns)]
        for line in lines:
            fill = BELOW_PASS_FILL if line.below_pass else None
            values = [n.decimal(line.score, 2)]
            if has_previous:
                values += [n.decimal(line.previous, 2), n.change(line.change)]
            cells = [builder.cell([builder.paragraph([builder.run(line.label)])], first_width, fill=fill)]
            cells += [
                builder.cell([builder.paragraph([builder.run(value)], align="center")], width, fill=fill)
                for value, (_, width) in zip(values, columns[1:])
            ]
            rows.append(builder.row(cells))
        builder.add(builder.table([width for _, width in columns], rows))
        builder.gap()

    score_table(w.COL_TOOL, 10.0, [_Labelled(line.name, line) for line in analysis.tools])
    score_table(
        w.COL_INDICATOR,
        10.0,
        [_Labelled(f"{n.text(i.number)}. {i.name}", i) for i in analysis.indicators],
    )
    below = analysis.below_pass
    builder.add(builder.paragraph([builder.run(w.BELOW_PASS if below else w.NONE_BELOW_PASS, bold=True)], keep_next=bool(below)))
    for indicator in below:
        builder.add(
            builder.paragraph(
                f"- {w.INDICATOR_PREFIX} {n.text(indicator.number)} {indicator.name} {n.decimal(indicator.score, 2)} {w.COL_SCORE}",
                indent_cm=0.6,
            )
        )
    builder.gap()


class _Labelled:
    """A score line with the label its table shows."""

    def __init__(self, label: str, line) -> None:
        self.label = label
        self.score, self.previous, self.change, self.below_pass = line.score, line.previous, line.change, line.below_pass


def measure_header(builder: Builder, measure: MeasureSection):
    n = builder.numbers
    paragraphs = [
        builder.paragraph(
            [builder.run(f"{w.INDICATOR_PREFIX} {n.text(measure.indicator_number)} {measure.indicator_name}", bold=True)],
            keep_next=True,
        ),
        builder.paragraph([builder.run(f"{w.COL_PROJECT}: ", bold=True), builder.run(measure.title)], keep_next=True),
        builder.paragraph(
            f"{w.COL_PERIOD}: {n.period(measure.start_date, measure.end_date)}   "
            f"{w.MEASURE_STATUS_PREFIX} {w.MEASURE_STATE[measure.state]}   "
            f"{w.PROGRESS_PREFIX} {n.decimal(measure.progress)}",
            keep_next=True,
        ),
    ]
    width = sum(width for _, width in MEASURE_COLUMNS)
    return builder.row([builder.cell(paragraphs, width, span=len(MEASURE_COLUMNS), fill=MEASURE_FILL)])


def step_status_text(row: StepRow) -> str:
    text = w.STEP_STATUS[row.status]
    return f"{text}\n({w.OVERDUE})" if row.overdue else text


def step_row(builder: Builder, row: StepRow):
    n = builder.numbers
    result = [builder.paragraph(row.note)] if row.note else []
    if row.problems:
        result.append(builder.paragraph([builder.run(f"{w.PROBLEMS_PREFIX} ", bold=True), builder.run(row.problems)]))
    values = [
        [builder.paragraph(n.text(row.number), align="center")],
        [builder.paragraph(row.text)],
        [builder.paragraph(name) for name in row.divisions],
        [builder.paragraph(n.date_short(row.due_date), align="center")],
        [builder.paragraph(step_status_text(row), align="center")],
        [builder.paragraph(n.number(row.percent), align="center")],
        result,
        [builder.paragraph(n.number(row.evidence_count), align="center")],
    ]
    return builder.row([builder.cell(paragraphs, width) for paragraphs, (_, width) in zip(values, MEASURE_COLUMNS)])


def measures_section(builder: Builder, report: ProgressReport, number: int) -> None:
    builder.heading(number, w.SECTION_MEASURES)
    rows = [builder.header_row(MEASURE_COLUMNS)]
    for measure in report.measures:
        rows.append(measure_header(builder, measure))
        rows.extend(step_row(builder, row) for row in measure.steps)
    builder.add(builder.table([width for _, width in MEASURE_COLUMNS], rows))


def thread_paragraph(builder: Builder, heading: str, message, *, indent_cm: float = 0) -> str:
    n = builder.numbers
    runs = [builder.run(f"{heading} ", bold=True),
            builder.run(f"{n.date_short(message.on)} {w.BY} {message.author} ({message.side}): {n.text(message.text)}")]
    if message.files:
        runs += [builder.run(f" {w.ATTACHED} ", bold=True), builder.run(", ".join(message.files))]
    return builder.paragraph(runs, indent_cm=indent_cm, space_after=3)


def instructions_section(builder: Builder, report: ProgressReport, number: int) -> None:
    """The executives' instructions and the divisions' answers, measure by measure."""
    n = builder.numbers
    builder.heading(number, w.SECTION_INSTRUCTIONS)
    for measure in report.measures:
        if not measure.instructions:
            continue
        builder.add(builder.paragraph(
            [builder.run(f"{w.INDICATOR_PREFIX} {n.text(measure.indicator_number)} · {n.text(measure.title)}", bold=True)],
            keep_next=True, space_after=3,
        ))
        for thread in measure.instructions:
            where = (f"{w.STEP_PREFIX} {n.text(thread.step_number)}" if thread.step_number else w.WHOLE_MEASURE)
            builder.add(thread_paragraph(builder, f"{w.INSTRUCTION} ({where})", thread.instruction))
            for reply in thread.replies:
                builder.add(thread_paragraph(builder, w.ANSWER if reply.is_answer else w.FOLLOW_UP, reply, indent_cm=1))
            if thread.waiting_for:
                builder.add(builder.paragraph([builder.run(f"{w.WAITING_FOR} ", bold=True),
                                               builder.run(", ".join(thread.waiting_for))], indent_cm=1, space_after=3))


def render_docx(report: ProgressReport, numbers: Numbers = Numbers()) -> bytes:
    """The report as the bytes of a .docx file."""
    builder = Builder(numbers)
    set_up_document(builder, report)
    title_block(builder, report)
    summary_section(builder, report, 1)
    analysis_section(builder, report.analysis, 2)
    measures_section(builder, report, 3)
    if report.has_instructions:
        instructions_section(builder, report, 4)
    return builder.save()
