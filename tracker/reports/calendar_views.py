"""My calendar: secret feed addresses, and the feeds themselves."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import feeds, wording
from .forms import FeedForm, ToggleForm
from .models import FeedScope

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.get("/")
@login_required
def mine():
    active = feeds.active_feeds(current_user)
    return render_template(
        "reports/calendar.html",
        scopes=feeds.scopes_for(current_user),
        active=active,
        links={scope: feeds.subscribe_links(feed) for scope, feed in active.items()},
        has_divisions=bool(current_user.division_ids),
        form=FeedForm(),
        revoke_form=ToggleForm(value="1"),
        FeedScope=FeedScope,
        done_mark=wording.DONE_MARK,
    )


@bp.post("/feeds")
@login_required
def create():
    form = FeedForm()
    if form.validate_on_submit():
        regenerated = FeedScope(form.scope.data) in feeds.active_feeds(current_user)
        feeds.create_feed(current_user, form.scope.data)
        flash(
            _("A new calendar address was made; the previous one no longer works.")
            if regenerated
            else _("Your calendar address is ready. Copy it into your calendar application."),
            "success",
        )
    return redirect(url_for(".mine"))


@bp.post("/feeds/<int:feed_id>/revoke")
@login_required
def revoke(feed_id: int):
    if ToggleForm().validate_on_submit():
        feeds.revoke_feed(current_user, feed_id)
        flash(_("The calendar address was cancelled; calendars that use it will stop updating."), "success")
    return redirect(url_for(".mine"))


@bp.get("/<token>.ics")
def feed(token: str):
    """The feed, for calendar applications: no sign-in, the secret address is the key."""
    subscription = feeds.feed_for_token(token)
    if subscription is None:
        abort(404)
    response = Response(feeds.feed_calendar(subscription), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="ita-deadlines.ics"'
    response.cache_control.private = True
    response.cache_control.max_age = 900
    response.add_etag()
    return response.make_conditional(request)
