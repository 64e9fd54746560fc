"""The Thai wording and number formatting of the published documents.

The report, the public page and the calendar events are official Thai
documents whatever language the reader's screen uses, so their words live
here rather than in the UI catalog; one place keeps Word, Excel, PDF and the
print view saying the same thing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .. import thai
from ..ita import WORK_GROUP_ORDER, MeasureState, StepStatus, Tool, WorkGroup
from ..measures.status import DUE_SOON_DAYS

REPORT_TITLE = "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
PUBLIC_TITLE = "ผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
AS_OF = "ข้อมูล ณ วันที่"

SECTION_SUMMARY = "สรุปผลการดำเนินการ"
SECTION_ANALYSIS = "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA)"
SECTION_MEASURES = "ผลการดำเนินการตามมาตรการ"

STEP_STATUS = {
    StepStatus.NOT_STARTED: "ยังไม่ได้ดำเนินการ",
    StepStatus.IN_PROGRESS: "อยู่ระหว่างดำเนินการ",
    StepStatus.DONE: "ดำเนินการแล้วเสร็จ",
    StepStatus.BLOCKED: "ติดปัญหาอุปสรรค",
    StepStatus.CARRIED: "ยกไปดำเนินการในปีงบประมาณถัดไป",
}

# The steps by group, as the dashboard counts them (exclusive: a late step is only late).
WORK_GROUP = {
    WorkGroup.OVERDUE: "เกินกำหนด",
    WorkGroup.DUE_SOON: f"ครบกำหนดภายใน {DUE_SOON_DAYS} วัน",
    WorkGroup.IN_PROGRESS: "อยู่ระหว่างดำเนินการ (ยังไม่ถึงกำหนด)",
    WorkGroup.NOT_STARTED: "ยังไม่ได้ดำเนินการ (ยังไม่ถึงกำหนด)",
    WorkGroup.DONE: "ดำเนินการแล้วเสร็จ",
    WorkGroup.CARRIED: "ยกไปดำเนินการในปีงบประมาณถัดไป",
}
WORK_GROUP_ORDER = tuple(WORK_GROUP_ORDER)

MEASURE_STATE = {
    MeasureState.DONE: "ดำเนินการแล้วเสร็จ",
    MeasureState.ON_TRACK: "เป็นไปตามแผน",
    MeasureState.AT_RISK: "มีความเสี่ยงไม่แล้วเสร็จตามกำหนด",
    MeasureState.OVERDUE: "มีขั้นตอนเกินกำหนด",
    MeasureState.CARRIED: "ยกขั้นตอนที่ยังไม่แล้วเสร็จไปปีงบประมาณถัดไป",
}
MEASURE_STATE_ORDER = (MeasureState.DONE, MeasureState.ON_TRACK, MeasureState.AT_RISK, MeasureState.OVERDUE,
                       MeasureState.CARRIED)

OVERDUE = "เกินกำหนด"
MEASURES_TOTAL = "จำนวนมาตรการทั้งหมด"
STEPS_TOTAL = "จำนวนขั้นตอนทั้งหมด"
MEAN_PROGRESS = "ความก้าวหน้าเฉลี่ย (ร้อยละ)"
YES = "ใช่"

TOOL_NAMES = {
    Tool.IIT: "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)",
    Tool.EIT: "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)",
    Tool.OIT: "แบบวัดการเปิดเผยข้อมูลสาธารณะ (OIT)",
}
OVERALL = "คะแนนภาพรวม"
EIT_PART_1 = "EIT ส่วนที่ 1"
EIT_PART_2 = "EIT ส่วนที่ 2"
BELOW_PASS = "ตัวชี้วัดที่ได้คะแนนต่ำกว่า 85 คะแนน (ต้องเร่งพัฒนา)"
NONE_BELOW_PASS = "ไม่มีตัวชี้วัดที่ได้คะแนนต่ำกว่า 85 คะแนน"
NO_ASSESSMENT = "ยังไม่มีข้อมูลผลการประเมิน ITA ในระบบ"

# Column headings, shared by the Word table, the Excel sheets and the HTML.
COL_INDICATOR_NO = "ตัวชี้วัดที่"
COL_INDICATOR = "ตัวชี้วัด"
COL_PROJECT = "โครงการ/กิจกรรม"
COL_PERIOD = "ระยะเวลาดำเนินการ"
COL_STEP_NO = "ขั้นตอนที่"
COL_STEP = "ขั้นตอนหรือวิธีการดำเนินการ"
COL_DIVISIONS = "ผู้รับผิดชอบ"
COL_DUE = "กำหนดแล้วเสร็จ"
COL_ORIGINAL_DUE = "กำหนดเดิม"
COL_DUE_REASON = "เหตุผลที่เลื่อนกำหนด"
ORIGINAL_PREFIX = "เดิม"
COL_STATUS = "สถานะ"
COL_OVERDUE = "เกินกำหนด"
COL_PERCENT = "ร้อยละความก้าวหน้า"
COL_RESULT = "ผลการดำเนินงาน"
COL_PROBLEMS = "ปัญหาอุปสรรค"
COL_EVIDENCE = "หลักฐาน (ไฟล์)"
COL_UPDATED = "บันทึกผลล่าสุด"
COL_SCORE = "คะแนน"
COL_CHANGE = "เปลี่ยนแปลง"
COL_TOOL = "เครื่องมือ"
COL_COUNT = "จำนวน"
COL_NUMBER = "ที่"
COL_RESULT_AND_PROBLEMS = "ผลการดำเนินงาน / ปัญหาอุปสรรค"

PROBLEMS_PREFIX = "ปัญหาอุปสรรค:"
STEP_PREFIX = "ขั้นตอนที่"
INDICATOR_PREFIX = "ตัวชี้วัดที่"
PROGRESS_PREFIX = "ความก้าวหน้าร้อยละ"
MEASURE_STATUS_PREFIX = "สถานะ:"
PERIOD_SEPARATOR = "ถึง"
PAGE = "หน้า"

SHEET_STEPS = "มาตรการและขั้นตอน"
SHEET_INSTRUCTIONS = "ข้อสั่งการ"
ROLE_NAMES = {"admin": "ผู้ดูแลระบบ", "executive": "ผู้บริหาร", "division_head": "หัวหน้าส่วนราชการ", "staff": "เจ้าหน้าที่"}
SECTION_INSTRUCTIONS = "ข้อสั่งการของผู้บริหารและการดำเนินการของหน่วยงาน"
INSTRUCTION = "ข้อสั่งการ"
ANSWER = "การดำเนินการ/คำตอบ"
FOLLOW_UP = "ข้อสั่งการเพิ่มเติม"
WAITING_FOR = "รอคำตอบจาก"
ATTACHED = "ไฟล์แนบ:"
BY = "โดย"
WHOLE_MEASURE = "ทั้งมาตรการ"
COL_DATE = "วันที่"
COL_FROM = "ผู้บันทึก"
COL_KIND = "ประเภท"
COL_MESSAGE = "ข้อความ"
SHEET_SUMMARY = "สรุป"

REDACTED_NAME = "[ชื่อเจ้าหน้าที่]"
REDACTED_EMAIL = "[อีเมล]"
REDACTED_PHONE = "[หมายเลขโทรศัพท์]"
REDACTED_NATIONAL_ID = "[เลขประจำตัวประชาชน]"
REDACTED_PERSON = "[ชื่อบุคคล]"

DONE_MARK = "✓ เสร็จแล้ว"
FEED_MINE_NAME = "กำหนดส่งงานของหน่วยงานฉัน"
FEED_MINE_ABOUT = "กำหนดแล้วเสร็จของขั้นตอนตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส ที่หน่วยงานของท่านรับผิดชอบ"
FEED_ORGANIZATION_ABOUT = "กำหนดแล้วเสร็จของทุกขั้นตอนตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสของหน่วยงาน"


def assessment_heading(year: str) -> str:
    return f"ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. {year}"


def previous_year_heading(year: str) -> str:
    return f"ปี {year}"


# Links and e-mail addresses keep their digits when the document uses Thai digits.
_URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Control characters that XML (hence Word and Excel files) cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def printable(text: str | None) -> str:
    """Text that Word, Excel and PDF can all hold: no control characters, Unix newlines."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class Numbers:
    """Writes numbers and dates the way the document asks: Arabic or Thai digits."""

    thai_digits: bool = False

    def text(self, value: object) -> str:
        text = "" if value is None else printable(str(value))
        if not self.thai_digits:
            return text
        pieces, last = [], 0
        for match in _URL.finditer(text):
            pieces.append(thai.to_thai_digits(text[last:match.start()]))
            pieces.append(match.group())
            last = match.end()
        pieces.append(thai.to_thai_digits(text[last:]))
        return "".join(pieces)

    def number(self, value: int | None) -> str:
        return "" if value is None else self.text(f"{value:,}")

    def decimal(self, value: float | Decimal | None, places: int = 1) -> str:
        if value is None:
            return "–"
        return self.text(f"{float(value):,.{places}f}")

    def change(self, value: float | Decimal | None, places: int = 2) -> str:
        """A signed difference: `+1.25`, `-0.50`, `0.00`."""
        if value is None:
            return "–"
        number = round(float(value), places)
        sign = "+" if number > 0 else ""
        return self.text(f"{sign}{number:,.{places}f}")

    def date(self, value: date | None) -> str:
        return thai.format_date_long(value, self.thai_digits)

    def date_short(self, value: date | None) -> str:
        return thai.format_date_short(value, self.thai_digits)

    def fiscal_year(self, year: int) -> str:
        return thai.format_fiscal_year(year, self.thai_digits)

    def moved(self, original: date, current: date, reason: str) -> str:
        """`เลื่อนจาก 30 เม.ย. 2569 เป็น 10 ธ.ค. 2569 — เหตุผล …`."""
        text = (f"เลื่อนจาก {thai.format_date_medium(original, self.thai_digits)} "
                f"เป็น {thai.format_date_medium(current, self.thai_digits)}")
        return f"{text} — เหตุผล {self.text(reason)}" if reason else text

    def period(self, start: date, end: date) -> str:
        return f"{self.date(start)} {PERIOD_SEPARATOR} {self.date(end)}"
