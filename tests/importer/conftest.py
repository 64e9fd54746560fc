"""Small reports written for the importer's tests, the seed report, and an organization to import into."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from tracker.ita import INDICATOR_NAMES


SEED = Path(__file__).parent.parent / "fixtures" / "ita_report_muangphia_2568.txt"

MEASURES_HEADER = "ตัวชี้วัด\tโครงการ/กิจกรรม\tขั้นตอนการดำเนินการ\tระยะเวลาดำเนินการ\tผู้รับผิดชอบ"
FY_2569 = "1 ต.ค. 2568 - 30 ก.ย. 2569"


def _measure_row(number, steps="1. จัดทำแผน 2. รายงานผล", period=FY_2569, divisions="สำนักปลัด",
                title=None):
    """One tab-separated row of a measures table."""
    title = title if title is not None else f"โครงการของตัวชี้วัดที่ {number}"
    return f"{number}. {INDICATOR_NAMES[number]}\t{title}\t{steps}\t{period}\t{divisions}"


@pytest.fixture
def make_measure_row():
    """Build one row of a measures table: `make_measure_row(3, steps="...")`."""
    return _measure_row


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def make_report():
    """Build the text of a small, consistent report; keyword arguments replace its parts.

    By default every indicator and tool scores 90.00, the total is 90.00 and
    the level ผ่านดี, so the report reads without a warning.
    """

    def make(
        *,
        organization="องค์การบริหารส่วนตำบลหนองบัว",
        year="2568",
        overall_sentence=None,
        tools=None,
        scores=None,
        measures_header=MEASURES_HEADER,
        measure_rows=None,
        extra="",
    ) -> str:
        if overall_sentence is None:
            overall_sentence = (
                f"{organization} ได้รับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. {year} "
                "โดยมีค่าคะแนนโดยรวม เท่ากับ 90.00 คะแนน อยู่ในระดับ “ผ่านดี”"
            )
        tools = tools or {
            "IIT": "90.00", "EIT ส่วนที่ 1": "90.00", "EIT ส่วนที่ 2": "90.00", "OIT": "90.00",
        }
        scores = scores or {n: "90.00" for n in INDICATOR_NAMES}
        if measure_rows is None:
            measure_rows = [_measure_row(n) for n in INDICATOR_NAMES]
        lines = [
            f"## การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร ปี พ.ศ. {year}",
            "",
            overall_sentence,
            "",
            "เครื่องมือ\tคะแนน",
            *(f"{tool}\t{score}" for tool, score in tools.items()),
            "",
            "ตัวชี้วัด\tคะแนน",
            *(f"{n}. {INDICATOR_NAMES[n]}\t{score}" for n, score in scores.items()),
            "",
            "ตัวชี้วัด\tผลการวิเคราะห์",
            *(f"{n}. {INDICATOR_NAMES[n]}\tวิเคราะห์ตัวชี้วัดที่ {n}" for n in INDICATOR_NAMES),
            "",
            f"{organization}ได้กำหนดมาตรการดังต่อไปนี้",
            "",
        ]
        if measures_header is not None:
            lines.append(measures_header)
        lines.extend(measure_rows)
        lines.append(extra)
        return "\n".join(lines) + "\n"

    return make


# --- saving: an organization with divisions and an administrator -------------

# The divisions of the seed's organization as the demo defines them; the
# report names the first, second and fourth.
SEED_DIVISIONS = (
    ("สำนักปลัด", "สป."),
    ("กองคลัง", "กค."),
    ("กองช่าง", "กช."),
    ("หน่วยงานตรวจสอบภายใน", "ตสน."),
)


@dataclass
class ImportingOrg:
    org: object
    admin: object
    divisions: dict  # name → Division


@pytest.fixture
def make_importing_org(make_org, make_division, make_user):
    """`make_importing_org(divisions=..., name=...)`: an organization with
    divisions (by default the seed's) and an administrator."""
    from tracker.auth.models import Role

    def make(divisions=SEED_DIVISIONS, name: str | None = None) -> ImportingOrg:
        org = make_org(name=name)
        made = [make_division(org, division, short) for division, short in divisions]
        return ImportingOrg(org, make_user(org, Role.ADMIN), {d.name: d for d in made})

    return make


@pytest.fixture
def imports_dir(app):
    """Where the web keeps pending imports; emptied after the test."""
    path = Path(app.instance_path) / "imports"
    yield path
    shutil.rmtree(path, ignore_errors=True)
