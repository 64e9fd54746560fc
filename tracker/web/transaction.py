"""The one owner of a web request's transaction: commit once when the view succeeded, else roll back.

Views never commit or roll back. After the view returns, the owner decides:

- a POST (any unsafe method) whose response is below 400, and in which no
  `DomainError` was raised, is committed once; then the work queued with
  `after_commit(...)` runs (deliver a queued e-mail, delete a file), in order;
- a POST answered with 400 or more (a form shown again with its errors, a
  conflict), or in which a `DomainError` was raised (even one the view caught
  to flash it and redirect), or that raised any exception, is rolled back and
  its after-commit work is dropped;
- a GET never commits: whatever it changed is rolled back. The one thing a
  read may leave behind is its audit event (`tracker.audit.services.record`,
  as the report export does); the owner writes those, and only those, in a
  transaction of its own once the page succeeded.

So a view that ends with `db.session.commit()` simply drops that line, and
an `except DomainError:` branch drops its `db.session.rollback()`.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, g, request

from ..audit.services import take_recorded_events
from ..errors import forget_raised, last_raised
from ..extensions import db

log = logging.getLogger("tracker.web.transaction")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def after_commit(work: Callable[[], object]) -> None:
    """Run `work` once this request's transaction has committed (never if it rolls back)."""
    g.setdefault("after_commit", []).append(work)


def will_commit(response: Response) -> bool:
    """Whether the owner commits this request's transaction, given the view's response."""
    return request.method not in SAFE_METHODS and response.status_code < 400 and last_raised() is None


def _start() -> None:
    forget_raised()
    g.after_commit = []


def _finish(response: Response) -> Response:
    work = g.pop("after_commit", [])
    if will_commit(response):
        db.session.commit()
        for each in work:
            try:
                each()
            except Exception:  # the transaction is committed: report, and let the page answer
                log.exception("Work after the commit of %s %s failed", request.method, request.path)
        return response
    reads = [_columns(event) for event in take_recorded_events(db.session)]
    if request.method in SAFE_METHODS and (any(db.session.new) or any(db.session.dirty)):
        log.warning("%s %s changed data that a GET does not save", request.method, request.path)
    db.session.rollback()
    if request.method in SAFE_METHODS and response.status_code < 400 and reads:
        _record_reads(reads)
    return response


def _columns(event) -> dict:
    return dict(organization_id=event.organization_id, actor_id=event.actor_id, action=event.action,
                target_type=event.target_type, target_id=event.target_id, details=event.details)


def _record_reads(reads: list[dict]) -> None:
    from ..audit.models import AuditEvent

    db.session.add_all(AuditEvent(**values) for values in reads)
    db.session.commit()


def _end(error: BaseException | None) -> None:
    if error is not None:
        db.session.rollback()
    g.pop("after_commit", None)


def init_app(app: Flask) -> None:
    app.before_request(_start)
    # Registered before the other after_request handlers, so it runs last
    # (Flask runs them in reverse order) and sees the final status.
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    app.teardown_request(_end)
