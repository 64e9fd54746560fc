"""Calendar feeds: secret addresses that calendars subscribe to, created and revoked by their owner."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..auth.models import Role, User
from ..errors import NotFound, PermissionDenied
from ..extensions import db
from ..ita import INDICATOR_NAMES, StepStatus
from ..measures.models import Measure, Step, step_divisions
from ..measures.queries import assigned_to
from ..orgs.models import Division
from ..timeutil import org_timezone, utcnow
from ..urls import external_url, external_urls
from . import wording
from .calendar_feed import FeedEvent, build_calendar
from .models import CalendarFeed, FeedScope

ORGANIZATION_ROLES = frozenset({Role.ADMIN, Role.EXECUTIVE})


def feed_token(nonce: str) -> str:
    """The secret in a feed's address: 32 bytes derived from the nonce and SECRET_KEY."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"calendar-feed:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scopes_for(user: User) -> list[FeedScope]:
    """The feeds a user may have: their divisions' deadlines, and the whole
    organization's for executives and admins."""
    scopes = [FeedScope.MINE]
    if user.role in ORGANIZATION_ROLES:
        scopes.append(FeedScope.ORGANIZATION)
    return scopes


def active_feeds(user: User) -> dict[FeedScope, CalendarFeed]:
    feeds = db.session.scalars(
        sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
    )
    return {feed.scope: feed for feed in feeds}


def create_feed(user: User, scope: FeedScope | str, *, now: datetime | None = None) -> CalendarFeed:
    """A new secret address for `scope`; the previous one of the same kind stops working."""
    scope = FeedScope(scope)
    if scope not in scopes_for(user):
        raise PermissionDenied(_l("Only executives and administrators can subscribe to the whole organization's deadlines."))
    now = now or utcnow()
    previous = active_feeds(user).get(scope)
    if previous is not None:
        previous.revoked_at = now
    nonce = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        organization_id=user.organization_id,
        user_id=user.id,
        scope=scope,
        nonce=nonce,
        token_hash=token_hash(feed_token(nonce)),
        created_at=now,
    )
    db.session.add(feed)
    db.session.flush()
    record(user.organization_id, user, "calendar.regenerate" if previous else "calendar.create", feed, scope=scope.value)
    db.session.flush()
    return feed


def revoke_feed(user: User, feed_id: int, *, now: datetime | None = None) -> CalendarFeed:
    """Stop a feed of the user's own; its address then answers 404."""
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None or feed.user_id != user.id:
        raise NotFound(_l("This calendar address does not exist."))
    if feed.revoked_at is None:
        feed.revoked_at = now or utcnow()
        record(user.organization_id, user, "calendar.revoke", feed, scope=feed.scope.value)
        db.session.flush()
    return feed


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed with this secret, if its owner is still active and still
    allowed it (an executive who became staff loses the organization feed)."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalars(
        sa.select(CalendarFeed)
        .where(CalendarFeed.token_hash == token_hash(token), CalendarFeed.revoked_at.is_(None))
        .options(joinedload(CalendarFeed.user).joinedload(User.organization))
    ).first()
    if feed is None or not feed.user.active or feed.scope not in scopes_for(feed.user):
        return None
    # The hash matched; compare the secret itself in constant time as well.
    if not hmac.compare_digest(feed_token(feed.nonce), token):
        return None
    return feed


def feed_url(feed: CalendarFeed) -> str:
    return external_url("calendar.feed", token=feed_token(feed.nonce))


def subscribe_links(feed: CalendarFeed) -> dict[str, str]:
    """The address itself, and links that open it in calendar applications."""
    url = feed_url(feed)
    webcal = "webcal://" + url.split("://", 1)[1]
    return {
        "url": url,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
    }


@dataclass
class FeedStep:
    """A step as its calendar event shows it."""

    id: int
    due_date: date
    number: int
    text: str
    status: StepStatus
    percent: int
    updated_at: datetime
    indicator_number: int
    measure_title: str
    divisions: list[str]


def feed_steps(organization_id: int, division_ids: Iterable[int] | None = None) -> list[FeedStep]:
    """The steps a feed shows (not those carried into the next year: their work, and
    their date, live in the next year's step), as columns in one query: the
    organization's, or those assigned to `division_ids`."""
    query = (
        sa.select(Step.id, Step.due_date, Step.position, Step.text, Step.status, Step.percent, Step.updated_at,
                  Measure.indicator_number, Measure.title, Division.name)
        .join(Measure, Measure.id == Step.measure_id)
        .outerjoin(step_divisions, step_divisions.c.step_id == Step.id)
        .outerjoin(Division, Division.id == step_divisions.c.division_id)
        .where(Step.organization_id == organization_id, Step.status != StepStatus.CARRIED)
        .order_by(Step.id, Division.position, Division.id)
    )
    if division_ids is not None:
        ids = list(division_ids)
        if not ids:
            return []
        query = query.where(assigned_to(ids))
    steps: dict[int, FeedStep] = {}
    for step_id, due, position, text, status, percent, updated_at, indicator, title, division in db.session.execute(query):
        step = steps.get(step_id)
        if step is None:
            step = steps[step_id] = FeedStep(step_id, due, position, text, status, percent, updated_at, indicator,
                                             title, [])
        if division is not None:
            step.divisions.append(division)
    return list(steps.values())


def feed_calendar(feed: CalendarFeed) -> bytes:
    """The .ics content of a feed (one query for the steps, and one for the divisions of a "mine" feed's owner)."""
    user = feed.user
    if feed.scope == FeedScope.ORGANIZATION:
        steps = feed_steps(feed.organization_id)
        name = f"ITA: {user.organization.name}"
        about = wording.FEED_ORGANIZATION_ABOUT
    else:
        steps = feed_steps(feed.organization_id, division_ids=user.division_ids)
        name = f"ITA: {wording.FEED_MINE_NAME}"
        about = wording.FEED_MINE_ABOUT
    host = external_url("main.home").split("://", 1)[1].split("/", 1)[0]
    urls = external_urls("measures.step_detail", ({"step_id": step.id} for step in steps))
    events = [
        FeedEvent(
            uid=f"ita-step-{step.id}@{host}",
            due=step.due_date,
            indicator_number=step.indicator_number,
            indicator_name=INDICATOR_NAMES.get(step.indicator_number, ""),
            measure_title=step.measure_title,
            step_number=step.number,
            step_text=step.text,
            divisions=tuple(step.divisions),
            status_text=wording.STEP_STATUS[step.status],
            percent=step.percent,
            done=step.status == StepStatus.DONE,
            url=url,
            changed_at=step.updated_at,
        )
        for step, url in zip(steps, urls)
    ]
    return build_calendar(name, about, events, timezone_name=org_timezone(user.organization))
