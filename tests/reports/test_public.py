"""The public progress page: off by default, no personal data, no private files, cacheable."""
from datetime import date

import pytest
import sqlalchemy as sa

from tracker.errors import PermissionDenied
from tracker.extensions import db
from tracker.measures.models import Evidence, HistoryIsAppendOnly, ProgressUpdate, Step
from tracker.models import AuditEvent, HiddenNote, Role
from tracker.measures import evidence
from tracker.reports import publishing

from .conftest import STEP_TEXTS, bangkok

PAGE = "/p/muangphia/2569"


@pytest.fixture
def published(report_org):
    publishing.set_public_page(report_org.admin, report_org.org, True)
    db.session.commit()
    return report_org


def test_the_page_is_not_found_until_an_admin_enables_it(client, sign_in, report_org):
    assert client.get(PAGE).status_code == 404
    assert client.get("/p/muangphia/").status_code == 404
    sign_in(report_org.admin)
    response = client.post("/reports/public/", data={"enabled": "y"})
    assert response.status_code == 302
    client.post("/logout")
    assert client.get(PAGE).status_code == 200
    assert f'href="{PAGE}"' in client.get("/p/muangphia/").get_data(as_text=True)
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("public_page.%"))).all()
    assert actions == ["public_page.enable"]


def test_unknown_organization_or_year_is_not_found(client, published):
    assert client.get("/p/nowhere/2569").status_code == 404
    assert client.get("/p/muangphia/2570").status_code == 404


def test_a_disabled_page_is_not_found_again(client, published):
    publishing.set_public_page(published.admin, published.org, False)
    db.session.commit()
    assert client.get(PAGE).status_code == 404
    assert client.get(f"/p/muangphia/files/{published.public_file.id}/x.pdf").status_code == 404


def test_measures_steps_status_and_progress_without_sign_in(client, published):
    page = client.get(PAGE).get_data(as_text=True)
    for text in STEP_TEXTS:
        assert text in page
    assert published.m1.title in page and published.m9.title in page
    assert "ติดปัญหาอุปสรรค" in page and "ดำเนินการแล้วเสร็จ" in page
    assert "จัดทำคู่มือแล้วเสร็จ" in page  # the latest note
    assert "ติดประกาศแล้ว 2 จุด" in page  # current, not as of a past date


def test_no_staff_names_or_email_addresses(client, published):
    page = client.get(PAGE).get_data(as_text=True)
    for user in (published.author, published.admin, published.staff):
        assert user.email not in page
        assert user.display_name not in page
    assert "สมชาย" not in page
    assert "@" not in page


def test_names_in_notes_are_masked(client, published, make_progress):
    make_progress(published.m1.steps[1], published.author, 60, note="ประสานนายสมชาย ใจดี และ สมชาย ใจดี ทาง somchai@muangphia.example แล้ว",
                  created_at=bangkok(2026, 4, 5, 9))
    page = client.get(PAGE).get_data(as_text=True)
    assert "ประสาน[ชื่อเจ้าหน้าที่] และ [ชื่อเจ้าหน้าที่] ทาง [อีเมล] แล้ว" in page


def test_only_files_marked_public_are_listed_and_served(client, published):
    page = client.get(PAGE).get_data(as_text=True)
    assert published.public_file.original_name in page
    assert published.private_file.original_name not in page
    assert "ภาพป้ายประกาศ.jpg" not in page
    public = client.get(f"/p/muangphia/files/{published.public_file.id}/{published.public_file.original_name}")
    assert public.status_code == 200 and public.data == b"%PDF-1.4 evidence"
    assert public.mimetype == "application/pdf"
    assert "public" in public.headers["Cache-Control"]
    private = client.get(f"/p/muangphia/files/{published.private_file.id}/{published.private_file.original_name}")
    assert private.status_code == 404


def test_an_admin_hides_a_note_and_makes_a_file_public(client, sign_in, published):
    done = db.session.scalars(
        sa.select(ProgressUpdate).where(ProgressUpdate.step_id == published.m1.steps[0].id).order_by(ProgressUpdate.id.desc())
    ).first()
    sign_in(published.admin)
    assert client.post(f"/reports/public/notes/{done.id}", data={"value": "1"}).status_code == 302
    assert client.post(f"/reports/public/files/{published.private_file.id}", data={"value": "1"}).status_code == 302
    client.post("/logout")
    page = client.get(PAGE).get_data(as_text=True)
    assert "จัดทำคู่มือแล้วเสร็จ" not in page
    assert published.private_file.original_name in page
    assert db.session.get(HiddenNote, done.id) is not None
    assert db.session.get(Evidence, published.private_file.id).is_public
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.not_like("auth.%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["public_page.note_hidden", "evidence.public"]


def test_admin_pages_list_notes_and_files(client, sign_in, published):
    sign_in(published.admin)
    settings = client.get("/reports/public/").get_data(as_text=True)
    assert "http://tracker.test/p/muangphia/2569" in settings
    assert "จัดทำคู่มือแล้วเสร็จ" in settings and "ซ่อน" in settings  # the notes as the public will read them
    files = client.get("/reports/public/files").get_data(as_text=True)
    for name in ("ร่างคู่มือ-ภายใน.pdf", "คู่มือการปฏิบัติงาน.pdf", "ภาพป้ายประกาศ.jpg"):
        assert name in files
    assert "17 B" in files  # sizes as the step page writes them: a small file is not "0.0 KB"


@pytest.mark.parametrize("role", [Role.STAFF, Role.DIVISION_HEAD, Role.EXECUTIVE])
def test_only_admins_decide_what_is_published(client, sign_in, published, make_user, role):
    sign_in(make_user(published.org, role))
    assert client.get("/reports/public/").status_code == 403
    assert client.post("/reports/public/", data={"enabled": ""}).status_code == 403
    assert client.post(f"/reports/public/files/{published.private_file.id}", data={"value": "1"}).status_code == 403
    assert not db.session.get(Evidence, published.private_file.id).is_public
    with pytest.raises(PermissionDenied):
        publishing.set_evidence_public(make_user(published.org, role), published.org, published.private_file.id, True)


def test_another_organizations_files_and_notes_are_not_found(client, sign_in, published, make_org, make_user):
    sign_in(make_user(make_org(), Role.ADMIN))
    assert client.post(f"/reports/public/files/{published.private_file.id}", data={"value": "1"}).status_code == 404
    update_id = db.session.scalars(sa.select(ProgressUpdate.id)).first()
    assert client.post(f"/reports/public/notes/{update_id}", data={"value": "1"}).status_code == 404
    assert not db.session.get(Evidence, published.private_file.id).is_public
    assert db.session.scalars(sa.select(HiddenNote)).all() == []


def test_cache_headers_and_conditional_requests(client, published):
    first = client.get(PAGE)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert "public" in first.headers["Cache-Control"] and "max-age=300" in first.headers["Cache-Control"]
    again = client.get(PAGE, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(PAGE, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(PAGE, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_new_progress_changes_the_validators(client, published, make_progress):
    etag = client.get(PAGE).headers["ETag"]
    make_progress(published.m9.steps[0], published.staff, 60, created_at=bangkok(2026, 4, 8, 9))
    response = client.get(PAGE, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_publishing_decisions_change_the_validators(client, published):
    etag = client.get(PAGE).headers["ETag"]
    publishing.set_evidence_public(published.admin, published.org, published.private_file.id, True)
    db.session.commit()
    assert client.get(PAGE, headers={"If-None-Match": etag}).status_code == 200


def test_a_steps_new_divisions_change_the_validators(client, published):
    """Assigning other divisions writes nothing in the step's own row; the page still changes."""
    from tracker.measures.editing import step_edit_values, update_step
    from tracker.concurrency import edit_token

    first = client.get(PAGE)
    step = published.m1.steps[1]
    finance = next(d for d in published.m9.steps[0].divisions if d.name == "กองคลัง")
    assert [d.name for d in step.divisions] == ["สำนักปลัด"]
    update_step(published.admin, step, text=step.text, due_date=step.due_date, division_ids=[finance.id],
                base_token=edit_token(step_edit_values(step)))
    db.session.commit()
    response = client.get(PAGE, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200 and response.headers["ETag"] != first.headers["ETag"]
    assert response.get_data(as_text=True) != first.get_data(as_text=True)


def test_validators_of_large_ids(client, published, make_measure):
    """The assignments' checksum multiplies ids: it must not overflow PostgreSQL's integer."""
    from tracker.models import Division

    division = Division(id=70_000, organization_id=published.org.id, name="กองใหญ่", position=99)
    db.session.add(division)
    db.session.flush()
    measure = make_measure(published.org, indicator=5, steps=[])
    db.session.add(Step(id=40_000, organization_id=published.org.id, measure_id=measure.id, position=1, text="ก",
                        due_date=date(2026, 9, 30), divisions=[division]))
    db.session.commit()
    assert client.get(PAGE).status_code == 200


def test_a_new_day_changes_the_validators(client, published, app, monkeypatch):
    """Which steps are late depends on the day: yesterday's page is not today's."""
    monkeypatch.setitem(app.config, "FIXED_TODAY", date(2026, 6, 30))
    first = client.get(PAGE)
    monkeypatch.setitem(app.config, "FIXED_TODAY", date(2026, 7, 1))  # m1's second step is late from today
    assert client.get(PAGE, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    assert client.get(PAGE).get_data(as_text=True) != first.get_data(as_text=True)


def test_an_unchanged_page_is_not_built_again(client, published, count_queries):
    """The page as published is kept (per process) under its validators: a visitor
    without them reads only what the validators need."""
    def used():
        with count_queries() as counter:
            response = client.get(PAGE)
        assert response.status_code == 200
        return counter.count, response.get_data(as_text=True)

    (built, page), (again, same) = used(), used()
    assert same == page and again < built and again <= 4
    publishing.set_note_hidden(published.admin, published.org, published.m9.steps[0].updates[0].id, True)
    db.session.commit()
    changed, other = used()
    assert changed == built and other != page


def test_the_page_takes_a_fixed_number_of_queries(client, published, make_measure, make_progress, count_queries):
    def used():
        with count_queries() as counter:
            assert client.get(PAGE).status_code == 200
        return counter.count

    def conditional():
        etag = client.get(PAGE).headers["ETag"]
        with count_queries() as counter:
            assert client.get(PAGE, headers={"If-None-Match": etag}).status_code == 304
        return counter.count

    small, small_304 = used(), conditional()
    for n in range(8):
        measure = make_measure(published.org, indicator=n + 1, steps=["ก", "ข"])
        make_progress(measure.steps[0], published.author, 50, created_at=bangkok(2026, 3, 2, 9))
    assert used() == small
    assert conditional() == small_304 <= 4


def test_publication_flag_is_the_only_change_evidence_allows(published):
    evidence = db.session.get(Evidence, published.private_file.id)
    evidence.is_public = True
    db.session.commit()
    evidence.original_name = "renamed.pdf"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_redaction_is_pure_text_work():
    names = publishing.name_variants(["นายสมชาย ใจดี", "Ann", "อ", ""])
    assert names == ["นายสมชาย ใจดี", "สมชาย ใจดี", "Ann"]
    assert publishing.redact("ส่ง ann@x.go.th ถึง ANN และ สมชาย  ใจดี", names) == "ส่ง [อีเมล] ถึง [ชื่อเจ้าหน้าที่] และ [ชื่อเจ้าหน้าที่]"


def test_no_note_or_files_outside_the_year(client, published, make_measure, make_progress):
    older = make_measure(published.org, fiscal_year=2568, start=date(2024, 10, 1), end=date(2025, 9, 30), steps=["งานปีก่อน"])
    make_progress(older.steps[0], published.author, 100, note="หมายเหตุปีก่อน", created_at=bangkok(2025, 5, 1, 9))
    page = client.get(PAGE).get_data(as_text=True)
    assert "งานปีก่อน" not in page and "หมายเหตุปีก่อน" not in page
    assert 'href="/p/muangphia/2568"' in page


def test_a_public_file_missing_from_the_disk_is_not_found(client, published, app):
    evidence.stored_path(app.instance_path, published.public_file.stored_name).unlink()
    response = client.get(f"/p/muangphia/files/{published.public_file.id}/{published.public_file.original_name}")
    assert response.status_code == 404


def test_a_withdrawn_entry_takes_its_file_off_the_public_page(client, published):
    from tracker.measures.withdrawal import withdraw_progress

    done = db.session.get(ProgressUpdate, published.public_file.update_id)
    withdraw_progress(published.admin, done, reason="แนบไฟล์ผิดขั้นตอน")
    db.session.commit()
    page = client.get(PAGE).get_data(as_text=True)
    assert published.public_file.original_name not in page
    served = client.get(f"/p/muangphia/files/{published.public_file.id}/{published.public_file.original_name}")
    assert served.status_code == 404
    # The step is back to the entry before it: 50%, in progress.
    step = published.m1.steps[0]
    db.session.refresh(step)
    assert (step.percent, step.status.value) == (50, "in_progress")
