"""The notifications page and opening a notice (which marks it read)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..web.routing import page_number
from . import services
from .models import Notice, NoticeKind

bp = Blueprint("inbox", __name__)

PAGE_SIZE = 50


def target_url(notice: Notice) -> str:
    if notice.instruction_id is not None:
        anchor = f"reply-{notice.reply_id}" if notice.reply_id else "instruction"
        return url_for("instructions.thread", instruction_id=notice.instruction_id, _anchor=anchor)
    if notice.step_id is not None:
        return url_for("measures.step_detail", step_id=notice.step_id)
    return url_for("inbox.notices")


@bp.route("/notifications")
@login_required
def notices():
    page = page_number()
    items = services.notices_of(current_user, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "inbox/notices.html",
        notices=items[:PAGE_SIZE],
        page=page,
        has_more=len(items) > PAGE_SIZE,
        kinds=NoticeKind,
    )


@bp.post("/notifications/<int:notice_id>")
@login_required
def open_notice(notice_id: int):
    notice = services.open_notice(current_user, notice_id)
    return redirect(target_url(notice))


@bp.post("/notifications/read")
@login_required
def read_all():
    services.mark_all_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("inbox.notices"))
