"""The reports pages: choose a report, print it, download it; the ITA analysis."""
from io import BytesIO

import docx
import openpyxl
import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent, Role

from .conftest import STEP_TEXTS

REPORT = {"fiscal_year": 2569, "as_of": "31/03/2569"}


def export(client, **changes):
    return client.get("/reports/export", query_string={**REPORT, **changes})


def audit_events():
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report.export").order_by(AuditEvent.id)).all()


def test_pages_and_downloads_need_sign_in(client, report_org):
    for url in ("/reports/", "/reports/export?fiscal_year=2569&as_of=31/03/2569&output=docx", "/reports/ita"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert audit_events() == []


def test_the_form_offers_the_years_and_today(client, sign_in, report_org, fixed_today):
    sign_in(report_org.staff)
    page = client.get("/reports/").get_data(as_text=True)
    assert 'value="10/04/2569"' in page  # today, as Thai users write it
    assert '<option selected value="2569">' in page
    for output in ("print", "docx", "xlsx", "pdf"):
        assert f'value="{output}"' in page


@pytest.mark.parametrize("role", [Role.STAFF, Role.EXECUTIVE])
def test_any_member_downloads_word_and_excel(client, sign_in, report_org, fixed_today, make_user, role):
    sign_in(make_user(report_org.org, role))
    word = export(client, output="docx")
    assert word.status_code == 200
    assert word.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in word.headers["Content-Disposition"] and ".docx" in word.headers["Content-Disposition"]
    texts = [cell.text for row in docx.Document(BytesIO(word.data)).tables[-1].rows for cell in row.cells]
    assert STEP_TEXTS[0] in texts
    excel = export(client, output="xlsx", thai_digits="y")
    assert excel.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(excel.data)).worksheets[0]
    assert sheet.max_row == 5
    events = audit_events()
    assert [(e.details["format"], e.details["thai_digits"]) for e in events] == [("docx", False), ("xlsx", True)]
    assert all(e.organization_id == report_org.org.id for e in events)


def test_print_view_shows_the_same_report(client, sign_in, report_org, fixed_today):
    sign_in(report_org.staff)
    response = export(client, output="print")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน" in page
    assert "ข้อมูล ณ วันที่ 31 มีนาคม 2569" in page
    for text in STEP_TEXTS:
        assert text in page
    assert "css/report-document.css" in page and "data-print" in page
    assert "output=docx" in page  # the same report as a file, one click away
    assert [e.details["format"] for e in audit_events()] == ["print"]


def test_print_view_with_thai_digits(client, sign_in, report_org, fixed_today):
    sign_in(report_org.staff)
    page = export(client, output="print", thai_digits="y").get_data(as_text=True)
    assert "ข้อมูล ณ วันที่ ๓๑ มีนาคม ๒๕๖๙" in page


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("31/13/2569", "วันที่ไม่ถูกต้อง"),
        ("11/04/2569", "ต้องไม่เกินวันนี้"),
        ("30/09/2568", "ต้องไม่ก่อนวันเริ่มปีงบประมาณ"),
        ("", "กรุณาระบุวันที่ของข้อมูล"),
    ],
)
def test_a_bad_date_is_explained_next_to_the_field(client, sign_in, report_org, fixed_today, as_of, message):
    sign_in(report_org.staff)
    response = export(client, output="docx", as_of=as_of)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="as_of-error"' in page and message in page
    assert audit_events() == []


def test_a_year_of_another_organization_is_not_found(client, sign_in, report_org, fixed_today, make_org, make_user, make_measure):
    other = make_org()
    make_measure(other, fiscal_year=2570)
    sign_in(make_user(other))
    assert export(client, output="docx").status_code == 404
    assert export(client, output="print").status_code == 404
    client.post("/logout")
    sign_in(report_org.staff)
    assert export(client, output="docx", fiscal_year=2570).status_code == 404
    assert export(client, output="exe").status_code == 404
    assert audit_events() == []


def test_an_organization_without_measures_is_told_so(client, sign_in, make_user):
    sign_in(make_user())
    page = client.get("/reports/").get_data(as_text=True)
    assert "ยังไม่มีมาตรการ" in page


def test_analysis_page_shows_changes_and_the_indicators_under_85(client, sign_in, report_org):
    sign_in(report_org.staff)
    page = client.get("/reports/ita").get_data(as_text=True)
    assert "93.88" in page and "+5.88" in page
    assert "ตัวชี้วัดที่ต่ำกว่า 85 คะแนน" in page
    assert "84.50" in page and "80.00" in page and "+5.00" in page
    assert f"/measures/{report_org.m9.id}" in page  # the measure that answers indicator 9
    earlier = client.get("/reports/ita/2567").get_data(as_text=True)
    assert "88.00" in earlier and "+5.88" not in earlier


def test_analysis_of_another_organization_is_not_found(client, sign_in, report_org, make_org, make_user, make_assessment):
    other = make_org()
    make_assessment(other, 2566)
    sign_in(make_user(other))
    assert client.get("/reports/ita/2568").status_code == 404
    assert client.get("/reports/ita/2566").status_code == 200


def test_the_menu_links_to_reports(client, sign_in, report_org):
    sign_in(report_org.staff)
    assert 'href="/reports/"' in client.get("/").get_data(as_text=True)
