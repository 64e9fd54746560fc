"""The audit log names every recorded action, and the records and details it concerns, in the reader's words."""
import ast
from pathlib import Path

from tracker.audit.services import record
from tracker.extensions import db
from tracker.labels import AUDIT_ACTION_LABELS
from tracker.models import Role

TRACKER = Path(__file__).resolve().parents[2] / "tracker"


def recorded_actions() -> set[str]:
    """The actions passed to `record(...)` or `record_security_event(...)` anywhere in the
    application (literals, or `a if x else b`)."""
    positions = {"record": 2, "record_security_event": 1}
    actions = set()
    for path in TRACKER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            position = positions.get(getattr(node.func, "id", None))
            if position is None or len(node.args) <= position:
                continue
            action = node.args[position]
            for value in (action.body, action.orelse) if isinstance(action, ast.IfExp) else (action,):
                assert isinstance(value, ast.Constant), f"{path}:{node.lineno}: action is not a literal"
                actions.add(value.value)
    return actions


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    assert {"step.progress", "report.export", "calendar.revoke", "auth.login", "user.password"} <= actions  # found
    assert sorted(actions - AUDIT_ACTION_LABELS.keys()) == []


def test_the_log_shows_other_domains_events_in_thai(make_org, make_user, sign_in, client):
    org = make_org()
    admin = make_user(org, Role.ADMIN)
    sign_in(admin)
    record(org.id, admin, "report.export", org, format="docx", fiscal_year=2569, as_of="2026-03-16",
           thai_digits=True)
    record(org.id, admin, "reminders.settings", org, enabled=False, digest_weekday=4, send_time="07:30")
    db.session.commit()
    body = client.get("/admin/audit").get_data(as_text=True)
    assert "จัดทำรายงานผลการดำเนินการ" in body and ">report.export<" not in body
    assert "เปลี่ยนหลักเกณฑ์การแจ้งเตือน" in body and ">reminders.settings<" not in body
    assert "ใช้เลขไทยทั้งฉบับ (๑ ๒ ๓):</span> ใช่" in body
    assert "ส่งอีเมลแจ้งเตือน:</span> ไม่ใช่" in body
    assert "วันศุกร์" in body and "16 มีนาคม 2569" in body


def test_records_that_an_event_removed_are_not_linked(make_org, make_user, make_measure, sign_in, client):
    org = make_org()
    admin = make_user(org, Role.ADMIN)
    measure = make_measure(org, steps=["จัดทำมาตรการ", "เผยแพร่มาตรการ"])
    kept, removed = measure.steps
    record(org.id, admin, "step.update", kept, changes={"text": ["ก", "ข"]})
    # A re-import deletes a step that had progress: the event names it, its page is gone.
    record(org.id, None, "step.delete", removed, text=removed.text, progress_updates=2, reason="import.replace")
    db.session.commit()
    sign_in(admin)
    body = client.get("/admin/audit").get_data(as_text=True)
    assert f'href="/steps/{kept.id}"' in body
    assert f'href="/steps/{removed.id}"' not in body and f"#{removed.id}" in body
