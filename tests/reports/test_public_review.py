"""The public page masks phones, IDs and titled names in notes and file names; notes can wait for an admin's review."""
import sqlalchemy as sa

from tests.helpers import actions as audit_actions
from tracker.extensions import db
from tracker.models import ApprovedNote, AuditEvent, ProgressUpdate
from tracker.reports import publishing
from tracker.reports.models import PublicPage

from .conftest import bangkok

PAGE = "/p/muangphia/2569"
NOTE = "ประสานนางสาวมาลี ศรีสุข โทร 081-234-5678 เลขบัตรผู้ร้อง 1-2345-67890-12-3 แล้ว"


def published_with_personal_data(report_org, make_progress, make_evidence):
    publishing.set_public_page(report_org.admin, report_org.org, True)
    update = make_progress(report_org.m1.steps[1], report_org.author, 60, note=NOTE, created_at=bangkok(2026, 4, 5, 9))
    make_evidence(update, "หนังสือนายสมปอง ดีใจ 0812345678.pdf", public=True)
    db.session.commit()
    return update


def test_phones_ids_and_titled_names_never_reach_the_public(client, report_org, make_progress, make_evidence):
    published_with_personal_data(report_org, make_progress, make_evidence)
    page = client.get(PAGE).get_data(as_text=True)
    for secret in ("081-234-5678", "0812345678", "1-2345-67890-12-3", "มาลี", "ศรีสุข", "สมปอง", "ดีใจ"):
        assert secret not in page
    assert "ประสาน[ชื่อบุคคล] โทร [หมายเลขโทรศัพท์] เลขบัตรผู้ร้อง [เลขประจำตัวประชาชน] แล้ว" in page
    assert "หนังสือ[ชื่อบุคคล] [หมายเลขโทรศัพท์].pdf" in page


def test_a_public_file_downloads_under_its_masked_name(client, report_org, make_progress, make_evidence):
    update = published_with_personal_data(report_org, make_progress, make_evidence)
    from tracker.measures.models import Evidence

    evidence = db.session.scalars(sa.select(Evidence).where(Evidence.update_id == update.id)).one()
    response = client.get(f"/p/muangphia/files/{evidence.id}/x.pdf")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "0812345678" not in disposition and "%E0%B8%AA%E0%B8%A1%E0%B8%9B%E0%B8%AD%E0%B8%87" not in disposition


def test_with_review_on_a_note_waits_for_an_admin(client, sign_in, report_org, make_progress, make_evidence):
    update = published_with_personal_data(report_org, make_progress, make_evidence)
    sign_in(report_org.admin)
    response = client.post("/reports/public/", data={"enabled": "y", "review_notes": "y"})
    assert response.status_code == 302
    assert db.session.get(PublicPage, report_org.org.id).review_notes
    client.post("/logout")
    page = client.get(PAGE).get_data(as_text=True)
    assert "เลขบัตรผู้ร้อง" not in page and "จัดทำคู่มือแล้วเสร็จ" not in page  # no note before a review

    sign_in(report_org.admin)
    queue = client.get("/reports/public/?waiting=1").get_data(as_text=True)
    assert "data-review-queue" in queue
    assert f"/reports/public/notes/{update.id}/approve" in queue
    assert "เลขบัตรผู้ร้อง [เลขประจำตัวประชาชน]" in queue  # what the public would read
    assert client.post(f"/reports/public/notes/{update.id}/approve", data={"value": "1"}).status_code == 302
    client.post("/logout")
    page = client.get(PAGE).get_data(as_text=True)
    assert "เลขบัตรผู้ร้อง [เลขประจำตัวประชาชน]" in page
    assert "จัดทำคู่มือแล้วเสร็จ" not in page  # the other step's note still waits
    assert db.session.get(ApprovedNote, update.id).approved_by_id == report_org.admin.id
    actions = audit_actions()  # sign-ins and sign-outs left out
    assert "public_page.review_on" in actions and actions[-1] == "public_page.note_approved"

    # A newer update of the same step waits again.
    newer = make_progress(report_org.m1.steps[1], report_org.author, 70, note="ติดประกาศครบแล้ว",
                          created_at=bangkok(2026, 4, 6, 9))
    assert "ติดประกาศครบแล้ว" not in client.get(PAGE).get_data(as_text=True)
    assert db.session.get(ProgressUpdate, newer.id) is not None


def test_without_review_notes_are_published_as_before(client, report_org, make_progress, make_evidence):
    published_with_personal_data(report_org, make_progress, make_evidence)
    assert "เลขบัตรผู้ร้อง [เลขประจำตัวประชาชน]" in client.get(PAGE).get_data(as_text=True)


def test_another_organizations_note_cannot_be_approved(client, sign_in, report_org, make_progress, make_evidence, make_org, make_user):
    from tracker.models import Role

    update = published_with_personal_data(report_org, make_progress, make_evidence)
    other_admin = make_user(make_org(), Role.ADMIN)
    sign_in(other_admin)
    assert client.post(f"/reports/public/notes/{update.id}/approve", data={"value": "1"}).status_code == 404
    assert db.session.get(ApprovedNote, update.id) is None
