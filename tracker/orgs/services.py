"""Creating and finding organizations and divisions."""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..input import parse_id
from ..audit.services import apply_changes, record
from ..auth.permissions import ensure_admin_of
from ..concurrency import ensure_unchanged
from ..errors import FieldErrors, ValidationFailed
from ..extensions import db
from .models import Division, Organization, OrgKind

if TYPE_CHECKING:
    from ..auth.models import User

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def squash_spaces(text: str) -> str:
    return " ".join((text or "").split())


def name_key(name: str) -> str:
    """Comparison key for Thai names: word-processor spaces inside a name do not count."""
    return re.sub(r"[\s.]", "", name or "").casefold()


def find_organization(key: str) -> Organization | None:
    """An organization by slug, exact name or numeric id (for the CLI)."""
    key = squash_spaces(key)
    query = sa.select(Organization).where(
        sa.or_(Organization.slug == key.lower(), Organization.name == key)
    )
    org = db.session.scalars(query).first()
    if org is None and (number := parse_id(key)) is not None:
        org = db.session.get(Organization, number)
    return org


def require_organization(key: str) -> Organization:
    """The organization named by `key` (name, slug or id) for a command; a domain error if none."""
    org = find_organization(key)
    if org is None:
        raise ValidationFailed(f"No organization named {key!r} (give its name, slug or id).")
    return org


def create_organization(
    name: str,
    *,
    kind: OrgKind = OrgKind.SAO,
    slug: str | None = None,
    timezone: str = "Asia/Bangkok",
    actor: User | None = None,
) -> Organization:
    name = squash_spaces(name)
    if not name:
        raise ValidationFailed(_l("The organization needs a name."), field="name")
    if db.session.scalar(sa.select(Organization.id).where(Organization.name == name)):
        raise ValidationFailed(_l("An organization with this name already exists."), field="name")
    slug = (slug or "").strip().lower() or f"org-{secrets.token_hex(3)}"
    if not SLUG_PATTERN.match(slug):
        raise ValidationFailed(
            _l("The short web name may use only a-z, 0-9 and hyphens (for example muangphia)."),
            field="slug",
        )
    if db.session.scalar(sa.select(Organization.id).where(Organization.slug == slug)):
        raise ValidationFailed(_l("This short web name is already taken."), field="slug")
    org = Organization(name=name, kind=OrgKind(kind), slug=slug, timezone=timezone)
    db.session.add(org)
    db.session.flush()
    record(org.id, actor, "organization.create", org, name=name, slug=slug)
    return org


def divisions_of(organization_id: int) -> list[Division]:
    """The organization's divisions in their order, archived ones included."""
    return list(
        db.session.scalars(
            sa.select(Division)
            .where(Division.organization_id == organization_id)
            .order_by(Division.position, Division.id)
        )
    )


def divisions_in_use(organization_id: int, *, keep: Iterable[int] = ()) -> list[Division]:
    """The divisions a form offers: those in use, and the archived ones of `keep`
    (those a step or a user already has)."""
    kept = set(keep)
    return [d for d in divisions_of(organization_id) if d.active or d.id in kept]


def find_division(organization_id: int, key: str) -> Division | None:
    """A division of the organization by name or short name, ignoring spaces and dots."""
    wanted = name_key(key)
    if not wanted:
        return None
    for division in divisions_of(organization_id):
        if name_key(division.name) == wanted or (
            division.short_name and name_key(division.short_name) == wanted
        ):
            return division
    return None


def create_division(
    org: Organization,
    name: str,
    *,
    short_name: str | None = None,
    actor: User | None = None,
) -> Division:
    """Add a division; `actor` is the administrator doing it (None from the command line)."""
    if actor is not None:
        ensure_admin_of(actor, org.id)
    name, short_name = _division_names(org.id, name, short_name)
    position = max((d.position for d in divisions_of(org.id)), default=0) + 1
    division = Division(organization_id=org.id, name=name, short_name=short_name, position=position)
    db.session.add(division)
    db.session.flush()
    record(org.id, actor, "division.create", division, name=name, short_name=short_name)
    return division


MAX_DIVISION_NAME, MAX_SHORT_NAME = 200, 40  # Division.name, Division.short_name


def _division_names(organization_id: int, name: str, short_name: str | None,
                    except_id: int | None = None) -> tuple[str, str | None]:
    """Clean a division's names and check no other division of the organization uses them."""
    name = squash_spaces(name)
    short_name = squash_spaces(short_name or "") or None
    errors = FieldErrors()
    others = [d for d in divisions_of(organization_id) if d.id != except_id]
    if not name:
        errors.add("name", _l("The division needs a name."))
    elif len(name) > MAX_DIVISION_NAME:
        errors.add("name", _l("The text is too long (at most %(count)d characters).", count=MAX_DIVISION_NAME))
    elif any(name_key(d.name) == name_key(name) for d in others):
        errors.add("name", _l("A division with this name already exists."))
    if short_name and len(short_name) > MAX_SHORT_NAME:
        errors.add("short_name", _l("The text is too long (at most %(count)d characters).", count=MAX_SHORT_NAME))
    elif short_name and any(d.short_name and name_key(d.short_name) == name_key(short_name) for d in others):
        errors.add("short_name", _l("Another division already uses this short name."))
    errors.raise_any()
    return name, short_name


def division_edit_values(division: Division) -> dict:
    """What the division's edit form changes (archiving has its own button)."""
    return dict(name=division.name, short_name=division.short_name)


def update_division(actor: User, division: Division, *, name: str, short_name: str | None,
                    base_token: str | None) -> dict:
    """Rename a division or change its short name.

    `base_token` is the division's edit token when the form was opened: if it
    changed since, `EditConflict` is raised and nothing is saved. The web
    always passes it; None (command line, internal callers) skips the check.
    """
    ensure_admin_of(actor, division.organization_id)
    ensure_unchanged(division, base_token, division_edit_values)
    name, short_name = _division_names(division.organization_id, name, short_name, except_id=division.id)
    changes = apply_changes(division, dict(name=name, short_name=short_name))
    if changes:
        record(division.organization_id, actor, "division.update", division, changes=changes)
        db.session.flush()
    return changes


def open_step_count(division: Division) -> int:
    """Steps assigned to the division that are not done yet (a carried-over step goes on in its successor)."""
    from ..ita import StepStatus
    from ..measures.models import Step, step_divisions

    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Step)
        .join(step_divisions, step_divisions.c.step_id == Step.id)
        .where(step_divisions.c.division_id == division.id,
               Step.status.not_in([StepStatus.DONE, StepStatus.CARRIED]))
    )


def set_division_active(actor: User, division: Division, active: bool) -> bool:
    """Archive a division (kept on old steps and reports) or bring it back.

    Archiving is refused while steps assigned to it are still open: they would
    be left without anyone to update them.
    """
    ensure_admin_of(actor, division.organization_id)
    if division.active == active:
        return False
    if not active:
        still_open = open_step_count(division)
        if still_open:
            raise ValidationFailed(_l(
                "%(count)d step(s) assigned to this division are not done yet. Assign them to another "
                "division (or finish them) before archiving it.", count=still_open))
    division.active = active
    record(division.organization_id, actor, "division.restore" if active else "division.archive", division,
           name=division.name)
    db.session.flush()
    return True
