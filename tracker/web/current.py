"""What a request's pages need to know of the signed-in user's organization: its today."""
from __future__ import annotations

from datetime import date

from flask_login import current_user

from ..timeutil import org_today


def organization_today() -> date:
    """Today in the signed-in user's organization (`FIXED_TODAY` pins it in tests)."""
    return org_today(current_user.organization)
