"""The one owner of a web request's transaction: commit once when the view succeeded, else roll back.

Views never commit or roll back. After the view returns, the owner decides:

- a POST (any unsafe method) whose response is below 400, and in which no
  `DomainError` was raised, is committed once; then the work queued with
  `after_commit(...)` runs (deliver a queued e-mail, delete a file), in order;
- a POST answered with 400 or more (a form shown again with its errors, a
  conflict), or in which a `DomainError` was raised (even one the view caught
  to flash it and redirect), or that raised any exception, is rolled back and
  its after-commit work is dropped;
- rows a view marks with `keep_if_refused(Model)` (a failed sign-in attempt,
  which the throttle must count although the form answers 400) are written
  again in a transaction of their own after such a rollback;
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
from functools import partial

from flask import Flask, Response, current_app, g, request

from ..audit.services import take_recorded_events
from ..errors import forget_raised, last_raised
from ..extensions import db

log = logging.getLogger("tracker.web.transaction")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def after_commit(work: Callable[[], object], *, once_answered: bool = False) -> None:
    """Run `work` once this request's transaction has committed (never if it rolls back).

    With `once_answered`, it runs only after the answer has gone out to the
    browser, in an application context and a transaction of its own (committed
    if it succeeds): for work the person need not wait for, or whose duration
    must not show in the page's timing (a password reset link, an account e-mail).
    """
    g.setdefault("after_answer" if once_answered else "after_commit", []).append(work)


def keep_if_refused(model: type) -> None:
    """Save the `model` rows this request has added so far even if the request is refused."""
    from sqlalchemy import inspect

    kept = g.setdefault("kept_rows", [])
    for row in db.session.new:
        if isinstance(row, model):
            columns = inspect(model).column_attrs
            kept.append((model, {c.key: getattr(row, c.key) for c in columns if getattr(row, c.key) is not None}))


def redo_if_refused(work: Callable[[], object]) -> None:
    """Run `work` in a transaction of its own if this request is refused (rolled back):
    for a change that must count even then, on rows that already exist (a wrong code's counter)."""
    g.setdefault("redo_if_refused", []).append(work)


def will_commit(response: Response) -> bool:
    """Whether the owner commits this request's transaction, given the view's response."""
    return request.method not in SAFE_METHODS and response.status_code < 400 and last_raised() is None


def _start() -> None:
    forget_raised()
    g.after_commit = []
    g.after_answer = []
    g.kept_rows = []


def _finish(response: Response) -> Response:
    work = g.pop("after_commit", [])
    later = g.pop("after_answer", [])
    kept = g.pop("kept_rows", [])
    redo = g.pop("redo_if_refused", [])
    if will_commit(response):
        db.session.commit()
        if later:
            response.call_on_close(partial(_run_answered, current_app._get_current_object(), later,
                                           f"{request.method} {request.path}"))
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
    if kept:
        db.session.add_all(model(**values) for model, values in kept)
        db.session.commit()
    for each in redo:
        each()
        db.session.commit()
    return response


def _run_answered(app: Flask, works: list[Callable[[], object]], what: str) -> None:
    with app.app_context():
        for each in works:
            try:
                each()
                db.session.commit()
            except Exception:  # the answer has gone: report; an e-mail stays in the outbox for the sender
                db.session.rollback()
                log.exception("Work after the answer to %s failed", what)


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
    g.pop("after_answer", None)
    g.pop("kept_rows", None)
    g.pop("redo_if_refused", None)


def init_app(app: Flask) -> None:
    app.before_request(_start)
    # Registered before the other after_request handlers, so it runs last
    # (Flask runs them in reverse order) and sees the final status.
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    app.teardown_request(_end)
