"""Two-step sign-in: TOTP codes from an authenticator app, single-use recovery codes, the organization's requirement."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..errors import ValidationFailed
from ..extensions import db
from ..orgs.models import Organization
from ..timeutil import utcnow
from .account_models import RecoveryCode, TwoFactor
from .models import Role, User
from .notices import notify_two_factor_changed
from .permissions import ensure_admin_of

ISSUER = "ITA Tracker"
RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits that cannot be mistaken for one another (no 0/o, 1/l).
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz346789"
# Wrong codes in a row after which the password must be entered again.
MAX_CODE_FAILURES = 5
# Codes of the previous and next 30-second step are accepted: phone clocks drift.
VALID_WINDOW = 1
ROLES_THAT_CAN_BE_REQUIRED = (Role.ADMIN, Role.EXECUTIVE)

WRONG_CODE = _l("The code is not correct. Use the current 6-digit code of your authenticator app, or a recovery code.")


# --- what the pages ask ------------------------------------------------------------------

def two_factor_of(user: User) -> TwoFactor | None:
    return db.session.get(TwoFactor, user.id)


def is_enabled(user: User) -> bool:
    found = two_factor_of(user)
    return found is not None and found.enabled_at is not None


def is_required(user: User) -> bool:
    """The user's organization requires a second factor of people in the user's role."""
    return user.role in ROLES_THAT_CAN_BE_REQUIRED and bool(user.organization.require_two_factor)


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ) or 0


def provisioning_uri(user: User, secret: str) -> str:
    # Short (no organization name, whose Thai letters would be percent-encoded):
    # a shorter text makes a coarser QR code that old phone cameras read.
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_data_uri(text: str) -> str:
    """The QR code as an SVG data: URI, made here (no outside service sees the secret)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def format_secret(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


# --- codes ---------------------------------------------------------------------------------

def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isascii() and ch.isalnum()).lower()


def _accepted_counter(two_factor: TwoFactor, code: str, now: datetime) -> int | None:
    """The time step of a right TOTP code not used before, or None."""
    code = _clean(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(two_factor.secret)
    current = totp.timecode(now)
    for counter in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            if two_factor.last_counter is not None and counter <= two_factor.last_counter:
                return None  # replayed
            return counter
    return None


def _hash_recovery_code(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{_clean(code)}".encode()).hexdigest()


def _use_recovery_code(user: User, code: str, now: datetime) -> bool:
    cleaned = _clean(code)
    if len(cleaned) != 10:
        return False
    # A conditional update: one code signs in once, even with two tries at once.
    used = db.session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_recovery_code(user.id, cleaned),
               RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return used == 1


def new_recovery_codes(user: User) -> list[str]:
    """Ten new single-use codes (the old ones stop working); shown once, stored hashed."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(user.id, raw)))
    db.session.flush()
    return codes


def verify_sign_in(user: User, code: str, now: datetime | None = None) -> str | None:
    """Check the second step of a sign-in: "totp" or "recovery" if accepted, None if not.

    A wrong code is counted; a caller that answers it with a refusal keeps the count with
    `tracker.web.transaction.save_refusal()`."""
    now = now or utcnow()
    two_factor = db.session.scalars(
        sa.select(TwoFactor).where(TwoFactor.user_id == user.id).with_for_update()
    ).first()
    if two_factor is None or two_factor.enabled_at is None:
        return None
    counter = _accepted_counter(two_factor, code, now)
    if counter is not None:
        two_factor.last_counter = counter
        two_factor.failed_attempts = 0
        return "totp"
    if _use_recovery_code(user, code, now):
        two_factor.failed_attempts = 0
        record(user.organization_id, user, "user.recovery_code_used", user,
               remaining=remaining_recovery_codes(user))
        return "recovery"
    two_factor.failed_attempts += 1
    return None


def failed_attempts(user: User) -> int:
    found = two_factor_of(user)
    return found.failed_attempts if found else 0


# --- turning it on and off -----------------------------------------------------------

def new_secret() -> str:
    """A new secret to show as a QR code; nothing is saved until the user confirms it with a code."""
    return pyotp.random_base32()


def is_valid_secret(secret: str | None) -> bool:
    return bool(secret) and len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def start_setup(user: User, secret: str | None = None) -> TwoFactor:
    """Keep `secret` (or a new one) as the user's pending secret, not yet in force
    (an enabled one is returned as it is)."""
    found = two_factor_of(user)
    if found is not None and found.enabled_at is not None:
        return found
    if secret is not None and not is_valid_secret(secret):
        raise ValidationFailed(_l("Start again: open the two-step sign-in page and scan the new QR code."), field="code")
    if found is None:
        found = TwoFactor(user_id=user.id, secret=secret or new_secret(), failed_attempts=0)
        db.session.add(found)
    elif secret is not None:
        found.secret = secret
    db.session.flush()
    return found


def enable(user: User, code: str, now: datetime | None = None, *, secret: str | None = None) -> list[str]:
    """Put the pending secret (or `secret`, the one the page showed) in force once
    the user typed a right code from it; returns the ten recovery codes to show once."""
    now = now or utcnow()
    if secret is not None and not is_enabled(user):
        start_setup(user, secret)
    found = two_factor_of(user)
    if found is None or found.enabled_at is not None:
        raise ValidationFailed(_l("Start again: open the two-step sign-in page and scan the new QR code."), field="code")
    counter = _accepted_counter(found, code, now)
    if counter is None:
        raise ValidationFailed(_l("The code is not correct. Check that the phone's clock is right and type the code "
                                  "the app shows now."), field="code")
    found.enabled_at = now
    found.last_counter = counter
    found.failed_attempts = 0
    codes = new_recovery_codes(user)
    record(user.organization_id, user, "user.two_factor_on", user)
    notify_two_factor_changed(user, "two_factor_on", now)
    db.session.flush()
    return codes


def regenerate_recovery_codes(user: User, password: str) -> list[str]:
    if not is_enabled(user):
        raise ValidationFailed(_l("Two-step sign-in is not on."))
    if not user.check_password(password or ""):
        raise ValidationFailed(_l("The current password is not correct."), field="password")
    codes = new_recovery_codes(user)
    record(user.organization_id, user, "user.recovery_codes", user)
    return codes


def disable(user: User, password: str, now: datetime | None = None) -> None:
    """The user turns it off (with their password), unless the organization requires it."""
    if is_required(user):
        raise ValidationFailed(_l("Your organization requires two-step sign-in for your role; it cannot be turned off."))
    if not user.check_password(password or ""):
        raise ValidationFailed(_l("The current password is not correct."), field="password")
    _remove(user)
    record(user.organization_id, user, "user.two_factor_off", user)
    notify_two_factor_changed(user, "two_factor_off", now)
    db.session.flush()


def reset_for(actor: User | None, user: User, now: datetime | None = None) -> bool:
    """An administrator removes someone's second factor (a lost phone); audited,
    and the owner is told. Returns whether there was one. `actor` None: the
    command line (an organization's only administrator lost their phone)."""
    if actor is not None:
        ensure_admin_of(actor, user.organization_id)
    if two_factor_of(user) is None:
        return False
    _remove(user)
    record(user.organization_id, actor, "user.two_factor_reset", user, email=user.email)
    notify_two_factor_changed(user, "two_factor_reset", now)
    db.session.flush()
    return True


def _remove(user: User) -> None:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(sa.delete(TwoFactor).where(TwoFactor.user_id == user.id))


def set_requirement(actor: User, org: Organization, required: bool) -> bool:
    """Whether administrators and executives of `org` must use a second factor; returns whether it changed."""
    ensure_admin_of(actor, org.id)
    if org.require_two_factor == required:
        return False
    org.require_two_factor = required
    record(org.id, actor, "org.require_two_factor", org, required=required)
    db.session.flush()
    return True

