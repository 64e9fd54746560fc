"""In a real browser: the administrator writes next year's ITA report and its measures reach My work."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.importer.parser import parse_docx
from tracker.models import Role

from ..drafting.test_pages import DECEMBER, PASTED
from .conftest import sign_in
from .test_progress_flow import sign_out

pytestmark = pytest.mark.browser
NEW_TITLE = "เผยแพร่รายงานผลการจัดซื้อจัดจ้างทุกเดือนบนเว็บไซต์"
NEW_ANALYSIS = "คะแนนการเปิดเผยข้อมูลลดลง เพราะรายงานการจัดซื้อจัดจ้างรายเดือนไม่ครบ 12 เดือน"


@pytest.fixture
def writing_office(app, monkeypatch, make_org, make_division, make_user, make_assessment, make_measure):
    monkeypatch.setitem(app.config, "FIXED_TODAY", DECEMBER)
    org = make_org(name="องค์การบริหารส่วนตำบลทดลองเขียนรายงาน", slug="writing-browser")
    palad, finance = make_division(org, "สำนักปลัด"), make_division(org, "กองคลัง")
    make_assessment(org, 2568, scores={n: 90.0 for n in range(1, 11)} | {9: 80.0})
    make_measure(org, indicator=9, fiscal_year=2569, title="เผยแพร่ข้อมูลการจัดซื้อจัดจ้าง", divisions=[finance],
                 steps=[{"text": "มอบหมายผู้รับผิดชอบ", "status": "done", "due": date(2026, 3, 31)},
                        {"text": "เผยแพร่รายงานทุกเดือน", "due": date(2026, 9, 30)}])
    admin = make_user(org, Role.ADMIN, email="admin@writing.test")
    head = make_user(org, Role.DIVISION_HEAD, head_of=[finance], email="head.finance@writing.test")
    return admin, head


def test_admin_writes_the_report_and_adopts_its_measures(page, writing_office, artifacts):
    admin, head = writing_office
    sign_in(page, admin.email)

    page.goto("/ita-report/")
    page.fill("#year", "2569")
    page.get_by_role("button", name="กรอกผลการประเมิน").click()
    page.wait_for_url("**/ita-report/2569/results")
    page.fill("#pasted", PASTED)
    page.get_by_role("button", name="กรอกช่องจากข้อความที่วาง").click()
    assert page.input_value("#iit_score") == "90.00" and page.input_value("#indicator_9") == "75.00"
    page.screenshot(path=str(artifacts / "ita-results.png"), full_page=True)
    page.get_by_role("button", name="บันทึกผลการประเมิน").click()
    page.wait_for_url("**/ita-report/2569")

    nine = page.locator("#indicator-9")
    assert "ต่ำกว่าเกณฑ์ผ่าน 85 คะแนน" in nine.locator("#analysis_9").input_value()
    nine.locator("#analysis_9").fill(NEW_ANALYSIS)
    nine.locator("#title_9").fill(NEW_TITLE)
    page.get_by_role("button", name="บันทึกร่าง").click()
    page.wait_for_url("**/ita-report/2569")
    assert page.locator("#title_9").input_value() == NEW_TITLE
    page.screenshot(path=str(artifacts / "ita-drafts.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#indicator-9").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "ita-drafts-phone.png"), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download:
        page.get_by_role("link", name="ดาวน์โหลดรายงาน (Word)").click()
    saved = artifacts / "ita-document.docx"
    download.value.save_as(saved)
    report = parse_docx(str(saved))
    assert report.fiscal_year == 2569 and report.indicator(9).analysis == NEW_ANALYSIS
    assert next(m for m in report.measures if m.indicator == 9).title == NEW_TITLE

    page.get_by_role("button", name="ใช้เป็นมาตรการของปีงบประมาณถัดไป").click()
    page.wait_for_url("**/measures*")
    assert NEW_TITLE in page.content()
    sign_out(page)

    sign_in(page, head.email)
    page.goto("/my-work")
    assert page.get_by_text("มอบหมายผู้รับผิดชอบ").count() >= 1  # the new year's first step of the measure
    page.screenshot(path=str(artifacts / "ita-adopted-my-work.png"), full_page=True)
