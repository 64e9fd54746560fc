"""Creating users, checking passwords, changing roles and memberships."""
from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.services import apply_changes, record
from ..concurrency import ensure_unchanged
from ..input import ids_of
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..orgs.models import Division, Organization
from ..timeutil import utcnow
from .account_models import AccountToken
from .models import LoginAttempt, Membership, Role, User, new_session_token, password_hash_method
from .passwords import MIN_PASSWORD_LENGTH, check_password_policy  # noqa: F401  (MIN_PASSWORD_LENGTH: forms)
from .notices import notify_password_changed
from .permissions import ensure_admin_of

# The one answer for an address that cannot be given to a new or changed
# account, whether it is taken here or in another organization: the answer
# must not tell an administrator who has an account elsewhere.
EMAIL_UNUSABLE = _l("This e-mail address cannot be used. Please use another one.")


@functools.cache
def _dummy_hash(method: str) -> str:
    """Checked against when the e-mail is unknown, so that a wrong e-mail and a
    wrong password take the same time and give the same answer. Made with the
    method real passwords use, on first need: scrypt costs a fifth of a second,
    which every process (web worker, scheduler, command) paid at import."""
    return generate_password_hash("not-a-real-password", method=method)


def normalize_email(email: str) -> str:
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed(_l("This is not a valid e-mail address."), field="email") from exc
    return result.normalized.lower()


def validate_password(password: str, *, email: str = "", name: str = "") -> None:
    check_password_policy(password, email=email, name=name)


def parse_role(value: str | Role) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError as exc:
        allowed = ", ".join(r.value for r in Role)
        raise ValidationFailed(
            _l("Unknown role %(role)s; use one of: %(allowed)s.", role=value, allowed=allowed),
            field="role",
        ) from exc


def email_taken(email: str, *, except_user_id: int | None = None) -> bool:
    query = sa.select(User.id).where(User.email == email)
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return db.session.scalar(query) is not None


def create_user(
    org: Organization,
    *,
    email: str,
    display_name: str,
    role: Role | str,
    password: str | None,
    divisions: Iterable[Division] = (),
    head_of: Iterable[Division] = (),
    locale: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a user of `org`, member of `divisions` and head of `head_of`.

    `actor` is the administrator doing it (None from the command line); a
    password an administrator chose in the web must be changed at first
    sign-in. `password=None` leaves the account without a usable password,
    for an invitation (`tracker.auth.invitations`).
    """
    if actor is not None:
        ensure_admin_of(actor, org.id)
    email = normalize_email(email)
    display_name = " ".join((display_name or "").split())
    if not display_name:
        raise ValidationFailed(_l("Please give the person's name."), field="display_name")
    role = parse_role(role)
    if password is not None:
        validate_password(password, email=email, name=display_name)
    if email_taken(email):
        raise ValidationFailed(EMAIL_UNUSABLE, field="email")
    head_ids = {d.id for d in head_of}
    member_of = {d.id: d for d in [*divisions, *head_of]}
    for division in member_of.values():
        if division.organization_id != org.id:
            raise ValidationFailed(_l("The division belongs to another organization."), field="divisions")
        if not division.active:
            raise ValidationFailed(_l("Choose divisions of your organization that are in use."), field="divisions")

    user = User(
        organization_id=org.id,
        email=email,
        display_name=display_name,
        role=role,
        locale=locale,
    )
    # Nobody knows a random password: an invited account has none until its owner sets one.
    user.set_password(password if password is not None else secrets.token_urlsafe(32))
    user.must_change_password = password is not None and actor is not None
    user.memberships = [
        Membership(division_id=division_id, is_head=division_id in head_ids)
        for division_id in member_of
    ]
    db.session.add(user)
    db.session.flush()
    record(
        org.id,
        actor,
        "user.create",
        user,
        email=email,
        role=role.value,
        divisions=sorted(member_of),
        heads=sorted(head_ids),
    )
    return user


# Password guessing is slowed down per account and per address; the limits
# apply to unknown e-mails too, so they reveal nothing about who has an account.
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 30
ATTEMPTS_KEPT = timedelta(days=1)


class TooManyAttempts(DomainError):
    """Too many failed sign-ins; try again after the window."""

    status_code = 429


def _recent_failures(column, value: str, since: datetime) -> int:
    last_success = (
        sa.select(sa.func.max(LoginAttempt.created_at))
        .where(column == value, LoginAttempt.succeeded.is_(True))
        .scalar_subquery()
    )
    query = sa.select(sa.func.count()).where(
        column == value,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.created_at >= since,
        sa.or_(last_success.is_(None), LoginAttempt.created_at > last_success),
    )
    return db.session.scalar(query) or 0


def authenticate(
    email: str, password: str, *, ip: str = "", now: datetime | None = None
) -> User | None:
    """The active user with this e-mail and password, or None.

    A wrong password, an unknown e-mail and a deactivated account give the
    same answer, so the sign-in page reveals nothing about who has an account.
    Raises `TooManyAttempts` after repeated failures (the caller commits
    either way, so that the attempt is counted).
    """
    now = now or utcnow()
    key = (email or "").strip().lower()[:254]
    ip = (ip or "")[:45]
    since = now - THROTTLE_WINDOW
    if _recent_failures(LoginAttempt.email, key, since) >= MAX_FAILURES_PER_EMAIL or (
        ip and _recent_failures(LoginAttempt.ip, ip, since) >= MAX_FAILURES_PER_IP
    ):
        raise TooManyAttempts(
            _l("Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
               minutes=int(THROTTLE_WINDOW.total_seconds() // 60))
        )
    user = db.session.scalars(sa.select(User).where(User.email == key)).first() if key else None
    if user is None:
        check_password_hash(_dummy_hash(password_hash_method()), password or "")
        ok = False
    else:
        ok = user.check_password(password or "") and user.active
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.created_at < now - ATTEMPTS_KEPT))
    db.session.add(LoginAttempt(email=key, ip=ip, succeeded=ok, created_at=now))
    if not ok:
        return None
    user.last_login_at = now
    return user


def end_links(user: User, now: datetime) -> None:
    """Every unused link of the user stops working (their password was just set)."""
    db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def change_password(user: User, new_password: str, *, actor: User | None = None, now: datetime | None = None) -> None:
    """Set a new password (signing the user out everywhere), end every link
    that could set another one, and tell the owner by e-mail. A password an
    administrator chose must be changed by its owner at the next sign-in."""
    validate_password(new_password, email=user.email, name=user.display_name)
    user.set_password(new_password)
    user.must_change_password = actor is not None and actor.id != user.id
    end_links(user, now or utcnow())
    record(user.organization_id, actor, "user.password", user)
    notify_password_changed(user, now)


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    """A user replaces their own password, proving they know the current one."""
    if not user.check_password(current_password or ""):
        raise ValidationFailed(_l("The current password is not correct."), field="current_password")
    try:
        change_password(user, new_password, actor=user)
    except ValidationFailed as error:
        raise ValidationFailed(error.message, field="new_password") from error


def set_language(user: User, locale: str, languages) -> None:
    """The language a user reads the pages and e-mails in."""
    if locale not in languages:
        raise ValidationFailed(_l("Choose one of the languages offered."), field="locale")
    if user.locale != locale:
        record(user.organization_id, user, "user.language", user, changes={"locale": [user.locale, locale]})
        user.locale = locale
        db.session.flush()


# Letters and digits that cannot be mistaken for one another when read aloud
# or copied from paper (no 0/O, 1/l/I).
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"


def generate_password(groups: int = 3, size: int = 4) -> str:
    """A random password an administrator can pass on, e.g. `kq7M-vT3x-9cNa`."""
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(size)) for _ in range(groups)
    )


def _memberships(user: User, division_ids: Iterable[object], head_ids: Iterable[object]) -> tuple[set[int], set[int]]:
    """Check the chosen divisions; archived ones only if the user is already in them."""
    ints = ids_of

    members, heads = ints(division_ids), ints(head_ids)
    members |= heads
    if not members:
        return set(), set()
    divisions = db.session.scalars(
        sa.select(Division).where(Division.organization_id == user.organization_id, Division.id.in_(members))
    ).all()
    allowed = {d.id for d in divisions if d.active or d.id in user.division_ids}
    if allowed != members:
        raise ValidationFailed(_l("Choose divisions of your organization that are in use."), field="divisions")
    return members, heads


def _refuse_self_lockout(actor: User, user: User, *, role: Role, active: bool) -> None:
    if actor.id != user.id:
        return
    if not active:
        raise ValidationFailed(_l("You cannot deactivate your own account."), field="active")
    if role != Role.ADMIN:
        raise ValidationFailed(
            _l("You cannot take away your own administrator role; ask another administrator."), field="role"
        )


def user_edit_values(user: User) -> dict:
    """What an administrator changes on a user's page: name, e-mail, role,
    whether the account is in use, and memberships. Not the password or the
    last sign-in, so that these leave an open form valid."""
    return dict(
        display_name=user.display_name, email=user.email, role=user.role, active=user.active,
        memberships=sorted([m.division_id, m.is_head] for m in user.memberships),
    )


def update_user(
    actor: User,
    user: User,
    *,
    display_name: str,
    email: str,
    role: Role | str,
    division_ids: Iterable[object] = (),
    head_ids: Iterable[object] = (),
    base_token: str | None,
) -> dict:
    """Change a user's name, e-mail, role, divisions and head flags (administrators only).

    `base_token` is the user's edit token when the page was opened: if the
    account changed since, `EditConflict` is raised and nothing is saved. The
    web always passes it; None (command line, internal callers) skips the check.
    """
    ensure_admin_of(actor, user.organization_id)
    ensure_unchanged(user, base_token, user_edit_values)
    display_name = " ".join((display_name or "").split())
    if not display_name:
        raise ValidationFailed(_l("Please give the person's name."), field="display_name")
    email = normalize_email(email)
    if email_taken(email, except_user_id=user.id):
        raise ValidationFailed(EMAIL_UNUSABLE, field="email")
    role = parse_role(role)
    _refuse_self_lockout(actor, user, role=role, active=user.active)
    members, heads = _memberships(user, division_ids, head_ids)

    changes = apply_changes(user, dict(display_name=display_name, email=email, role=role))
    old_members = {m.division_id: m.is_head for m in user.memberships}
    new_members = {division_id: division_id in heads for division_id in members}
    if old_members != new_members:
        changes["divisions"] = [sorted(old_members), sorted(new_members)]
        changes["heads"] = [sorted(k for k, v in old_members.items() if v), sorted(heads)]
        by_division = {m.division_id: m for m in user.memberships}
        user.memberships = [
            _membership(by_division.get(division_id), division_id, is_head)
            for division_id, is_head in new_members.items()
        ]
    if changes:
        record(user.organization_id, actor, "user.update", user, changes=changes)
        db.session.flush()
    return changes


def _membership(existing: Membership | None, division_id: int, is_head: bool) -> Membership:
    if existing is None:
        return Membership(division_id=division_id, is_head=is_head)
    existing.is_head = is_head
    return existing


def set_user_active(actor: User, user: User, active: bool, *, base_token: str | None) -> bool:
    """Deactivate (signing the user out everywhere) or reactivate an account.
    Returns whether anything changed.

    `base_token` is the user's edit token when the page was opened, as for
    `update_user`: an account changed since is not switched (`EditConflict`).
    None (command line, internal callers) skips the check.
    """
    ensure_admin_of(actor, user.organization_id)
    ensure_unchanged(user, base_token, user_edit_values)
    _refuse_self_lockout(actor, user, role=user.role, active=active)
    if user.active == active:
        return False
    user.active = active
    if not active:
        user.session_token = new_session_token()
    record(user.organization_id, actor, "user.activate" if active else "user.deactivate", user, email=user.email)
    db.session.flush()
    return True


def set_password_for(actor: User, user: User, password: str) -> None:
    """An administrator sets a new password for someone (who is signed out everywhere)."""
    ensure_admin_of(actor, user.organization_id)
    change_password(user, password, actor=actor)
    db.session.flush()
