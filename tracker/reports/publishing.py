"""The public progress page: what the public may see, and the admins' choices about it.

What is published, for each step of a fiscal year: its text, divisions, due
date, status and percent, the note of its latest progress update (unless an
admin hid that update's note) with e-mail addresses and the names of the
organization's users masked, and the evidence files an admin marked public.
Never the authors of updates, never private files.
"""
from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..auth.models import User
from ..auth.permissions import ensure_admin_of
from ..errors import NotFound
from ..extensions import db
from ..measures.models import Evidence, Measure, ProgressUpdate, ProgressWithdrawal, Step, step_divisions
from ..measures.queries import not_withdrawn
from ..orgs.models import Division, Organization
from ..timeutil import org_timezone, utcnow
from . import wording
from .masking import mask_personal_data
from .models import ApprovedNote, HiddenNote, PublicPage
from .report import ProgressReport
from .services import build_report

# Bump when the public page's template changes what a given set of data looks
# like, so that browsers holding the old page fetch the new one.
PAGE_FORMAT = "1"
CACHE_SECONDS = 300

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NAME_TITLES = re.compile(r"^(?:นาย|นางสาว|นาง|น\.ส\.|ว่าที่\s*ร\.ต\.(?:หญิง)?|ดร\.|Mr\.?|Mrs\.?|Ms\.?|Miss)\s*")


# --- pure helpers ------------------------------------------------------------------


def name_variants(names: Iterable[str]) -> list[str]:
    """The names to mask: each full name, and the name without its title (นาย, นาง ...)."""
    variants = set()
    for name in names:
        name = " ".join((name or "").split())
        if len(name) < 3:
            continue  # too short to tell from an ordinary word
        variants.add(name)
        bare = NAME_TITLES.sub("", name)
        if len(bare) >= 3:
            variants.add(bare)
    return sorted(variants, key=len, reverse=True)


def redact(text: str, names: Iterable[str]) -> str:
    """`text` without e-mail addresses, the given people's names, phone and
    national ID numbers, or anyone's name after a title (นาย, นางสาว ...)."""
    text = EMAIL.sub(wording.REDACTED_EMAIL, text or "")
    pattern = names_pattern(tuple(names))
    if pattern:
        text = pattern.sub(wording.REDACTED_NAME, text)
    return mask_personal_data(text)


@functools.lru_cache(maxsize=64)
def names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for all the names (longest first), spaces inside a name flexible."""
    if not names:
        return None
    alternatives = (r"\s+".join(re.escape(part) for part in name.split()) for name in names)
    return re.compile("|".join(alternatives), re.IGNORECASE)


# --- the page --------------------------------------------------------------------------


def published_organization(slug: str) -> tuple[Organization, PublicPage]:
    """The organization with this slug if its public page is on; otherwise NotFound."""
    row = db.session.execute(
        sa.select(Organization, PublicPage)
        .join(PublicPage, PublicPage.organization_id == Organization.id)
        .where(Organization.slug == (slug or "").lower(), PublicPage.enabled.is_(True))
    ).first()
    if row is None:
        raise NotFound(_l("This organization does not publish its progress here."))
    return row[0], row[1]


@dataclass(frozen=True)
class PageVersion:
    etag: str
    last_modified: datetime


def _people(organization_id: int) -> list[str]:
    """The names and e-mail addresses of the organization's users, and its division names."""
    return list(
        db.session.scalars(
            sa.union_all(
                sa.select(User.display_name).where(User.organization_id == organization_id),
                sa.select(User.email).where(User.organization_id == organization_id),
                sa.select(Division.name).where(Division.organization_id == organization_id),
            )
        )
    )


def page_version(org: Organization, page: PublicPage, fiscal_year: int, today: date, years: Iterable[int]
                 ) -> PageVersion:
    """Cache validators computed from the data the page shows, the day it is shown on
    (which steps are late) and the `years` it links to, in two queries.

    Raises NotFound when the year has no measures.
    """
    in_year = sa.select(Step.id).join(Measure).where(
        Measure.organization_id == org.id, Measure.fiscal_year == fiscal_year
    )
    in_measures = (Measure.organization_id == org.id, Measure.fiscal_year == fiscal_year)
    # Assigning other divisions writes nothing in the step's row: the assignments count themselves.
    assigned = step_divisions.c.step_id.in_(in_year)
    figures = db.session.execute(
        sa.select(
            sa.select(sa.func.count(Measure.id)).where(*in_measures).scalar_subquery(),
            sa.select(sa.func.max(Measure.updated_at)).where(*in_measures).scalar_subquery(),
            sa.select(sa.func.count(Step.id)).where(Step.id.in_(in_year)).scalar_subquery(),
            sa.select(sa.func.max(Step.updated_at)).where(Step.id.in_(in_year)).scalar_subquery(),
            sa.select(sa.func.count(ProgressUpdate.id)).where(ProgressUpdate.step_id.in_(in_year)).scalar_subquery(),
            sa.select(sa.func.max(ProgressUpdate.created_at))
            .where(ProgressUpdate.step_id.in_(in_year))
            .scalar_subquery(),
            sa.select(sa.func.count(Evidence.id))
            .where(Evidence.organization_id == org.id, Evidence.is_public.is_(True))
            .scalar_subquery(),
            sa.select(sa.func.count()).where(assigned).scalar_subquery(),
            sa.select(sa.func.sum(step_divisions.c.division_id)).where(assigned).scalar_subquery(),
            # In 64 bits: the product of two ids overflows PostgreSQL's integer at scale.
            sa.select(sa.func.sum(sa.cast(step_divisions.c.step_id, sa.BigInteger) * step_divisions.c.division_id))
            .where(assigned).scalar_subquery(),
        )
    ).one()
    measures, measures_changed, steps, steps_changed, updates, updated, public_files, *assignments = figures
    if not measures:
        raise NotFound(_l("There are no measures for fiscal year %(year)s.", year=fiscal_year))
    people = _people(org.id)
    tz_name = org_timezone(org)
    fingerprint = "|".join(
        str(part)
        for part in (
            PAGE_FORMAT, org.id, org.name, tz_name, today, fiscal_year, page.changed_at, measures, measures_changed,
            steps, steps_changed, updates, updated, public_files, *assignments, tuple(years), *people,
        )
    )
    day_began = datetime.combine(today, time(), tzinfo=ZoneInfo(tz_name))
    moments = [m for m in (page.changed_at, measures_changed, steps_changed, updated, org.created_at) if m]
    last_modified = max([_aware(m) for m in moments] + [day_began.astimezone(timezone.utc)]).replace(microsecond=0)
    return PageVersion(hashlib.sha256(fingerprint.encode()).hexdigest()[:32], last_modified)


def _aware(moment: datetime) -> datetime:
    # Aggregates bypass the column type on some engines and come back naive (UTC).
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class PublicFile:
    id: int
    name: str
    size: int
    content_type: str


@dataclass(frozen=True)
class PublicProgress:
    report: ProgressReport
    notes: dict[int, str]  # step id -> the published note
    files: dict[int, list[PublicFile]]  # step id -> public files
    last_update: date | None


def people_to_mask(organization_id: int) -> list[str]:
    return name_variants(db.session.scalars(sa.select(User.display_name).where(User.organization_id == organization_id)))


def redacted_notes(org: Organization, report: ProgressReport) -> dict[int, str]:
    """The latest note of each step as the public would read it (one query for the names to mask)."""
    people = people_to_mask(org.id)
    return {row.step_id: redact(row.note, people) for _, row in report.steps if row.note}


def public_file_name(org: Organization, evidence: Evidence) -> str:
    """An evidence file's name as the public reads it."""
    return redact(evidence.original_name, people_to_mask(org.id))


def public_progress(org: Organization, fiscal_year: int, today: date, page: PublicPage | None = None) -> PublicProgress:
    """Everything the public page shows, in a fixed number of queries.

    When the organization reviews notes, only those an administrator approved.
    """
    report = build_report(org, fiscal_year, today, current=True, include_analysis=False)
    hidden = hidden_update_ids(org.id)
    update_of = {row.step_id: row.update_id for _, row in report.steps}
    people = people_to_mask(org.id)
    notes = {row.step_id: redact(row.note, people) for _, row in report.steps if row.note}
    notes = {step_id: note for step_id, note in notes.items() if update_of[step_id] not in hidden}
    if page is not None and page.review_notes:
        approved = approved_update_ids(org.id)
        notes = {step_id: note for step_id, note in notes.items() if update_of[step_id] in approved}
    files: dict[int, list[PublicFile]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(ProgressUpdate.step_id, Evidence)
        .join(ProgressUpdate, ProgressUpdate.id == Evidence.update_id)
        .join(Step, Step.id == ProgressUpdate.step_id)
        .join(Measure, Measure.id == Step.measure_id)
        .where(
            Evidence.organization_id == org.id,
            Evidence.is_public.is_(True),
            Measure.organization_id == org.id,
            Measure.fiscal_year == fiscal_year,
            not_withdrawn(),
        )
        .order_by(Evidence.id)
    )
    for step_id, evidence in rows:
        name = redact(evidence.original_name, people)
        files[step_id].append(PublicFile(evidence.id, name, evidence.size, evidence.content_type))
    dates = [row.updated_on for _, row in report.steps if row.updated_on]
    return PublicProgress(report, notes, dict(files), max(dates) if dates else None)


def public_evidence(org: Organization, evidence_id: int) -> Evidence:
    """A file the organization made public (of an entry not withdrawn); NotFound otherwise."""
    evidence = db.session.scalars(
        sa.select(Evidence).where(
            Evidence.id == evidence_id, Evidence.organization_id == org.id, Evidence.is_public.is_(True),
            Evidence.update_id.not_in(sa.select(ProgressWithdrawal.update_id)),
        )
    ).first()
    if evidence is None:
        raise NotFound(_l("This file is not published."))
    return evidence


# --- the admins' choices ----------------------------------------------------------------


def public_page_of(organization_id: int) -> PublicPage | None:
    return db.session.get(PublicPage, organization_id)


def _page_for_change(user: User, org: Organization, now: datetime) -> PublicPage:
    page = public_page_of(org.id)
    if page is None:
        page = PublicPage(organization_id=org.id, enabled=False)
        db.session.add(page)
    page.changed_at = now
    page.changed_by_id = user.id
    return page


def set_public_page(
    user: User, org: Organization, enabled: bool, *, review_notes: bool | None = None, now: datetime | None = None
) -> PublicPage:
    """Switch the organization's public page on or off, and the review of notes (admins)."""
    ensure_admin_of(user, org.id)
    page = _page_for_change(user, org, now or utcnow())
    page.enabled = enabled
    record(org.id, user, "public_page.enable" if enabled else "public_page.disable", org)
    if review_notes is not None and bool(page.review_notes) != review_notes:
        record(org.id, user, "public_page.review_on" if review_notes else "public_page.review_off", org)
        page.review_notes = review_notes
    db.session.flush()
    return page


def update_in_org(organization_id: int, update_id: int) -> ProgressUpdate:
    update = db.session.scalars(
        sa.select(ProgressUpdate)
        .join(Step, Step.id == ProgressUpdate.step_id)
        .where(ProgressUpdate.id == update_id, Step.organization_id == organization_id)
    ).first()
    if update is None:
        raise NotFound(_l("This record does not exist in your organization."))
    return update


def set_note_hidden(
    user: User, org: Organization, update_id: int, hidden: bool, *, now: datetime | None = None
) -> None:
    """Keep a progress note off the public page, or publish it again (admins)."""
    ensure_admin_of(user, org.id)
    update = update_in_org(org.id, update_id)
    now = now or utcnow()
    existing = db.session.get(HiddenNote, update.id)
    if hidden and existing is None:
        db.session.add(HiddenNote(update_id=update.id, organization_id=org.id, hidden_by_id=user.id, hidden_at=now))
    elif not hidden and existing is not None:
        db.session.delete(existing)
    _page_for_change(user, org, now)
    record(org.id, user, "public_page.note_hidden" if hidden else "public_page.note_shown", update, step_id=update.step_id)
    db.session.flush()


def set_evidence_public(
    user: User, org: Organization, evidence_id: int, public: bool, *, now: datetime | None = None
) -> Evidence:
    """Mark an evidence file public (shown on the public page) or private (admins)."""
    ensure_admin_of(user, org.id)
    evidence = db.session.scalars(
        sa.select(Evidence).where(Evidence.id == evidence_id, Evidence.organization_id == org.id)
    ).first()
    if evidence is None:
        raise NotFound(_l("This record does not exist in your organization."))
    evidence.is_public = public
    _page_for_change(user, org, now or utcnow())
    record(org.id, user, "evidence.public" if public else "evidence.private", evidence, name=evidence.original_name)
    db.session.flush()
    return evidence


@dataclass(frozen=True)
class EvidenceLine:
    evidence: Evidence
    indicator_number: int
    measure_title: str
    step_number: int
    step_text: str
    uploaded_at: datetime


def evidence_of_year(organization_id: int, fiscal_year: int) -> list[EvidenceLine]:
    """Every evidence file of the year's steps, for the admins' list (one query)."""
    rows = db.session.execute(
        sa.select(Evidence, Measure.indicator_number, Measure.title, Step.position, Step.text)
        .join(ProgressUpdate, ProgressUpdate.id == Evidence.update_id)
        .join(Step, Step.id == ProgressUpdate.step_id)
        .join(Measure, Measure.id == Step.measure_id)
        .where(
            Evidence.organization_id == organization_id,
            Measure.organization_id == organization_id,
            Measure.fiscal_year == fiscal_year,
        )
        .order_by(Measure.indicator_number, Measure.position, Step.position, Evidence.id)
    )
    return [
        EvidenceLine(evidence, indicator, title, position, text, evidence.created_at)
        for evidence, indicator, title, position, text in rows
    ]


def approve_note(user: User, org: Organization, update_id: int, *, now: datetime | None = None) -> None:
    """Let a note onto the public page, when the organization reviews notes (admins)."""
    ensure_admin_of(user, org.id)
    update = update_in_org(org.id, update_id)
    now = now or utcnow()
    if db.session.get(ApprovedNote, update.id) is None:
        db.session.add(ApprovedNote(update_id=update.id, organization_id=org.id, approved_by_id=user.id, approved_at=now))
        record(org.id, user, "public_page.note_approved", update, step_id=update.step_id)
    _page_for_change(user, org, now)
    db.session.flush()


def approved_update_ids(organization_id: int) -> set[int]:
    return set(
        db.session.scalars(sa.select(ApprovedNote.update_id).where(ApprovedNote.organization_id == organization_id))
    )


def hidden_update_ids(organization_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(HiddenNote.update_id).where(HiddenNote.organization_id == organization_id)))
