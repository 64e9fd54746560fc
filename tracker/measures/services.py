"""Recording progress on a step: append an update with its evidence, never rewrite history."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..auth.models import User
from ..input import parse_whole_number
from ..errors import Conflict, InvalidFields, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from . import evidence, rules
from .models import Evidence, ProgressUpdate, Step
from .policy import ensure_can_update_step


class InvalidProgress(InvalidFields):
    """One or more fields of a progress update break a rule."""


class StaleProgress(Conflict):
    """Someone recorded progress after the form was opened; `newer` holds their
    update(s), newest first, so the page can show what changed."""

    def __init__(self, newer: list[ProgressUpdate], current_version: int) -> None:
        super().__init__(
            _l("Someone else recorded progress on this step after you opened the form. "
               "Your update has not been saved: read theirs below, then send yours again (with its files) "
               "if it is still right.")
        )
        self.newer = newer
        self.current_version = current_version


def _version(value: object) -> int | None:
    return parse_whole_number(value)


def updates_after(step: Step, version: int) -> list[ProgressUpdate]:
    """The step's updates made after `version`, newest first, with author and files."""
    return list(
        db.session.scalars(
            sa.select(ProgressUpdate)
            .where(ProgressUpdate.step_id == step.id, ProgressUpdate.step_version > version)
            .options(selectinload(ProgressUpdate.author), selectinload(ProgressUpdate.evidence))
            .order_by(ProgressUpdate.id.desc())
        )
    )


def record_progress(
    user: User,
    step: Step,
    *,
    percent: object,
    status: object,
    note: object,
    work_date: object,
    files: Iterable[evidence.Upload] = (),
    base_version: object,
    today: date,
    blocked_reason: object = None,
    now: datetime | None = None,
) -> ProgressUpdate:
    """Append a progress update to `step` as `user`, recorded at `now`
    (the current time unless a caller such as the demo replays history).

    `base_version` is the step version the form was built from: if someone
    updated the step since, nothing is saved and `StaleProgress` says who.
    Input that breaks a rule raises `InvalidProgress` with a message per
    field, and nothing is saved (no row, no file).
    """
    ensure_can_update_step(user, step)
    config = current_app.config
    cleaned, errors = rules.check_progress_input(
        percent=percent,
        status=status,
        note=note,
        work_date=work_date,
        blocked_reason=blocked_reason,
        today=today,
        earliest=rules.earliest_work_date(step.measure.start_date),
    )
    accepted, file_errors = evidence.check_uploads(
        files, max_bytes=config["EVIDENCE_MAX_BYTES"], max_files=config["EVIDENCE_MAX_FILES"]
    )
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise InvalidProgress(errors)
    assert cleaned is not None

    version = _version(base_version)
    if version is None:
        raise ValidationFailed(_l("The form is incomplete; please reload the page and try again."))
    if version != step.version:
        raise StaleProgress(updates_after(step, version), step.version)
    # Compare-and-set: of two people sending at the same moment, one wins and
    # the other is told, even when both read the same version.
    changed = db.session.execute(
        sa.update(Step)
        .where(Step.id == step.id, Step.version == version)
        .values(
            percent=cleaned.percent,
            status=cleaned.status,
            version=version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session="evaluate")
    )
    if changed.rowcount != 1:
        db.session.refresh(step)
        raise StaleProgress(updates_after(step, version), step.version)

    update = ProgressUpdate(
        step_id=step.id,
        author_id=user.id,
        work_date=cleaned.work_date,
        percent=cleaned.percent,
        status=cleaned.status,
        note=cleaned.note,
        blocked_reason=cleaned.blocked_reason,
        step_version=version + 1,
        created_at=now or utcnow(),
    )
    db.session.add(update)
    db.session.flush()
    for upload in accepted:
        stored = evidence.store(upload, current_app.instance_path, db.session)
        db.session.add(
            Evidence(
                organization_id=step.organization_id,
                update_id=update.id,
                original_name=upload.name,
                stored_name=stored.stored_name,
                size=stored.size,
                sha256=stored.sha256,
                content_type=upload.kind.content_type,
            )
        )
    record(
        step.organization_id,
        user,
        "step.progress",
        step,
        update_id=update.id,
        percent=cleaned.percent,
        status=cleaned.status.value,
        work_date=cleaned.work_date.isoformat(),
        files=[u.name for u in accepted],
    )
    db.session.flush()
    return update
