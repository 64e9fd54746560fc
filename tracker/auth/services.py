"""Creating users, checking passwords, changing roles and memberships."""
from __future__ import annotations

import functools
import math
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.services import apply_changes, record
from ..concurrency import ensure_unchanged
from ..errors import DomainError, FieldErrors, ValidationFailed
from ..input import ids_of
from ..extensions import db
from ..orgs.models import Division, Organization
from ..timeutil import utcnow
from . import sessions, throttle, totp
from .account_models import AccountToken
from .clients import UNKNOWN, Client
from .models import LoginAttempt, Membership, Role, User, new_session_token, password_hash_method
from .passwords import MIN_PASSWORD_LENGTH, check_password_policy  # noqa: F401  (MIN_PASSWORD_LENGTH: forms)
from .notices import notify_account_locked, notify_password_changed
from .permissions import ensure_admin_of
from .security_log import record_security_event

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
    if not password:
        raise ValidationFailed(_l("Please give a password."), field="password")
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


# Roles whose work is the steps of their divisions: without a division they see nothing.
ROLES_WITH_DIVISIONS = (Role.DIVISION_HEAD, Role.STAFF)


def needs_division(role: Role | None) -> bool:
    return role in ROLES_WITH_DIVISIONS


MAX_NAME_LENGTH = 200  # User.display_name


def _checked_name(display_name: str | None, errors: FieldErrors) -> str:
    name = " ".join((display_name or "").split())
    if not name:
        errors.add("display_name", _l("Please give the person's name."))
    elif len(name) > MAX_NAME_LENGTH:
        errors.add("display_name", _l("The text is too long (at most %(count)d characters).", count=MAX_NAME_LENGTH))
    return name


def _checked_email(email: str | None, errors: FieldErrors, *, except_user_id: int | None = None) -> str | None:
    if not (email or "").strip():
        errors.add("email", _l("Please give the e-mail address."))
        return None
    normalized = errors.collect(normalize_email, email)
    if normalized and email_taken(normalized, except_user_id=except_user_id):
        # The same words whoever holds it: another organization's address is not revealed.
        errors.add("email", EMAIL_UNUSABLE)
    return normalized


def _checked_role(role: Role | str | None, errors: FieldErrors) -> Role | None:
    if not str(role or "").strip():
        errors.add("role", _l("Please choose a role."))
        return None
    return errors.collect(parse_role, role)


def _divisions_of(org: Organization, chosen: Iterable[Division | int | str], errors: FieldErrors) -> list[Division]:
    """Divisions given as rows or as ids (a form's values); an id of no division of `org` is an error."""
    rows = [d for d in chosen if isinstance(d, Division)]
    ids = {str(d) for d in chosen if not isinstance(d, Division)}
    if ids:
        known = {str(d.id): d for d in db.session.scalars(sa.select(Division).where(Division.organization_id == org.id))}
        if not ids <= set(known):
            errors.add("divisions", _l("Choose divisions of your organization that are in use."))
        rows += [known[i] for i in sorted(ids & set(known))]
    return rows


def _check_divisions_for_role(role: Role | None, divisions, errors: FieldErrors) -> None:
    if needs_division(role) and not divisions:
        errors.add("divisions", _l("A division head or staff member works for a division: choose at least one "
                                   "division (Member of or Head of)."))


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
    divisions: Iterable[Division | int | str] = (),
    head_of: Iterable[Division | int | str] = (),
    locale: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a user of `org`, member of `divisions` and head of `head_of` (rows, or
    ids as a form sends them).

    `actor` is the administrator doing it (None from the command line); a
    password an administrator chose in the web must be changed at first
    sign-in. `password=None` leaves the account without a usable password,
    for an invitation (`tracker.auth.invitations`).
    """
    if actor is not None:
        ensure_admin_of(actor, org.id)
    errors = FieldErrors()
    display_name = _checked_name(display_name, errors)
    email = _checked_email(email, errors)
    role = _checked_role(role, errors)
    if password is not None:  # None: an invitation, the person chooses it
        errors.collect(validate_password, password, email=email or "", name=display_name or "")
    divisions, head_of = _divisions_of(org, divisions, errors), _divisions_of(org, head_of, errors)
    head_ids = {d.id for d in head_of}
    member_of = {d.id: d for d in [*divisions, *head_of]}
    for division in member_of.values():
        if division.organization_id != org.id:
            errors.add("divisions", _l("The division belongs to another organization."))
            break
        if not division.active:
            errors.add("divisions", _l("Choose divisions of your organization that are in use."))
            break
    if "divisions" not in errors:
        _check_divisions_for_role(role, member_of, errors)
    errors.raise_any()

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


class TooManyAttempts(DomainError):
    """Too many failed sign-ins: this client must wait before trying again."""

    status_code = 429

    def __init__(self, wait: timedelta) -> None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        super().__init__(_l("Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
                            minutes=minutes))
        self.retry_after = max(1, math.ceil(wait.total_seconds()))


def _wait_turn(key: str, *, client: Client, device: str | None, now: datetime) -> None:
    """Serialize attempts on this account, address and device, and raise
    `TooManyAttempts` while this client must wait (tracker.auth.throttle)."""
    throttle.lock(f"account:{key}", f"ip:{client.ip}", f"device:{device or ''}")
    throttle.prune(now)
    wait = throttle.required_wait(email=key, ip=client.ip, device=device, now=now)
    if wait:
        raise TooManyAttempts(wait)


def _note_lockout(user: User, key: str, *, client: Client, device: str | None, now: datetime) -> None:
    """After a failed attempt on a known account: the failure that starts the delays is a
    lockout, audited and told to the owner by e-mail (once, not at every further failure)."""
    if throttle.reached_limit(email=key, device=device, now=now):
        record_security_event(user, "auth.lockout", actor=None, client=client, trusted_device=device is not None)
        notify_account_locked(user, now)


def _check_password(key: str, password: str, *, client: Client, device: str | None, now: datetime,
                    counts_as_sign_in: bool) -> User | None:
    """Check a password under the sign-in limits and record the attempt.

    `device` is the nonce of a valid device cookie for `key` (None for an
    untrusted client). The same answer and the same work whether or not
    the account exists. A right password of an account with two-step sign-in
    is not yet a success (which would reset the failure counts): the code
    step records the attempt (`check_sign_in_code`).
    """
    _wait_turn(key, client=client, device=device, now=now)
    user = db.session.scalars(sa.select(User).where(User.email == key)).first() if key else None
    if user is None:
        check_password_hash(_dummy_hash(password_hash_method()), password or "")
        ok = False
    else:
        ok = user.check_password(password or "") and user.active
    if not (ok and counts_as_sign_in and totp.is_enabled(user)):
        db.session.add(LoginAttempt(email=key, ip=client.ip, device=device or "", succeeded=ok, created_at=now))
        db.session.flush()
    if user is not None and not ok:
        record_security_event(user, "auth.login_failed" if counts_as_sign_in else "auth.password_check_failed",
                              actor=None, client=client, trusted_device=device is not None)
        _note_lockout(user, key, client=client, device=device, now=now)
    return user if ok else None


def check_sign_in_code(user: User, code: str, *, client: Client, device: str | None = None,
                       now: datetime | None = None) -> str | None:
    """The second step of a sign-in, under the same limits as the password:
    "totp" or "recovery" if the code is accepted, None if not.

    A wrong code is a failed sign-in of the account (audited, counted towards
    the delays and the lockout e-mail); an accepted one is the success that
    resets the counts. Raises `TooManyAttempts` while this client must wait.
    The caller commits either way."""
    now = now or utcnow()
    _wait_turn(user.email, client=client, device=device, now=now)
    method = totp.verify_sign_in(user, code, now) if user.active else None
    db.session.add(LoginAttempt(email=user.email, ip=client.ip, device=device or "", succeeded=bool(method),
                                created_at=now))
    db.session.flush()
    if not method:
        record_security_event(user, "auth.login_failed", actor=None, client=client,
                              trusted_device=device is not None, second_step=True)
        _note_lockout(user, user.email, client=client, device=device, now=now)
    return method


def authenticate(
    email: str, password: str, *, ip: str = "", now: datetime | None = None,
    client: Client | None = None, device: str | None = None,
) -> User | None:
    """The active user with this e-mail and password, or None. Only the
    password: `record_sign_in` follows once the user is really in.

    A wrong password, an unknown e-mail and a deactivated account give the
    same answer, so the sign-in page reveals nothing about who has an account.
    Raises `TooManyAttempts` while this client must wait (tracker.auth.throttle;
    nothing of such a refused attempt needs saving). The caller commits a
    failure, so that it is counted. `device`
    is the nonce of the browser's device cookie for this e-mail, if any.
    """
    now = now or utcnow()
    client = client or Client.of(ip, "")
    key = (email or "").strip().lower()[:254]
    return _check_password(key, password, client=client, device=device, now=now, counts_as_sign_in=True)


def record_sign_in(user: User, *, client: Client, trusted_device: bool, now: datetime | None = None) -> None:
    """The user is in (password and any second factor checked): note the time and audit it."""
    user.last_login_at = now or utcnow()
    record_security_event(user, "auth.login", actor=user, client=client, trusted_device=trusted_device)


def verify_current_password(user: User, password: str, *, client: Client, device: str | None = None,
                            now: datetime | None = None) -> bool:
    """The account page's "current password": a wrong one counts as a failed sign-in
    (so that a browser left open cannot be used to guess); raises `TooManyAttempts` likewise."""
    now = now or utcnow()
    return _check_password(user.email, password, client=client, device=device, now=now,
                           counts_as_sign_in=False) is not None


def sign_out(user: User, session_id: int | None, *, client: Client) -> None:
    """End this browser's session (the caller signs it out of Flask-Login)."""
    if session_id is not None:
        sessions.end_sessions(user, only_id=session_id)
    record_security_event(user, "auth.logout", actor=user, client=client)
    db.session.flush()


def sign_out_everywhere(user: User, *, client: Client) -> int:
    """End every session of `user`, this one included; returns how many ended."""
    ended = sessions.end_sessions(user)
    record_security_event(user, "auth.logout_everywhere", actor=user, client=client, sessions_ended=ended)
    db.session.flush()
    return ended


def end_other_session(user: User, session_id: int, *, client: Client) -> bool:
    """End one of the user's other sessions (from the account page's list)."""
    if session_id == getattr(user, "current_session_id", None):
        raise ValidationFailed(_l("Use “Sign out” to end the session you are using."))
    ended = sessions.end_sessions(user, only_id=session_id)
    if ended:
        record_security_event(user, "auth.session_ended", actor=user, client=client)
    db.session.flush()
    return bool(ended)


def end_links(user: User, now: datetime) -> None:
    """Every unused link of the user stops working (their password was just set)."""
    db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def change_password(user: User, new_password: str, *, actor: User | None = None, now: datetime | None = None,
                    client: Client | None = None, keep_session_id: int | None = None) -> None:
    """Set a new password, end every session of the user but `keep_session_id`
    (the browser of a user changing their own password stays signed in) and
    every link that could set another one, and tell the owner by e-mail. A
    password an administrator chose must be changed by its owner at the next sign-in."""
    validate_password(new_password, email=user.email, name=user.display_name)
    user.set_password(new_password)
    user.must_change_password = actor is not None and actor.id != user.id
    end_links(user, now or utcnow())
    ended = sessions.end_sessions(user, keep_id=keep_session_id)
    record_security_event(user, "user.password", actor=actor, client=client or UNKNOWN, sessions_ended=ended)
    notify_password_changed(user, now)


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
    members, heads = ids_of(division_ids), ids_of(head_ids)
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
    errors = FieldErrors()
    display_name = _checked_name(display_name, errors)
    email = _checked_email(email, errors, except_user_id=user.id)
    role = _checked_role(role, errors)
    if role is not None:
        errors.collect(_refuse_self_lockout, actor, user, role=role, active=user.active)
    members, heads = errors.collect(_memberships, user, division_ids, head_ids) or (set(), set())
    if "divisions" not in errors:
        _check_divisions_for_role(role, members, errors)
    errors.raise_any()

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
        sessions.end_sessions(user)
    record(user.organization_id, actor, "user.activate" if active else "user.deactivate", user, email=user.email)
    db.session.flush()
    return True


def set_password_for(actor: User, user: User, password: str) -> None:
    """An administrator sets a new password for someone (who is signed out everywhere)."""
    ensure_admin_of(actor, user.organization_id)
    change_password(user, password, actor=actor)
    db.session.flush()
