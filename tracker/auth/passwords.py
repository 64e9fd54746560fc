"""The password policy: long enough, not the person's e-mail or name, not a common password."""
from __future__ import annotations

import functools
import re
from pathlib import Path

from flask_babel import lazy_gettext as _l

from ..errors import ValidationFailed

MIN_PASSWORD_LENGTH = 10
# The 20,000 most common passwords, shipped with the project and checked
# offline (see COMMON-PASSWORDS-LICENSE.txt for where it comes from).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")


@functools.cache
def common_passwords() -> frozenset[str]:
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def _squeezed(text: str) -> str:
    """Lower-cased letters and digits only, so that "Somchai.Jaidee" matches "somchai jaidee"."""
    return re.sub(r"[\W_]+", "", (text or "").casefold())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this password may not be used, or None. Pure: no database, no request."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return str(_l("The password must have at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))
    squeezed = _squeezed(password)
    email = (email or "").strip()
    personal = {_squeezed(email), _squeezed(email.split("@")[0]), _squeezed(name)}
    if squeezed and squeezed in personal - {""}:
        return str(_l("The password must not be your e-mail address or your name."))
    if password.lower() in common_passwords() or password.strip().lower() in common_passwords():
        return str(_l("This password is one of the most common passwords and is easy to guess. Please choose another."))
    return None


def check_password_policy(password: str, *, email: str = "", name: str = "", field: str = "password") -> None:
    """Raise `ValidationFailed` on `field` if the password breaks the policy."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise ValidationFailed(problem, field=field)
