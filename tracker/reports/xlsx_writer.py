"""The progress report as an Excel workbook: real dates and numbers, filters, frozen headers.

One sheet lists every step of every measure, a summary sheet gives the
counts and the ITA scores, and each division gets a sheet of its own steps.
Dates are date cells shown in the Buddhist Era by a Thai number format
(`[$-107041E]`: Thai locale, Buddhist calendar; `D0` instead of `10` also
switches to Thai digits), so they sort and filter as dates.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..export_cells import text_cell
from . import wording as w
from .report import MeasureSection, ProgressReport, ScoreLine, StepRow, summary_lines
from .wording import Numbers

FONT_NAME = "TH Sarabun New"
FONT = Font(name=FONT_NAME, size=14)
BOLD = Font(name=FONT_NAME, size=14, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
BELOW_PASS_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)

SHEET_NAME_LIMIT = 31
FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
RESERVED_SHEET_NAMES = {"history"}  # Excel keeps "History" for change tracking
SARA_AM = "\u0e33"  # a spacing vowel, but drawn partly over the letter before it


@dataclass(frozen=True)
class Formats:
    date: str
    integer: str
    decimal: str
    score: str


def formats(numbers: Numbers) -> Formats:
    locale = "[$-D07041E]" if numbers.thai_digits else "[$-107041E]"
    digits = "[$-D00041E]" if numbers.thai_digits else ""
    return Formats(
        date=f"{locale}d mmm yyyy",
        integer=f"{digits}0",
        decimal=f"{digits}0.0",
        score=f"{digits}0.00;{digits}-0.00;{digits}0.00",
    )


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, never separating a Thai vowel or tone mark from its letter."""
    if len(text) <= limit:
        return text
    end = limit
    while end > 0 and (unicodedata.category(text[end]) == "Mn" or text[end] == SARA_AM):
        end -= 1
    return text[:end].rstrip()


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no `[]:*?/\\`, at most 31 characters."""
    title = FORBIDDEN_IN_SHEET_NAMES.sub(" ", name or "")
    title = " ".join(title.split()).strip("'") or "Sheet"
    base = cut(title, SHEET_NAME_LIMIT)
    candidate, counter = base, 1
    while candidate.casefold() in taken or candidate.casefold() in RESERVED_SHEET_NAMES:
        counter += 1
        suffix = f" ({counter})"
        candidate = cut(base, SHEET_NAME_LIMIT - len(suffix)) + suffix
    taken.add(candidate.casefold())
    return candidate


@dataclass(frozen=True)
class Column:
    heading: str
    width: float
    value: Callable[[MeasureSection, StepRow], Any]
    kind: str = "text"  # text, wrap, integer, date


def step_columns(numbers: Numbers) -> list[Column]:
    text = numbers.text
    return [
        Column(w.COL_INDICATOR_NO, 10, lambda m, s: m.indicator_number, "integer"),
        Column(w.COL_INDICATOR, 22, lambda m, s: text(m.indicator_name), "wrap"),
        Column(w.COL_PROJECT, 40, lambda m, s: text(m.title), "wrap"),
        Column(w.COL_STEP_NO, 9, lambda m, s: s.number, "integer"),
        Column(w.COL_STEP, 50, lambda m, s: text(s.text), "wrap"),
        Column(w.COL_DIVISIONS, 22, lambda m, s: text(", ".join(s.divisions)), "wrap"),
        Column(w.COL_DUE, 14, lambda m, s: s.due_date, "date"),
        Column(w.COL_ORIGINAL_DUE, 14, lambda m, s: s.original_due_date if s.moved else None, "date"),
        Column(w.COL_DUE_REASON, 35, lambda m, s: text(s.due_date_reason) if s.moved else "", "wrap"),
        Column(w.COL_STATUS, 20, lambda m, s: w.STEP_STATUS[s.status], "wrap"),
        Column(w.COL_OVERDUE, 10, lambda m, s: w.YES if s.overdue else "", "text"),
        Column(w.COL_PERCENT, 12, lambda m, s: s.percent, "integer"),
        Column(w.COL_RESULT, 50, lambda m, s: text(s.note), "wrap"),
        Column(w.COL_PROBLEMS, 35, lambda m, s: text(s.problems), "wrap"),
        Column(w.COL_EVIDENCE, 10, lambda m, s: s.evidence_count, "integer"),
        Column(w.COL_UPDATED, 14, lambda m, s: s.updated_on, "date"),
    ]


def add_styles(workbook: Workbook, fmt: Formats) -> None:
    """Named styles for the step sheets: assigning one is much cheaper than
    setting font, alignment and format on each of thousands of cells."""
    for name, alignment, number_format in (
        ("ita-text", TOP, "General"),
        ("ita-wrap", WRAP, "General"),
        ("ita-integer", CENTER, fmt.integer),
        ("ita-date", CENTER, fmt.date),
    ):
        workbook.add_named_style(NamedStyle(name=name, font=FONT, alignment=alignment, number_format=number_format))


def write_header(sheet: Worksheet, headings: Sequence[str], row: int = 1) -> None:
    for index, heading in enumerate(headings, start=1):
        cell = text_cell(sheet, row, index, heading)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, CENTER


def set_up_printing(sheet: Worksheet, report: ProgressReport, numbers: Numbers, *, title_rows: str | None) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddHeader.center.text = numbers.text(
        f"{w.REPORT_TITLE} {report.organization_name} {numbers.fiscal_year(report.fiscal_year)}"
    )
    sheet.oddFooter.left.text = f"{w.AS_OF} {numbers.date(report.as_of)}"
    sheet.oddFooter.right.text = f"{w.PAGE} &P / &N"


def write_steps(
    sheet: Worksheet,
    report: ProgressReport,
    rows: Sequence[tuple[MeasureSection, StepRow]],
    numbers: Numbers,
) -> None:
    columns = step_columns(numbers)
    write_header(sheet, [c.heading for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    styles = [f"ita-{column.kind}" for column in columns]
    resolved: dict[str, Any] = {}
    for row_number, (measure, step) in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = column.value(measure, step)
            if value is None or value == "":
                continue  # an empty cell needs no cell at all
            cell = text_cell(sheet, row_number, index, value)
            name = styles[index - 1]
            if name in resolved:
                # Copying the resolved style of the first cell (as openpyxl's own
                # sheet copy does) saves a named-style lookup per cell.
                cell._style = copy(resolved[name])
            else:
                cell.style = name
                resolved[name] = copy(cell._style)
    last = get_column_letter(len(columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    set_up_printing(sheet, report, numbers, title_rows="1:1")


def write_summary(sheet: Worksheet, report: ProgressReport, numbers: Numbers, fmt: Formats) -> None:
    n = numbers
    summary = report.summary
    sheet.column_dimensions["A"].width = 60
    for letter in "BCDE":
        sheet.column_dimensions[letter].width = 16

    def put(row: int, column: int, value: Any, *, font: Font = FONT, number_format: str | None = None, fill=None):
        cell = text_cell(sheet, row, column, value)
        cell.font = font
        cell.alignment = WRAP if isinstance(value, str) else CENTER
        if number_format:
            cell.number_format = number_format
        if fill is not None:
            cell.fill = fill
        return cell

    put(1, 1, w.REPORT_TITLE, font=TITLE)
    put(2, 1, n.text(report.organization_name), font=BOLD)
    put(3, 1, n.fiscal_year(report.fiscal_year), font=BOLD)
    put(4, 1, w.AS_OF, font=BOLD)
    put(4, 2, report.as_of, number_format=fmt.date)

    row = 6
    write_header(sheet, [w.COL_STATUS, w.COL_COUNT], row=row)
    for line in summary_lines(summary):
        row += 1
        font = BOLD if line.total else FONT
        put(row, 1, line.label, font=font)
        put(row, 2, line.value, font=font, number_format=fmt.decimal if line.mean else fmt.integer)

    analysis = report.analysis
    row += 2
    if analysis is None:
        put(row, 1, w.NO_ASSESSMENT)
        return
    put(row, 1, w.assessment_heading(n.text(analysis.fiscal_year)), font=BOLD)
    headings = [w.COL_INDICATOR, w.COL_SCORE]
    if analysis.previous_fiscal_year is not None:
        headings += [w.previous_year_heading(n.text(analysis.previous_fiscal_year)), w.COL_CHANGE]
    row += 1
    write_header(sheet, headings, row=row)

    def score_row(label: str, line: ScoreLine) -> None:
        nonlocal row
        row += 1
        fill = BELOW_PASS_FILL if line.below_pass else None
        put(row, 1, label, fill=fill)
        values = [line.score]
        if analysis.previous_fiscal_year is not None:
            values += [line.previous, line.change]
        for column, value in enumerate(values, start=2):
            put(row, column, float(value) if value is not None else None, number_format=fmt.score, fill=fill)

    score_row(f"{w.OVERALL} ({analysis.level})" if analysis.level else w.OVERALL, analysis.overall)
    for line in analysis.tools:
        score_row(line.name, line)
    for indicator in analysis.indicators:
        score_row(n.text(f"{indicator.number}. {indicator.name}"), indicator)
    row += 2
    below = analysis.below_pass
    put(row, 1, w.BELOW_PASS if below else w.NONE_BELOW_PASS, font=BOLD)
    for indicator in below:
        row += 1
        put(row, 1, n.text(f"{w.INDICATOR_PREFIX} {indicator.number} {indicator.name}"))
        put(row, 2, float(indicator.score), number_format=fmt.score)
    set_up_printing(sheet, report, numbers, title_rows=None)


def write_instructions(sheet: Worksheet, report: ProgressReport, numbers: Numbers) -> None:
    """One row per message of each instruction thread, in the order written."""
    headings = [w.COL_INDICATOR_NO, w.COL_PROJECT, w.COL_STEP_NO, w.COL_KIND, w.COL_DATE, w.COL_FROM,
                w.COL_MESSAGE, w.ATTACHED.rstrip(":")]
    write_header(sheet, headings)
    for index, width in enumerate((10, 40, 10, 18, 14, 28, 60, 30), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    row = 2
    for measure in report.measures:
        for thread in measure.instructions:
            messages = [(w.INSTRUCTION, thread.instruction)]
            messages += [(w.ANSWER if r.is_answer else w.FOLLOW_UP, r) for r in thread.replies]
            for kind, message in messages:
                values = [measure.indicator_number, measure.title, thread.step_number or w.WHOLE_MEASURE, kind,
                          numbers.date_short(message.on), f"{message.author} ({message.side})", message.text,
                          ", ".join(message.files)]
                for column, value in enumerate(values, start=1):
                    cell = sheet.cell(row=row, column=column, value=value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # never a formula, whatever was typed
                    cell.font, cell.alignment = FONT, Alignment(wrap_text=True, vertical="top")
                row += 1
            if thread.waiting_for:
                sheet.cell(row=row, column=4, value=w.WAITING_FOR).font = BOLD
                sheet.cell(row=row, column=7, value=", ".join(thread.waiting_for)).font = FONT
                row += 1
    sheet.freeze_panes = "A2"
    set_up_printing(sheet, report, numbers, title_rows="1:1")


def render_xlsx(report: ProgressReport, numbers: Numbers = Numbers()) -> bytes:
    """The report as the bytes of an .xlsx file."""
    fmt = formats(numbers)
    workbook = Workbook()
    add_styles(workbook, fmt)
    taken: set[str] = set()
    steps_sheet = workbook.active
    steps_sheet.title = sheet_title(w.SHEET_STEPS, taken)
    write_steps(steps_sheet, report, report.steps, numbers)
    write_summary(workbook.create_sheet(sheet_title(w.SHEET_SUMMARY, taken)), report, numbers, fmt)
    for division in report.by_division():
        sheet = workbook.create_sheet(sheet_title(division.name, taken))
        write_steps(sheet, report, division.rows, numbers)
    if report.has_instructions:
        write_instructions(workbook.create_sheet(sheet_title(w.SHEET_INSTRUCTIONS, taken)), report, numbers)
    workbook.properties.title = w.REPORT_TITLE
    workbook.properties.creator = report.organization_name
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
