"""The official ITA analysis document ("การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร") as plain blocks.

The document has the structure agencies publish and the importer reads:
1 หลักการและเหตุผล, 2 ผลการประเมิน (overall score and level, the tools, the
indicators over up to five years), 3 การวิเคราะห์ผลการประเมิน (indicator,
analysis) and 4 มาตรการ (indicator, project, steps, period, responsible).
`document_blocks` turns an `OfficialDocument` into headings, paragraphs and
tables once, so that the Word, text and PDF writers say the same thing. Pure:
no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..ita import INDICATOR_NAMES, INDICATORS_OF_TOOL
from ..thai import format_date_long, to_thai_digits

TITLE = "การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร"
SECTION_RATIONALE = "หลักการและเหตุผล"
SECTION_RESULTS = "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน"
SECTION_OVERALL = "ผลการประเมินในภาพรวม"
SECTION_TOOLS = "ผลการประเมินรายเครื่องมือ"
SECTION_INDICATORS = "ผลการประเมินรายตัวชี้วัด"
SECTION_ANALYSIS = "การวิเคราะห์ผลการประเมิน"
SECTION_MEASURES = "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"

COL_TOOL = "เครื่องมือ"
COL_SCORE = "คะแนน"
COL_INDICATOR = "ตัวชี้วัด"
COL_ANALYSIS = "ผลการวิเคราะห์"
COL_TITLE = "โครงการ/กิจกรรม"
COL_STEPS = "ขั้นตอนหรือวิธีการดำเนินการ"
COL_PERIOD = "ระยะเวลาในการดำเนินการ"
COL_RESPONSIBLE = "ผู้รับผิดชอบ"
PERIOD_SEPARATOR = "ถึง"

TOOL_ROWS = (("IIT", "IIT"), ("EIT1", "EIT ส่วนที่ 1"), ("EIT2", "EIT ส่วนที่ 2"), ("OIT", "OIT"))
TOOL_GROUPS = {
    "IIT": "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)",
    "EIT": "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)",
    "OIT": "แบบวัดการเปิดเผยข้อมูลสาธารณะ (OIT)",
}
MAX_YEARS = 5

# The standard opening of section 1, written for this project; an organization
# may replace it with its own (it is kept per organization).
DEFAULT_RATIONALE = (
    "การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (Integrity and Transparency "
    "Assessment : ITA) เป็นเครื่องมือที่สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ (สำนักงาน ป.ป.ช.) "
    "ใช้ส่งเสริมให้หน่วยงานภาครัฐบริหารงานอย่างโปร่งใส ตรวจสอบได้ และมีธรรมาภิบาล "
    "ผลการประเมินสะท้อนมุมมองของบุคลากรภายใน (IIT) ผู้รับบริการและผู้มีส่วนได้ส่วนเสียภายนอก (EIT) "
    "และการเปิดเผยข้อมูลบนเว็บไซต์ของหน่วยงาน (OIT) ในตัวชี้วัดทั้ง 10 ตัวชี้วัด "
    "หน่วยงานจึงนำผลการประเมินมาวิเคราะห์จุดที่ควรพัฒนา และกำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใส "
    "พร้อมขั้นตอน ระยะเวลา และผู้รับผิดชอบ เพื่อยกระดับการดำเนินงานในปีต่อไป"
)


@dataclass
class DocumentMeasure:
    indicator: int
    title: str
    steps: list[str]
    start: date | None
    end: date | None
    divisions: list[str]


@dataclass
class OfficialDocument:
    """Everything the document says, as plain values (scores as floats, None when unknown)."""

    organization: str
    assessment_year: int  # Buddhist Era; its measures run in the following fiscal year
    overall: float | None
    level: str | None
    tools: dict[str, float | None]  # IIT, EIT1, EIT2, OIT
    scores_by_year: dict[int, dict[int, float | None]]  # year -> indicator -> score; holds assessment_year
    analysis: dict[int, str]
    measures: list[DocumentMeasure] = field(default_factory=list)
    rationale: str = DEFAULT_RATIONALE
    thai_digits: bool = False

    @property
    def years(self) -> list[int]:
        """The years of the indicators table, oldest first, at most five, ending with this one."""
        earlier = sorted(y for y in self.scores_by_year if y < self.assessment_year)[-(MAX_YEARS - 1):]
        return [*earlier, self.assessment_year]

    @property
    def scores(self) -> dict[int, float | None]:
        return self.scores_by_year.get(self.assessment_year, {})


# --- blocks ---------------------------------------------------------------------------------

@dataclass
class Heading:
    text: str
    level: int  # 1 title, 2 section, 3 subsection


@dataclass
class Text:
    text: str


@dataclass
class TableBlock:
    kind: str  # tools, indicators, analysis, measures
    header: list[str]
    rows: list[list[list[str]]]  # row -> cell -> paragraphs
    widths: list[float]  # relative widths
    group_rows: set[int] = field(default_factory=set)  # rows that name a tool, across the table


@dataclass
class Chart:
    """The indicators' scores as a bar chart (drawn by the writer that can)."""

    scores: dict[int, float | None]
    year: int


@dataclass
class Landscape:
    """From here on the pages are landscape (the measures table needs the width)."""


Block = Heading | Text | TableBlock | Chart | Landscape


class Digits:
    """Numbers as the document wants them: Arabic or Thai digits."""

    def __init__(self, thai_digits: bool):
        self.thai_digits = thai_digits

    def __call__(self, text: object) -> str:
        text = str(text)
        return to_thai_digits(text) if self.thai_digits else text

    def score(self, value: float | None) -> str:
        return "–" if value is None else self(f"{value:.2f}")

    def date(self, value: date | None) -> str:
        return format_date_long(value, self.thai_digits)


def section_heading(d: Digits, number: int, text: str) -> Heading:
    return Heading(f"{d(number)}. {text}", 2)


def subsection_heading(d: Digits, section: int, number: int, text: str) -> Heading:
    return Heading(f"{d(section)}.{d(number)} {text}", 3)


def indicator_label(d: Digits, number: int) -> str:
    return f"{d(number)}. {INDICATOR_NAMES[number]}"


def document_blocks(doc: OfficialDocument) -> list[Block]:
    """The whole document, in order."""
    d = Digits(doc.thai_digits)
    year = d(doc.assessment_year)
    blocks: list[Block] = [Heading(f"{TITLE} ของ{doc.organization} ในปี พ.ศ. {year}", 1)]

    blocks.append(section_heading(d, 1, SECTION_RATIONALE))
    blocks += [Text(d(paragraph)) for paragraph in doc.rationale.split("\n") if paragraph.strip()]
    blocks.append(Text(
        f"{doc.organization} ได้เข้าร่วมการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA) "
        f"ประจำปีงบประมาณ พ.ศ. {year} เพื่อนำผลการประเมินไปปรับปรุงการบริหารงานให้เป็นไปตามหลักธรรมาภิบาล"
    ))

    blocks.append(section_heading(d, 2, f"{SECTION_RESULTS} ประจำปีงบประมาณ พ.ศ. {year}"))
    blocks.append(subsection_heading(d, 2, 1, SECTION_OVERALL))
    if doc.overall is not None:
        level = f" อยู่ในระดับ “{doc.level}”" if doc.level else ""
        blocks.append(Text(
            f"{doc.organization} ได้รับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. {year} "
            f"โดยมีค่าคะแนนโดยรวม เท่ากับ {d.score(doc.overall)} คะแนน{level}"
        ))
    blocks.append(subsection_heading(d, 2, 2, SECTION_TOOLS))
    blocks.append(TableBlock(
        "tools", [COL_TOOL, COL_SCORE],
        [[[label], [d.score(doc.tools.get(key))]] for key, label in TOOL_ROWS],
        [3, 1],
    ))
    blocks.append(subsection_heading(d, 2, 3, SECTION_INDICATORS))
    blocks.append(indicators_table(doc, d))
    if any(score is not None for score in doc.scores.values()):
        blocks.append(Chart(dict(doc.scores), doc.assessment_year))

    blocks.append(section_heading(d, 3, SECTION_ANALYSIS))
    blocks.append(Text(
        f"จากผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. {year} {doc.organization} "
        "ได้วิเคราะห์ผลการประเมินเป็นรายตัวชี้วัด ดังนี้"
    ))
    blocks.append(TableBlock(
        "analysis", [COL_INDICATOR, COL_ANALYSIS],
        [[[indicator_label(d, n)], paragraphs(d(doc.analysis.get(n, "")))] for n in INDICATOR_NAMES],
        [1, 3],
    ))

    blocks.append(Landscape())
    blocks.append(section_heading(d, 4, SECTION_MEASURES))
    blocks.append(Text(
        f"{doc.organization} ได้นำผลการวิเคราะห์การประเมิน ITA ปี พ.ศ. {year} ไปสู่การปฏิบัติ "
        "โดยกำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ดังต่อไปนี้"
    ))
    blocks.append(measures_table(doc, d))
    return blocks


def indicators_table(doc: OfficialDocument, d: Digits) -> TableBlock:
    """Indicators down, years across; only this year's column says "คะแนน" (the importer reads it)."""
    years = doc.years
    header = [COL_INDICATOR] + [f"ปี {d(y)}" for y in years[:-1]] + [f"{COL_SCORE} ปี {d(years[-1])}"]
    rows: list[list[list[str]]] = []
    groups: set[int] = set()
    for tool, numbers in INDICATORS_OF_TOOL.items():
        groups.add(len(rows))
        rows.append([[TOOL_GROUPS[tool]]] + [[] for _ in years])
        for number in numbers:
            rows.append([[indicator_label(d, number)]]
                        + [[d.score(doc.scores_by_year.get(y, {}).get(number))] for y in years])
    return TableBlock("indicators", header, rows, [4] + [1] * len(years), groups)


def measures_table(doc: OfficialDocument, d: Digits) -> TableBlock:
    rows = []
    for measure in sorted(doc.measures, key=lambda m: m.indicator):
        period = ""
        if measure.start and measure.end:
            period = f"{d.date(measure.start)} {PERIOD_SEPARATOR} {d.date(measure.end)}"
        rows.append([
            [indicator_label(d, measure.indicator)],
            [d(measure.title)],
            [f"{d(number)}. {d(text)}" for number, text in enumerate(measure.steps, start=1)],
            [period],
            list(measure.divisions),
        ])
    return TableBlock(
        "measures", [COL_INDICATOR, COL_TITLE, COL_STEPS, COL_PERIOD, COL_RESPONSIBLE], rows, [2.2, 4, 6.5, 2.6, 2.4]
    )


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]
