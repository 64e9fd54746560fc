"""`flask reminders run | send-pending`: for cron users and for checking by hand."""
import sqlalchemy as sa

from tracker.extensions import db
from tracker.reminders.models import DeliveryStatus, Notification, ReminderRun

from .conftest import EXPECTED_TUESDAY
from tests.helpers import count


def run(app, *args):
    return app.test_cli_runner().invoke(args=["reminders", *args])


def test_dry_run_prints_who_would_get_what_and_changes_nothing(app, office):
    result = run(app, "run", "--dry-run", "--date", "2026-03-17", "--org", "muangphia")
    assert result.exit_code == 0, result.output
    for address in EXPECTED_TUESDAY:
        assert address in result.output
    assert "inactive@example.org" not in result.output
    assert "head.palad@example.org [reminder] แจ้งเตือนมาตรการ ITA: เกินกำหนด 1 ขั้นตอน, ใกล้ครบกำหนด 1 ขั้นตอน" in result.output
    assert "indicator 9 step 3: 14 days late, executives notified" in result.output
    assert "deputy@example.org [reminder]" in result.output and "14 days late (escalation)" in result.output
    assert "Dry run: nothing was saved or sent." in result.output
    assert count(Notification) == 0 and count(ReminderRun) == 0


def test_run_decides_once_and_says_so(app, office):
    first = run(app, "run", "--date", "2026-03-17")
    assert first.exit_code == 0, first.output
    assert f"{len(EXPECTED_TUESDAY)} e-mail(s) created, 0 already in the outbox" in first.output
    second = run(app, "run", "--date", "2026-03-17", "--org", str(office.org.id))
    assert f"0 e-mail(s) created, {len(EXPECTED_TUESDAY)} already in the outbox" in second.output
    assert count(Notification) == len(EXPECTED_TUESDAY)
    assert [r.trigger for r in db.session.scalars(sa.select(ReminderRun))] == ["cli", "cli"]


def test_a_day_older_than_the_kept_emails_is_not_decided_again(app, office):
    app_days = app.config["NOTIFICATION_RETENTION_DAYS"]
    result = run(app, "run", "--date", "2024-01-02")
    assert result.exit_code == 1 and f"NOTIFICATION_RETENTION_DAYS = {app_days}" in result.output
    assert count(Notification) == 0 and count(ReminderRun) == 0
    assert run(app, "run", "--dry-run", "--date", "2024-01-02").exit_code == 0


def test_bad_input_is_refused(app, office):
    assert run(app, "run", "--date", "17/03/2569").exit_code == 2
    unknown = run(app, "run", "--org", "nosuch")
    assert unknown.exit_code == 1 and "nosuch" in unknown.output
    assert count(Notification) == 0


def test_send_pending_prints_what_was_sent_and_what_failed(app, office, smtp):
    assert run(app, "run", "--date", "2026-03-17").exit_code == 0
    smtp.stop()
    down = run(app, "send-pending")
    assert down.exit_code == 1
    assert f"Sent: 0, failed: {len(EXPECTED_TUESDAY)}" in down.output and "Connection refused" in down.output
    smtp.start()
    # The messages wait 5 minutes before the next try; --retry-now does not wait.
    assert "Sent: 0, failed: 0" in run(app, "send-pending").output
    back = run(app, "send-pending", "--retry-now")
    assert back.exit_code == 0 and f"Sent: {len(EXPECTED_TUESDAY)}, failed: 0" in back.output
    assert {n.status for n in db.session.scalars(sa.select(Notification))} == {DeliveryStatus.SENT}
    assert len(smtp.messages) == len(EXPECTED_TUESDAY)
