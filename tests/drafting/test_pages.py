"""The ITA document pages: results with a paste box and warnings, drafted analysis and measures, download, adopt."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.html_forms import open_form
from tracker.drafting.models import MeasureDraft
from tracker.extensions import db
from tracker.importer.parser import parse_docx
from tracker.models import Assessment, AuditEvent, Measure, Role, Step, StepStatus

DECEMBER = date(2026, 12, 2)  # FY 2570 has begun; the 2569 results are out
PASTED = """ผลการประเมิน ITA 2569
คะแนนรวม\t86.79\tผ่าน
IIT\t๙๐.๐๐
EIT ส่วนที่ 1\t88.00
EIT ส่วนที่ 2\t86.00
OIT\t82.50
1. การปฏิบัติหน้าที่\t91.00
2. การใช้งบประมาณ\t89.00
3. การใช้อำนาจ\t92.00
4. การใช้ทรัพย์สินของราชการ\t88.00
5. การแก้ไขปัญหาการทุจริต\t90.00
6. คุณภาพการดำเนินงาน\t88.00
7. ประสิทธิภาพการสื่อสาร\t87.00
8. การปรับปรุงระบบการทำงาน\t86.00
9. การเปิดเผยข้อมูล\t๗๕.๐๐
10. การป้องกันการทุจริต\t90.00
"""


@pytest.fixture
def office(app, make_org, make_division, make_user, make_assessment, make_measure, client, sign_in, monkeypatch):
    monkeypatch.setitem(app.config, "FIXED_TODAY", DECEMBER)
    org = make_org(name="องค์การบริหารส่วนตำบลทดลองเขียน", slug="writing")
    palad, finance = make_division(org, "สำนักปลัด"), make_division(org, "กองคลัง")
    admin = make_user(org, Role.ADMIN)
    make_assessment(org, 2568, scores={n: 90.0 for n in range(1, 11)} | {9: 80.0})
    make_measure(org, indicator=9, fiscal_year=2569, title="เผยแพร่ข้อมูลการจัดซื้อจัดจ้าง", divisions=[finance],
                 steps=[{"text": "มอบหมายผู้รับผิดชอบ", "status": "done", "due": date(2026, 3, 31)},
                        {"text": "เผยแพร่ทุกเดือน", "due": date(2026, 9, 30)}])
    make_measure(org, indicator=1, fiscal_year=2569, title="ปรับปรุงคู่มือการปฏิบัติงาน", divisions=[palad],
                 steps=[{"text": "ทบทวนคู่มือ", "status": "done"}])
    sign_in(admin)
    return org, admin, palad, finance


def error_next_to(body: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>([^<]+)<', body)
    assert match, f"no error next to {field}"
    return match.group(1).strip()


def enter_results(client) -> None:
    fields = open_form(client, "/ita-report/2569/results")
    filled = client.post("/ita-report/2569/results", data=fields | {"pasted": PASTED, "fill": "y"})
    assert filled.status_code == 200
    fields = open_form_from(filled.get_data(as_text=True))
    saved = client.post("/ita-report/2569/results", data=fields | {"submit": "y"})
    assert saved.status_code == 302, saved.get_data(as_text=True)


def open_form_from(html: str) -> dict:
    from tests.html_forms import form_posting_to

    return form_posting_to(html, "/ita-report/2569/results")


def test_pasted_rows_fill_the_fields_and_save_nothing_until_saved(office, client):
    fields = open_form(client, "/ita-report/2569/results")
    response = client.post("/ita-report/2569/results", data=fields | {"pasted": PASTED, "fill": "y"})

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "15" in re.search(r'role="status">([^<]+)<', body).group(1)  # 4 tools, the overall score, 10 indicators
    filled = open_form_from(body)
    assert filled["iit_score"] == "90.00" and filled["indicator_9"] == "75.00" and filled["overall_score"] == "86.79"
    assert filled["level"] == "ผ่าน"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment).where(Assessment.fiscal_year == 2569)) == 0

    saved = client.post("/ita-report/2569/results", data=filled | {"submit": "y"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/ita-report/2569")
    assessment = db.session.scalars(sa.select(Assessment).where(Assessment.fiscal_year == 2569)).one()
    assert float(assessment.indicator(9).score) == 75.0 and float(assessment.oit_score) == 82.5


def test_scores_that_do_not_add_up_are_warned_beside_their_field(office, client):
    fields = open_form(client, "/ita-report/2569/results")
    pasted = PASTED.replace("IIT\t๙๐.๐๐", "IIT\t70.00")
    body = client.post("/ita-report/2569/results", data=fields | {"pasted": pasted, "fill": "y"}).get_data(as_text=True)
    iit_warning = next(m for m in re.finditer(r'result-warning">⚠ ([^<]+)<', body) if "70.00" in m.group(1))
    # The warning stands right after the IIT field, before the next one.
    assert body.index('name="iit_score"') < iit_warning.start() < body.index('name="eit1_score"')


def test_drafts_propose_from_last_year_and_the_typical_list(office, client):
    enter_results(client)
    body = client.get("/ita-report/2569").get_data(as_text=True)

    nine = body[body.index('id="indicator-9"'):body.index('id="indicator-10"')]
    assert "เผยแพร่ข้อมูลการจัดซื้อจัดจ้าง" in nine  # last year's unfinished measure goes on
    assert "ต่ำกว่าเกณฑ์ผ่าน 85 คะแนน" in nine and "ลดลง 5.00 คะแนนจากปี พ.ศ. 2568" in nine
    assert "ดำเนินการแล้วเสร็จ 1 ขั้นตอน เกินกำหนด 1 ขั้นตอน" in nine
    two = body[body.index('id="indicator-2"'):body.index('id="indicator-3"')]
    assert "แผนการใช้จ่ายงบประมาณ" in two  # the typical measure; no measure of indicator 2 before
    summary = body[body.index('id="summary-heading"'):body.index("</section>", body.index('id="summary-heading"'))]
    assert "9. การเปิดเผยข้อมูล" in summary
    assert "01/10/2569" in nine and "30/09/2570" in nine  # the next fiscal year by default


def test_saving_drafts_keeps_every_edit_and_refuses_bad_fields_all_at_once(office, client):
    org, admin, palad, finance = office
    enter_results(client)
    fields = open_form(client, "/ita-report/2569")

    bad = fields | {"title_3": "", "start_4": "31/02/2569", "divisions_5": []}
    refused = client.post("/ita-report/2569", data=bad)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert error_next_to(body, "title_3") and error_next_to(body, "start_4") and error_next_to(body, "divisions_5")
    assert db.session.scalar(sa.select(sa.func.count(MeasureDraft.id))) == 0

    edited = fields | {"analysis_9": "วิเคราะห์ใหม่ของหน่วยงาน", "title_9": "เผยแพร่รายงานจัดซื้อจัดจ้างทุกเดือน",
                       "steps_9": "มอบหมายผู้รับผิดชอบ\nเผยแพร่ทุกเดือน\nตรวจสอบทุกไตรมาส"}
    assert client.post("/ita-report/2569", data=edited).status_code == 302
    drafts = {d.indicator_number: d for d in db.session.scalars(sa.select(MeasureDraft))}
    assert len(drafts) == 10 and drafts[9].steps == ["มอบหมายผู้รับผิดชอบ", "เผยแพร่ทุกเดือน", "ตรวจสอบทุกไตรมาส"]
    assert drafts[9].division_ids == [finance.id]
    assessment = db.session.scalars(sa.select(Assessment).where(Assessment.fiscal_year == 2569)).one()
    assert assessment.indicator(9).analysis == "วิเคราะห์ใหม่ของหน่วยงาน"
    assert "ita_draft.save" in db.session.scalars(sa.select(AuditEvent.action)).all()

    stale = client.post("/ita-report/2569", data=fields | {"title_1": "คนอื่นแก้"})
    assert stale.status_code == 409  # opened before the save above
    assert drafts[1].title != "คนอื่นแก้"


def test_download_reads_back_and_adopt_makes_next_years_measures(office, client):
    org, admin, palad, finance = office
    enter_results(client)
    fields = open_form(client, "/ita-report/2569")
    client.post("/ita-report/2569", data=fields | {"title_9": "เผยแพร่รายงานจัดซื้อจัดจ้างทุกเดือน"})

    download = client.get("/ita-report/2569/document.docx")
    assert download.status_code == 200 and download.mimetype.endswith("wordprocessingml.document")
    read = parse_docx(io.BytesIO(download.data))
    assert read.fiscal_year == 2569 and read.overall_score == 86.79
    assert next(m for m in read.measures if m.indicator == 9).title == "เผยแพร่รายงานจัดซื้อจัดจ้างทุกเดือน"

    adopt_fields = open_form(client, "/ita-report/2569", "/ita-report/2569/adopt")
    adopted = client.post("/ita-report/2569/adopt", data=adopt_fields)
    assert adopted.status_code == 302
    measures = db.session.scalars(sa.select(Measure).where(Measure.fiscal_year == 2570)).all()
    assert len(measures) == 10
    nine = next(m for m in measures if m.indicator_number == 9)
    assert nine.title == "เผยแพร่รายงานจัดซื้อจัดจ้างทุกเดือน" and nine.start_date == date(2025 + 1, 10, 1)
    assert [d.name for d in nine.steps[0].divisions] == ["กองคลัง"]
    assert "ita_draft.adopt" in db.session.scalars(sa.select(AuditEvent.action)).all()

    again = client.post("/ita-report/2569/adopt", data=open_form(client, "/ita-report/2569", "/ita-report/2569/adopt"))
    assert again.status_code == 400  # the year has measures: only with "replace"
    assert db.session.scalar(sa.select(sa.func.count(Measure.id)).where(Measure.fiscal_year == 2570)) == 10

    step = nine.steps[0]
    step.status, step.percent = StepStatus.IN_PROGRESS, 40
    db.session.commit()
    replaced = client.post("/ita-report/2569/adopt", data=open_form(
        client, "/ita-report/2569", "/ita-report/2569/adopt") | {"replace": "y"})
    assert replaced.status_code == 302
    kept = db.session.get(Step, step.id)
    assert kept is not None and kept.percent == 40  # a kept step keeps its progress


def test_adopting_unsaved_proposals_is_refused(office, client):
    enter_results(client)
    response = client.post("/ita-report/2569/adopt", data=open_form(client, "/ita-report/2569", "/ita-report/2569/adopt"))
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Measure.id)).where(Measure.fiscal_year == 2570)) == 0


def test_only_administrators(office, client, make_user, sign_in):
    org = office[0]
    client.post("/logout")
    sign_in(make_user(org, Role.EXECUTIVE))
    assert client.get("/ita-report/").status_code == 403
    assert client.get("/ita-report/2568").status_code == 403
    assert client.get("/ita-report/2568/document.docx").status_code == 403
