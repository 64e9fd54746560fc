"""The step page: the progress form over HTTP, bad input, stale forms, evidence files and who sees what."""
import io
import re

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent, Evidence, ProgressUpdate, StepStatus

from .files import EXE, PDF
from tests.helpers import count, error_next_to

THAI = re.compile(r"[\u0e00-\u0e7f]")


def form(step, **overrides):
    data = {"percent": "60", "status": "in_progress", "note": "จัดทำร่างแผนแล้ว", "work_date": "15/03/2569",
            "blocked_reason": "", "base_version": str(step.version)}
    data.update(overrides)
    return data


def post(client, step, files=(), **overrides):
    data = form(step, **overrides)
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/steps/{step.id}/progress", data=data, content_type="multipart/form-data")


@pytest.fixture
def head_signed_in(office, client, sign_in, fixed_today):
    sign_in(office.head)
    return office


def test_the_head_records_progress_with_evidence(head_signed_in, client, evidence_files):
    office = head_signed_in
    step = office.late_step
    page = client.get(f"/steps/{step.id}").get_data(as_text=True)
    assert 'name="base_version"' in page and 'enctype="multipart/form-data"' in page
    response = post(client, step, files=[("รายงานการประชุม.pdf", PDF)], percent="100", status="done",
                    note="จัดทำแผนเสร็จ เสนอนายกฯ ลงนามแล้ว")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/steps/{step.id}#history")
    db.session.refresh(step)
    assert (step.percent, step.status) == (100, StepStatus.DONE)
    page = client.get(f"/steps/{step.id}").get_data(as_text=True)
    assert "จัดทำแผนเสร็จ เสนอนายกฯ ลงนามแล้ว" in page and "รายงานการประชุม.pdf" in page
    item = db.session.scalars(sa.select(Evidence)).one()
    assert len(evidence_files()) == 1

    download = client.get(f"/evidence/{item.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    assert "private" in download.headers["Cache-Control"]
    policy = download.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy  # no script runs from evidence
    forced = client.get(f"/evidence/{item.id}?download=1")
    assert forced.headers["Content-Disposition"].startswith("attachment;")


THIRTY_MB = 30 * 1024 * 1024


@pytest.mark.parametrize("overrides, files, field", [
    (dict(note=""), (), "note"),
    (dict(percent="120"), (), "percent"),
    (dict(percent="abc"), (), "percent"),
    (dict(), [("scan.pdf", PDF + b"0" * THIRTY_MB)], "files"),
    (dict(), [("report.pdf", EXE)], "files"),
    (dict(), [("../../x.pdf", PDF)], "files"),
    (dict(status="blocked"), (), "blocked_reason"),
    (dict(percent="100", status="in_progress"), (), "status"),
    (dict(work_date="31/12/2570"), (), "work_date"),
])
def test_bad_input_gets_a_thai_message_next_to_the_field_and_saves_nothing(
        head_signed_in, client, evidence_files, overrides, files, field):
    step = head_signed_in.late_step
    response = post(client, step, files=files, **overrides)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    message = error_next_to(body, field, marked_invalid=True)
    assert THAI.search(message), message
    assert count(ProgressUpdate) == 0 and count(Evidence) == 0 and count(AuditEvent) == 0
    assert evidence_files() == []
    # What the person typed is still there, to correct rather than retype.
    if field != "note":
        assert "จัดทำร่างแผนแล้ว" in body


def test_a_refused_form_asks_to_attach_the_files_again(head_signed_in, client, evidence_files):
    body = post(client, head_signed_in.late_step, files=[("a.pdf", PDF)], note="").get_data(as_text=True)
    assert 'id="reattach-files"' in body
    assert 'id="reattach-files"' not in post(client, head_signed_in.late_step, note="").get_data(as_text=True)
    assert evidence_files() == []


def test_all_errors_are_shown_together(head_signed_in, client):
    body = post(client, head_signed_in.late_step, note="", percent="abc",
                work_date="หนึ่ง").get_data(as_text=True)
    for field in ("note", "percent", "work_date"):
        error_next_to(body, field, marked_invalid=True)


def test_a_stale_form_shows_the_newer_update_and_keeps_the_text(head_signed_in, client, make_progress):
    office = head_signed_in
    step = office.late_step
    opened_version = step.version
    make_progress(step, office.staff, 30, note="เจ้าหน้าที่บันทึกก่อน")
    response = post(client, step, base_version=str(opened_version), note="ข้อความของหัวหน้า")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "เจ้าหน้าที่บันทึกก่อน" in body and office.staff.display_name in body
    assert "ข้อความของหัวหน้า" in body  # nothing the head typed is lost
    assert f'name="base_version" type="hidden" value="{step.version}"' in body
    assert [u.note for u in db.session.scalars(sa.select(ProgressUpdate))] == ["เจ้าหน้าที่บันทึกก่อน"]
    # Sending it again from the refreshed form works.
    assert post(client, step, base_version=str(step.version), note="ข้อความของหัวหน้า").status_code == 302


def test_readers_see_no_form_and_are_refused(office, client, sign_in, fixed_today):
    sign_in(office.finance_head)
    step = office.late_step
    page = client.get(f"/steps/{step.id}")
    assert page.status_code == 200
    assert "record_step_progress" not in page.get_data(as_text=True)
    assert 'name="note"' not in page.get_data(as_text=True)
    refused = post(client, step)
    assert refused.status_code == 403
    assert THAI.search(refused.get_data(as_text=True))
    assert count(ProgressUpdate) == 0


def test_executive_reads_everything(office, client, sign_in, fixed_today, make_progress):
    make_progress(office.late_step, office.head, 50, note="ดำเนินการไปครึ่งหนึ่ง")
    sign_in(office.executive)
    body = client.get(f"/steps/{office.late_step.id}").get_data(as_text=True)
    assert "ดำเนินการไปครึ่งหนึ่ง" in body and 'name="note"' not in body
    assert post(client, office.late_step).status_code == 403


def test_evidence_is_private_to_the_organization(head_signed_in, client, evidence_files, make_org, make_user, sign_in):
    post(client, head_signed_in.late_step, files=[("a.pdf", PDF)])
    item = db.session.scalars(sa.select(Evidence)).one()
    client.post("/logout")
    assert client.get(f"/evidence/{item.id}").status_code == 302  # to the sign-in page
    sign_in(make_user(make_org(), "admin"))
    assert client.get(f"/evidence/{item.id}").status_code == 404
    assert client.get(f"/steps/{head_signed_in.late_step.id}").status_code == 404


def test_office_documents_are_downloaded_not_shown(head_signed_in, client, evidence_files):
    from .files import DOCX

    post(client, head_signed_in.late_step, files=[("บันทึกข้อความ.docx", DOCX)])
    item = db.session.scalars(sa.select(Evidence)).one()
    response = client.get(f"/evidence/{item.id}")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_missing_file_is_not_found(head_signed_in, client, evidence_files):
    post(client, head_signed_in.late_step, files=[("a.pdf", PDF)])
    for path in evidence_files():
        path.unlink()
    item = db.session.scalars(sa.select(Evidence)).one()
    assert client.get(f"/evidence/{item.id}").status_code == 404


def test_a_form_without_its_version_is_refused_politely(head_signed_in, client):
    response = post(client, head_signed_in.late_step, base_version="")
    assert response.status_code == 400
    assert "โหลดหน้าใหม่" in response.get_data(as_text=True)
    assert count(ProgressUpdate) == 0


def test_csrf_is_required(app, head_signed_in, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert post(client, head_signed_in.late_step).status_code == 400
    assert count(ProgressUpdate) == 0


@pytest.mark.parametrize(("score", "badge"), [(84.99, "ต่ำกว่า 85 คะแนน: ต้องเร่งพัฒนา"), (85.0, "ผ่านเกณฑ์")])
def test_the_measure_page_marks_an_indicator_under_the_pass_mark(office, client, sign_in, fixed_today,
                                                                  make_assessment, score, badge):
    measure = office.measure
    make_assessment(office.org, measure.fiscal_year - 1, scores={measure.indicator_number: score})
    sign_in(office.executive)
    body = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert badge in body
