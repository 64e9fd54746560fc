"""The import pages: upload → preview → edit → confirm; nothing saved before; only the admin who uploaded."""
from __future__ import annotations

import io
import json
import os
import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.importer.documents import word_from_text_export
from tests.html_forms import form_fields
from tracker.extensions import db
from tracker.importer import parse_text
from tracker.importer.services import import_report
from tracker.ita import INDICATOR_NAMES
from tracker.models import Assessment, AuditEvent, Division, Measure, Role, Step
from tests.helpers import count

pytestmark = pytest.mark.usefixtures("imports_dir")

PREVIEW = "import-preview"  # the id of the preview's form


def upload(client, data: bytes, filename: str = "report.txt"):
    return client.post(
        "/import/", data={"report": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def token_of(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.fullmatch(r"/import/([\w-]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match[1]


def pending_json(imports_dir, token) -> dict:
    return json.loads((imports_dir / f"{token}.json").read_text(encoding="utf-8"))


def nothing_saved() -> bool:
    return (count(Assessment), count(Measure), count(Step)) == (0, 0, 0)


@pytest.fixture
def admin_in(make_importing_org, sign_in):
    """An organization with the seed's divisions, its admin signed in."""
    target = make_importing_org()
    sign_in(target.admin)
    return target


@pytest.fixture
def seed_bytes(seed_text) -> bytes:
    return seed_text.encode("utf-8")


def test_the_admin_menu_leads_to_the_import_page(client, make_importing_org, make_user, sign_in):
    target = make_importing_org()
    sign_in(target.admin)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/import/"' in home  # an organization without measures is invited to import
    administration = client.get("/admin/").get_data(as_text=True)
    assert 'href="/import/"' in administration and "นำเข้ารายงาน ITA" in administration
    page = client.get("/import/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)

    client.post("/logout")
    sign_in(make_user(target.org, Role.STAFF))
    assert 'href="/import/"' not in client.get("/").get_data(as_text=True)
    assert client.get("/admin/").status_code == 403


@pytest.mark.parametrize("role", [Role.STAFF, Role.DIVISION_HEAD, Role.EXECUTIVE])
def test_other_roles_get_403(client, make_importing_org, make_user, sign_in, seed_bytes, role):
    target = make_importing_org()
    sign_in(make_user(target.org, role))
    assert client.get("/import/").status_code == 403
    assert upload(client, seed_bytes).status_code == 403
    assert client.get("/import/" + "a" * 43).status_code == 403
    assert client.post("/import/" + "a" * 43, data={"confirm": "y"}).status_code == 403
    assert nothing_saved()


def test_upload_preview_edit_and_confirm(client, admin_in, seed_bytes, imports_dir):
    token = token_of(upload(client, seed_bytes, "ita_2568.txt"))
    preview = client.get(f"/import/{token}")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    for shown in ["องค์การบริหารส่วนตำบลเมืองเพีย", "93.88", "ผ่านดี", "97.41", "99.82", "97.88", "87.50",
                  "ita_2568.txt", "30/04/2569", "30/09/2569"]:
        assert shown in html, shown
    assert all(name in html for name in INDICATOR_NAMES.values())
    assert "ช่องทางและรูปแบบการประชาสัมพันธ์" in html  # an indicator's analysis
    assert "แผ่นพับประชาสัมพันธ์ของหน่วยงาน" in html  # measure 3's third step
    # The warning in Thai, with its place in the document.
    assert "บรรทัดที่ 18:" in html
    assert "ในรายงานมีการเขียนชื่อหน่วยงานเป็น “องค์การบริหารส่วนตำบลเมืองเพ็ญ” ด้วย (บรรทัดที่ 18, บรรทัดที่ 27)" in html
    # The report names another organization than the one signed in.
    assert f"แต่คุณเข้าสู่ระบบในนาม “{admin_in.org.name}”" in html
    assert nothing_saved()

    fields = form_fields(html, PREVIEW)
    assert len([name for name in fields if name.startswith("due_")]) == 22
    assert fields["due_0_0"] == "30/04/2569"
    finance, works = admin_in.divisions["กองคลัง"], admin_in.divisions["กองช่าง"]
    assert fields["division_1"] == str(finance.id)
    fields.update({"due_0_0": "15/01/2569", "division_1": str(works.id), "confirm": "y"})
    done = client.post(f"/import/{token}", data=fields)

    assert done.status_code == 302
    assessment = db.session.scalars(sa.select(Assessment)).one()
    assert done.headers["Location"] == f"/import/done/{assessment.id}"
    measures = db.session.scalars(sa.select(Measure).order_by(Measure.position)).all()
    assert (len(measures), count(Step)) == (10, 22)
    assert measures[0].steps[0].due_date == date(2026, 1, 15)
    assert [d.name for d in measures[1].steps[0].divisions] == ["กองช่าง"]
    assert [d.name for d in measures[8].steps[0].divisions] == ["สำนักปลัด", "กองช่าง"]
    assert count(Division) == 4
    assert assessment.source_name == "ita_2568.txt"
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "assessment.import")).one()
    assert event.actor_id == admin_in.admin.id
    assert not (imports_dir / f"{token}.json").exists()

    listing = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "นำเข้ารายงานปีงบประมาณ พ.ศ. 2568 เรียบร้อยแล้ว: 10 มาตรการ 22 ขั้นตอน" in listing
    assert all(f'href="/measures/{m.id}"' in listing for m in measures)
    # The confirmed import is gone: confirming again finds nothing.
    assert client.post(f"/import/{token}", data=fields).status_code == 404


def test_a_word_upload_gives_the_same_preview_as_the_text(client, admin_in, seed_text, seed_bytes, imports_dir):
    from_text = token_of(upload(client, seed_bytes, "report.txt"))
    word = word_from_text_export(seed_text).getvalue()
    from_word = token_of(upload(client, word, "report.docx"))

    text_result, word_result = pending_json(imports_dir, from_text)["result"], pending_json(imports_dir, from_word)["result"]
    for key in ("organization", "fiscal_year", "overall_score", "level", "tools"):
        assert word_result[key] == text_result[key]
    strip_sources = lambda items: [{k: v for k, v in i.items() if k != "source"} for i in items]  # noqa: E731
    assert strip_sources(word_result["measures"]) == strip_sources(text_result["measures"])
    assert strip_sources(word_result["indicators"]) == strip_sources(text_result["indicators"])
    assert [w["code"] for w in word_result["warnings"]] == [w["code"] for w in text_result["warnings"]]

    text_page = client.get(f"/import/{from_text}").get_data(as_text=True)
    word_page = client.get(f"/import/{from_word}").get_data(as_text=True)
    assert form_fields(word_page, PREVIEW) == form_fields(text_page, PREVIEW)  # the same steps, due dates and divisions
    assert "ย่อหน้าที่" in word_page and "บรรทัดที่" not in word_page
    assert nothing_saved()


def test_pasted_text_works_like_a_file(client, admin_in, seed_text, imports_dir):
    token = token_of(client.post("/import/", data={"text": seed_text}))
    assert len(pending_json(imports_dir, token)["result"]["measures"]) == 10


def test_an_invalid_due_date_is_shown_next_to_its_field_and_saves_nothing(client, admin_in, seed_bytes, imports_dir):
    token = token_of(upload(client, seed_bytes))
    fields = form_fields(client.get(f"/import/{token}").get_data(as_text=True), PREVIEW)
    fields.update({"due_2_1": "31/02/2569", "due_4_0": "30/09/2596", "confirm": "y"})
    answer = client.post(f"/import/{token}", data=fields)

    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert re.search(r'id="due_2_1"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="due_2_1"', html)
    assert re.search(r'id="due_2_1-error"[^>]*>กรุณากรอกวันที่ในรูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 30/09/2569<', html)
    assert re.search(r'id="due_4_0-error"[^>]*>วันกำหนดเสร็จต้องอยู่ระหว่าง 1 ตุลาคม 2568 ถึง 30 กันยายน 2570<', html)
    assert 'value="31/02/2569"' in html  # what was typed stays in the field
    assert nothing_saved()
    assert (imports_dir / f"{token}.json").exists()


def test_updating_the_preview_keeps_the_edits_and_saves_nothing(client, admin_in, seed_bytes):
    token = token_of(upload(client, seed_bytes))
    fields = form_fields(client.get(f"/import/{token}").get_data(as_text=True), PREVIEW)
    fields.update({"due_1_0": "31/12/2568", "division_2": str(admin_in.divisions["กองช่าง"].id), "update": "y"})
    assert client.post(f"/import/{token}", data=fields).headers["Location"] == f"/import/{token}"
    again = form_fields(client.get(f"/import/{token}").get_data(as_text=True), PREVIEW)
    assert (again["due_1_0"], again["division_2"]) == ("31/12/2568", str(admin_in.divisions["กองช่าง"].id))
    assert nothing_saved()


def test_a_name_matching_no_division_can_become_a_new_one(client, make_importing_org, sign_in, seed_bytes):
    target = make_importing_org(divisions=(("สำนักปลัด", "สป."), ("กองคลัง", "กค.")))
    sign_in(target.admin)
    token = token_of(upload(client, seed_bytes))
    html = client.get(f"/import/{token}").get_data(as_text=True)
    assert "สร้างส่วนราชการใหม่ “หน่วยงานตรวจสอบภายใน”" in html
    fields = form_fields(html, PREVIEW)
    assert fields["division_2"] == "new"
    done = client.post(f"/import/{token}", data={**fields, "confirm": "y"})
    assert done.status_code == 302
    assert sorted(db.session.scalars(sa.select(Division.name))) == sorted(
        ["สำนักปลัด", "กองคลัง", "หน่วยงานตรวจสอบภายใน"]
    )
    listing = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "สร้างส่วนราชการใหม่แล้ว: หน่วยงานตรวจสอบภายใน" in listing


def test_steps_without_a_readable_period_ask_for_due_dates(client, admin_in, make_report, make_measure_row):
    rows = [make_measure_row(n, period="ตามความเหมาะสม" if n == 4 else "ปีงบประมาณ 2569")
            for n in INDICATOR_NAMES]
    token = token_of(upload(client, make_report(measure_rows=rows).encode()))
    html = client.get(f"/import/{token}").get_data(as_text=True)
    assert "อ่านระยะเวลา “ตามความเหมาะสม” ไม่ได้" in html
    assert re.search(r'id="due_3_0-error"[^>]*>กรุณากำหนดวันกำหนดเสร็จของขั้นตอนนี้<', html)
    assert '<a class="alert-link" href="#due_3_1">' in html  # listed at the top, linked to the field
    fields = form_fields(html, PREVIEW)
    assert (fields["due_3_0"], fields["due_3_1"]) == ("", "")

    refused = client.post(f"/import/{token}", data={**fields, "confirm": "y"})
    assert refused.status_code == 400
    assert "กรุณากรอกวันกำหนดเสร็จ" in refused.get_data(as_text=True)
    assert nothing_saved()

    done = client.post(f"/import/{token}", data={**fields, "due_3_0": "31/3/69", "due_3_1": "๓๐/๐๙/๒๕๖๙",
                                                  "confirm": "y"})
    assert done.status_code == 302
    fourth = db.session.scalars(sa.select(Measure).where(Measure.indicator_number == 4)).one()
    assert [s.due_date for s in fourth.steps] == [date(2026, 3, 31), date(2026, 9, 30)]


def test_another_organizations_admin_cannot_open_or_confirm(client, make_importing_org, sign_in, seed_bytes,
                                                             imports_dir):
    owner, other = make_importing_org(), make_importing_org()
    sign_in(owner.admin)
    token = token_of(upload(client, seed_bytes))
    fields = {**form_fields(client.get(f"/import/{token}").get_data(as_text=True), PREVIEW), "confirm": "y"}
    client.post("/logout")

    sign_in(other.admin)
    assert client.get(f"/import/{token}").status_code == 404
    assert client.post(f"/import/{token}", data=fields).status_code == 404
    assert client.post(f"/import/{token}/cancel").status_code == 404
    assert nothing_saved()
    assert (imports_dir / f"{token}.json").exists()


def test_another_admin_of_the_same_organization_cannot_confirm(client, make_importing_org, make_user, sign_in,
                                                               seed_bytes):
    owner = make_importing_org()
    sign_in(owner.admin)
    token = token_of(upload(client, seed_bytes))
    fields = {**form_fields(client.get(f"/import/{token}").get_data(as_text=True), PREVIEW), "confirm": "y"}
    client.post("/logout")
    sign_in(make_user(owner.org, Role.ADMIN))
    assert client.post(f"/import/{token}", data=fields).status_code == 404
    assert nothing_saved()


def test_an_expired_import_is_gone(client, admin_in, seed_bytes, app, monkeypatch, imports_dir):
    token = token_of(upload(client, seed_bytes))
    monkeypatch.setitem(app.config, "IMPORT_PENDING_HOURS", 0)
    answer = client.get(f"/import/{token}")
    assert answer.status_code == 404
    assert "กรุณาอัปโหลดรายงานใหม่" in answer.get_data(as_text=True)
    assert not (imports_dir / f"{token}.json").exists()


def test_cancelling_forgets_the_upload(client, admin_in, seed_bytes, imports_dir):
    token = token_of(upload(client, seed_bytes))
    answer = client.post(f"/import/{token}/cancel")
    assert answer.headers["Location"] == "/import/"
    assert not (imports_dir / f"{token}.json").exists()
    assert nothing_saved()


def _random_text_mb(megabytes: int) -> bytes:
    return os.urandom(megabytes * 1024 * 1024 // 2).hex().encode()


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "report.txt", "report.txt:</span> ไฟล์ว่างเปล่า ไม่มีข้อมูล"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.pdf", "ไฟล์นี้เป็นไฟล์ PDF กรุณาอัปโหลดรายงานเป็นไฟล์ Word (.docx)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "scan.docx", "ไฟล์นี้เป็นรูปภาพ PNG ไม่ใช่รายงาน"),
        ("memo", "memo.txt", "เอกสารนี้ไม่ใช่รายงานผลการประเมิน ITA"),
        ("no measures table", "report.txt", "ไม่พบตารางมาตรการ (ตารางที่มีคอลัมน์ ตัวชี้วัด, โครงการ/กิจกรรม"),
        ("unknown columns", "report.txt", "ไม่สามารถระบุคอลัมน์ของตารางมาตรการได้ ไม่พบคอลัมน์ ขั้นตอน, ระยะเวลา, ผู้รับผิดชอบ"),
        ("20 MB", "big.txt", "ไฟล์มีขนาด 20.0 MB เกินขนาดที่รับได้ 10.0 MB"),
    ],
)
def test_bad_input_gets_a_clear_thai_message_and_saves_nothing(client, admin_in, make_report, imports_dir,
                                                                content, filename, message):
    if content == "memo":
        content = "# บันทึกข้อความ\n\nเรื่อง ขออนุมัติจัดซื้อวัสดุ\nลำดับ\tรายการ\n1\tกระดาษ\n".encode()
    elif content == "no measures table":
        content = make_report(measures_header=None, measure_rows=[]).encode()
    elif content == "unknown columns":
        content = make_report(measures_header="ตัวชี้วัด\tกิจกรรม\tงบประมาณ\tหมายเหตุ").encode()
    elif content == "20 MB":
        content = _random_text_mb(20)
    answer = upload(client, content, filename)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "ไม่สามารถนำเข้ารายงานนี้ได้" in html
    assert message in html
    assert nothing_saved()
    assert not imports_dir.exists() or not list(imports_dir.iterdir())


def test_nothing_chosen_asks_for_a_file_or_text(client, admin_in):
    answer = client.post("/import/", data={"text": "   "})
    assert answer.status_code == 400
    assert "กรุณาเลือกไฟล์รายงาน หรือวางข้อความของรายงานในช่องด้านล่าง" in answer.get_data(as_text=True)


def test_english_speaking_admins_read_the_findings_in_english(client, make_importing_org, sign_in, seed_bytes):
    target = make_importing_org()
    target.admin.locale = "en"
    db.session.commit()
    sign_in(target.admin)
    html = client.get(f"/import/{token_of(upload(client, seed_bytes))}").get_data(as_text=True)
    assert "line 18:" in html
    assert "The organization is also written “องค์การบริหารส่วนตำบลเมืองเพ็ญ” (line 18, line 27)" in html


# --- importing a year again ------------------------------------------------------


@pytest.fixture
def imported_before(admin_in, make_report, make_progress):
    """The small report imported once, with progress on measure 1's second step."""
    import_report(admin_in.org, parse_text(make_report()), actor=admin_in.admin)
    db.session.commit()
    step = db.session.scalars(
        sa.select(Step).join(Measure).where(Measure.indicator_number == 1, Step.position == 2)
    ).one()
    make_progress(step, admin_in.admin, 40)
    return step


def test_replacing_a_year_warns_and_needs_both_confirmations(client, admin_in, imported_before, make_report,
                                                             make_measure_row):
    reported_id = imported_before.id
    rows = [make_measure_row(n, steps="1. จัดทำแผน" if n == 1 else "1. จัดทำแผน 2. รายงานผล")
            for n in INDICATOR_NAMES]
    token = token_of(upload(client, make_report(measure_rows=rows).encode()))
    html = client.get(f"/import/{token}").get_data(as_text=True)
    assert "ปีนี้เคยนำเข้าแล้ว" in html
    assert "ตัวชี้วัดที่ 1 ขั้นตอนที่ 2: รายงานผล (รายงานผลแล้ว 1 ครั้ง)" in html
    assert "ลบขั้นตอนที่มีการรายงานผลแล้ว 1 ขั้นตอน" in html
    fields = {**form_fields(html, PREVIEW), "confirm": "y"}
    assert "replace" not in fields and "remove_reported" not in fields  # unticked

    refused = client.post(f"/import/{token}", data=fields)
    assert refused.status_code == 400
    assert re.search(r'id="replace-error"[^>]*>รายงาน ITA ปีงบประมาณ พ.ศ. 2568 ได้นำเข้าไว้แล้ว', refused.get_data(as_text=True))

    refused = client.post(f"/import/{token}", data={**fields, "replace": "y"})
    assert refused.status_code == 400
    assert re.search(r'id="remove_reported-error"[^>]*>มี 1 ขั้นตอนที่รายงานผลแล้วแต่ไม่อยู่ในรายงานนี้',
                     refused.get_data(as_text=True))
    assert db.session.get(Step, reported_id) is not None

    done = client.post(f"/import/{token}", data={**fields, "replace": "y", "remove_reported": "y"})
    assert done.status_code == 302
    assert db.session.get(Step, reported_id) is None
    assert count(Assessment) == 1 and count(Step) == 19


def test_another_organizations_assessment_page_is_not_found(client, admin_in, make_importing_org, make_assessment):
    other = make_importing_org()
    assessment = make_assessment(other.org)
    assert client.get(f"/import/done/{assessment.id}").status_code == 404


def test_the_preview_form_is_protected_against_forged_requests(client, admin_in, seed_bytes, app, monkeypatch):
    token = token_of(upload(client, seed_bytes))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    fields = {**form_fields(client.get(f"/import/{token}").get_data(as_text=True), PREVIEW), "confirm": "y"}
    assert fields["csrf_token"]
    forged = {name: value for name, value in fields.items() if name != "csrf_token"}
    assert client.post(f"/import/{token}", data=forged).status_code == 400
    assert nothing_saved()
    assert client.post(f"/import/{token}", data=fields).status_code == 302
    assert count(Measure) == 10
