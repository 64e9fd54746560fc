"""Pages: the reminders a user was sent, their notification choice, and the administrator's page."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..auth.models import Role
from ..auth.permissions import admin_required
from ..errors import ValidationFailed, show_on_form
from ..extensions import db
from ..timeutil import utcnow
from ..web.routing import page_number
from ..web.transaction import after_commit
from . import lease, queries, services
from .health import long_failure
from .delivery import deliver_pending
from .messages import days_words
from .forms import NO_DIGEST, WEEKDAY_NAMES, ActionForm, PreferencesForm, ReminderSettingsForm
from .models import DeliveryStatus, NotificationKind
from .rules import format_days_before, format_send_time
from .mail_settings import ERROR_EXPLANATIONS, describe_delivery, mail_settings_problems

bp = Blueprint("reminders", __name__)

# The test e-mail is delivered while the administrator waits: give up on an
# unreachable server well before a web worker is killed (gunicorn's default is 30 s).
WEB_SMTP_TIMEOUT = 10

DELIVERY_LABELS = {
    DeliveryStatus.PENDING: _l("Waiting"),
    DeliveryStatus.SENDING: _l("Sending"),
    DeliveryStatus.SENT: _l("Sent"),
    DeliveryStatus.FAILED: _l("Failed"),
}
DELIVERY_COLOURS = {
    DeliveryStatus.PENDING: "warning",
    DeliveryStatus.SENDING: "info",
    DeliveryStatus.SENT: "success",
    DeliveryStatus.FAILED: "danger",
}
KIND_LABELS = {
    NotificationKind.REMINDER: _l("Daily reminder"),
    NotificationKind.DIGEST: _l("Weekly summary"),
    NotificationKind.TEST: _l("Test e-mail"),
    NotificationKind.INVITATION: _l("Invitation"),
    NotificationKind.PASSWORD_RESET: _l("Password reset link"),
    NotificationKind.SECURITY: _l("Account security notice"),
    NotificationKind.THREAD: _l("Instructions and answers"),
    NotificationKind.MAIL_ALERT: _l("Alert: e-mails failing"),
}
TRIGGER_LABELS = {
    "scheduler": _l("On schedule"),
    "catch-up": _l("Catch-up after a pause"),
    "cli": _l("Command line"),
}


@bp.get("/reminders/")
@login_required
def sent():
    page = db.paginate(queries.sent_to(current_user.id, current_user.organization_id), page=page_number(), per_page=20)
    return render_template(
        "reminders/sent.html",
        page=page,
        escalations_only=services.escalations_only(current_user),
        statuses=DeliveryStatus,
    )


@bp.route("/reminders/settings", methods=["GET", "POST"])
@login_required
def preferences():
    user = current_user._get_current_object()
    form = PreferencesForm()
    if form.validate_on_submit():
        services.update_preferences(user, user, escalations_only=not form.all_reminders.data)
        flash(_("Your notification settings have been saved."), "success")
        return redirect(url_for("reminders.preferences"))
    if not form.is_submitted():
        form.all_reminders.data = not services.escalations_only(user)
    return render_template(
        "reminders/preferences.html", form=form, rules=services.rules_for(user.organization_id)
    )


# --- administration ---------------------------------------------------------------------


def _settings_form() -> ReminderSettingsForm:
    rules = services.rules_for(current_user.organization_id)
    return ReminderSettingsForm(
        enabled=rules.enabled,
        days_before=format_days_before(rules.days_before),
        overdue_every=str(rules.overdue_every),
        escalate_from=str(rules.escalate_from),
        digest_weekday=NO_DIGEST if rules.digest_weekday is None else str(rules.digest_weekday),
        send_time=format_send_time(rules.send_time),
    )


def _admin_page(settings_form: ReminderSettingsForm, status: int = 200):
    org_id = current_user.organization_id
    config = current_app.config
    runs = queries.recent_runs(org_id)
    return render_template(
        "reminders/admin.html",
        settings_form=settings_form,
        action_form=ActionForm(),
        runs=runs,
        delivery=queries.delivery_by_run_date(org_id, [r.run_date for r in runs]),
        counts=queries.status_counts(org_id),
        waiting=queries.waiting_messages(org_id),
        latest_problem=queries.latest_problem(org_id),
        explanations=ERROR_EXPLANATIONS,
        mail_problems=mail_settings_problems(config),
        delivery_description=describe_delivery(config),
        scheduler_lease=lease.current(),
        now=utcnow(),
        statuses=DeliveryStatus,
    ), status


@bp.get("/admin/reminders")
@admin_required
def admin():
    return _admin_page(_settings_form())


@bp.post("/admin/reminders/settings")
@admin_required
def save_settings():
    form = ReminderSettingsForm()
    if form.validate_on_submit():  # the CSRF token: the service checks the values, all at once
        try:
            services.update_settings(
                current_user.organization,
                current_user._get_current_object(),
                enabled=form.enabled.data,
                days_before=form.days_before.data or "",
                overdue_every=form.overdue_every.data,
                escalate_from=form.escalate_from.data,
                digest_weekday=form.digest_weekday.data,
                send_time=form.send_time.data,
            )
        except ValidationFailed as error:
            show_on_form(form, error)
        else:
            flash(_("The reminder settings have been saved."), "success")
            return redirect(url_for("reminders.admin"))
    return _admin_page(form, 400)


@bp.post("/admin/reminders/retry")
@admin_required
def retry():
    """Queue the waiting and failed e-mails and wake the scheduler's sender; no SMTP here."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("reminders.admin"))
    queued = services.queue_retry(current_user._get_current_object())
    if not queued:
        flash(_("No e-mail was waiting to be sent."), "info")
        return redirect(url_for("reminders.admin"))
    now = utcnow()
    lease.wake_sender(current_user.email, now)
    scheduler = lease.current()
    if scheduler is None or scheduler.expires_at < now:
        flash(_("%(count)d e-mails will be sent again, but the reminder scheduler is not running: "
                "they leave as soon as it starts.", count=queued), "warning")
    else:
        flash(_("%(count)d e-mails will be sent again within %(seconds)d seconds; refresh this page to see them "
                "leave.", count=queued, seconds=lease.heartbeat_seconds(current_app.config) * 2), "success")
    return redirect(url_for("reminders.admin"))


@bp.post("/admin/reminders/test")
@admin_required
def send_test():
    """Queue a test e-mail to the administrator and, once it is committed, hand it to the mail server."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("reminders.admin"))
    notification = services.queue_test_email(current_user._get_current_object(), utcnow())
    after_commit(partial(_send_test_now, notification.id, current_user.organization_id, current_user.email))
    return redirect(url_for("reminders.admin"))


def _send_test_now(notification_id: int, organization_id: int, email: str) -> None:
    # The one delivery a page makes itself: the administrator waits for its answer, at most WEB_SMTP_TIMEOUT.
    report = deliver_pending(ids=[notification_id], organization_id=organization_id, timeout=WEB_SMTP_TIMEOUT)
    if report.first_problem:
        flash(_("The test e-mail could not be sent: %(reason)s It stays in the outbox and will be tried again.",
                reason=ERROR_EXPLANATIONS[report.first_problem.kind]), "danger")
    elif not current_app.config.get("MAIL_SERVER"):
        flash(_("No mail server is set: the test e-mail was written as a file to the outbox folder."), "warning")
    else:
        flash(_("A test e-mail was sent to %(email)s.", email=email), "success")


@bp.context_processor
def reminder_labels():
    return {
        "delivery_label": lambda status: str(DELIVERY_LABELS.get(status, status)),
        "delivery_colour": lambda status: DELIVERY_COLOURS.get(status, "secondary"),
        "kind_label": lambda kind: str(KIND_LABELS.get(kind, kind)),
        "trigger_label": lambda trigger: str(TRIGGER_LABELS.get(trigger, trigger)),
        "days_words": days_words,
        "weekday_names": WEEKDAY_NAMES,
    }


def mail_banner() -> dict:
    """For administrators' pages: since when e-mails have been failing, if for too long."""

    def failing_since():
        if not (current_user.is_authenticated and current_user.role == Role.ADMIN):
            return None
        return long_failure(current_user.organization_id, utcnow())

    return {"mail_failing_since": failing_since}
