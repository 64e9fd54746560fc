"""Invitations and "forgot my password": single-use links, sent through the outbox, to set a password."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..errors import ValidationFailed
from ..extensions import db
from ..orgs.models import Division, Organization
from ..timeutil import utcnow
from ..urls import external_url
from .account_models import AccountToken, TokenPurpose
from .models import Role, User
from . import notices
from .notices import queue_email
from .permissions import ensure_admin_of
from .services import create_user, end_links, validate_password

INVITATION_VALID_FOR = timedelta(hours=72)
RESET_VALID_FOR = timedelta(hours=1)
# Reset e-mails one account may be sent in RESET_VALID_FOR: a stranger who
# knows the address must not be able to flood its owner's mailbox.
MAX_RESETS_PER_HOUR = 3

VALID_FOR = {TokenPurpose.INVITATION: INVITATION_VALID_FOR, TokenPurpose.PASSWORD_RESET: RESET_VALID_FOR}


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, now: datetime) -> str:
    """A new link for `user`; older unused links of the same kind stop working.
    Returns the token itself, which is never stored."""
    db.session.execute(
        sa.delete(AccountToken).where(
            AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None)
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=hash_token(token), created_at=now,
                                expires_at=now + VALID_FOR[purpose]))
    db.session.flush()
    return token


def find_token(token: str, purpose: TokenPurpose, now: datetime) -> AccountToken | None:
    """The unused, unexpired link of an active account, or None (one answer for every way it can be wrong)."""
    if not token or len(token) > 200:
        return None
    found = db.session.scalars(
        sa.select(AccountToken).where(AccountToken.token_hash == hash_token(token), AccountToken.purpose == purpose)
    ).first()
    if found is None or found.used_at is not None or found.expires_at <= now or not found.user.active:
        return None
    return found


# --- invitations ------------------------------------------------------------------------

def _queue_invitation(user: User, actor: User, now: datetime):
    token = issue_token(user, TokenPurpose.INVITATION, now)
    return queue_email(
        user, notices.INVITATION, "invitation", _l("You are invited to the ITA Tracker"), now,
        link=external_url("account.accept_invitation", token=token), inviter=actor.display_name,
        expires_at=now + INVITATION_VALID_FOR, hours=int(INVITATION_VALID_FOR.total_seconds() // 3600),
    )


def invite_user(
    actor: User,
    org: Organization,
    *,
    email: str,
    display_name: str,
    role: Role | str,
    divisions: Iterable[Division] = (),
    head_of: Iterable[Division] = (),
    now: datetime | None = None,
) -> User:
    """Create an account without a password and e-mail its owner a link, valid
    72 hours, to choose one; the administrator never knows it. The caller commits."""
    now = now or utcnow()
    user = create_user(org, email=email, display_name=display_name, role=role, password=None,
                       divisions=divisions, head_of=head_of, actor=actor)
    _queue_invitation(user, actor, now)
    record(org.id, actor, "user.invite", user, email=user.email)
    return user


def invitation_state(user: User, now: datetime | None = None) -> str | None:
    """"pending" or "expired" while the owner has not yet set a password through their invitation, else None."""
    now = now or utcnow()
    tokens = db.session.scalars(
        sa.select(AccountToken).where(AccountToken.user_id == user.id, AccountToken.purpose == TokenPurpose.INVITATION)
    ).all()
    if not tokens or any(t.used_at is not None for t in tokens):
        return None
    return "pending" if any(t.expires_at > now for t in tokens) else "expired"


def invitation_states(organization_id: int, now: datetime | None = None) -> dict[int, str]:
    """`invitation_state` of every invited account of an organization, in one query."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(AccountToken.user_id, AccountToken.expires_at, AccountToken.used_at)
        .join(User, User.id == AccountToken.user_id)
        .where(User.organization_id == organization_id, AccountToken.purpose == TokenPurpose.INVITATION)
    ).all()
    states: dict[int, str] = {}
    accepted = {user_id for user_id, _, used_at in rows if used_at is not None}
    for user_id, expires_at, _ in rows:
        if user_id in accepted:
            continue
        if expires_at > now or states.get(user_id) == "pending":
            states[user_id] = "pending"
        else:
            states[user_id] = "expired"
    return states


def resend_invitation(actor: User, user: User, now: datetime | None = None) -> None:
    """A new invitation link (the old one stops working), while the owner has not accepted it."""
    ensure_admin_of(actor, user.organization_id)
    now = now or utcnow()
    if invitation_state(user, now) is None:
        raise ValidationFailed(_l("This person has already set a password; there is no invitation to send again."))
    if not user.active:
        raise ValidationFailed(_l("This account is deactivated; reactivate it before sending the invitation again."))
    _queue_invitation(user, actor, now)
    record(user.organization_id, actor, "user.invite", user, email=user.email, again=True)
    db.session.flush()


# --- forgotten passwords ------------------------------------------------------------------

def request_password_reset(email: str, now: datetime | None = None) -> object | None:
    """E-mail a reset link, valid one hour, if an active account has this address.

    Nothing is said either way: the page answers the same for every address.
    Returns the e-mail put in the outbox, if any. The caller commits."""
    now = now or utcnow()
    key = (email or "").strip().lower()[:254]
    if not key or "\x00" in key:
        return None
    user = db.session.scalars(sa.select(User).where(User.email == key, User.active.is_(True))).first()
    if user is None:
        return None
    # Counted on the outbox: a new link deletes the unused older ones.
    sent = notices.sent_since(user, notices.PASSWORD_RESET, now - RESET_VALID_FOR)
    if sent >= MAX_RESETS_PER_HOUR:
        return None
    token = issue_token(user, TokenPurpose.PASSWORD_RESET, now)
    notification = queue_email(
        user, notices.PASSWORD_RESET, "password_reset", _l("Choose a new ITA Tracker password"), now,
        link=external_url("account.reset_password", token=token), expires_at=now + RESET_VALID_FOR,
        minutes=int(RESET_VALID_FOR.total_seconds() // 60),
    )
    record(user.organization_id, None, "user.password_reset_requested", user)
    return notification


def set_password_with_link(token: str, purpose: TokenPurpose, password: str, now: datetime | None = None) -> User:
    """Use a link once: set the owner's password (ending their other sessions and links).

    Raises `ValidationFailed` if the link is not valid (any reason) or the password breaks the policy."""
    now = now or utcnow()
    found = find_token(token, purpose, now)
    if found is None:
        raise ValidationFailed(LINK_NOT_VALID)
    user = found.user
    validate_password(password, email=user.email, name=user.display_name)
    # Claimed with a conditional update, so that two uses at once set one password.
    claimed = db.session.execute(
        sa.update(AccountToken).where(AccountToken.id == found.id, AccountToken.used_at.is_(None)).values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise ValidationFailed(LINK_NOT_VALID)
    user.set_password(password)
    user.must_change_password = False
    end_links(user, now)
    record(user.organization_id, user,
           "user.invitation_accepted" if purpose == TokenPurpose.INVITATION else "user.password_reset", user)
    if purpose == TokenPurpose.PASSWORD_RESET:
        notices.notify_password_changed(user, now)
    db.session.flush()
    return user


LINK_NOT_VALID = _l("This link is not valid any more: it was already used, it has expired, or a newer one was sent. "
                    "Ask for a new one.")
