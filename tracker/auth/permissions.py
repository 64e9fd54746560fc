"""Who may do what: role checks for views and rules for services."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..errors import PermissionDenied
from .models import Role, User


def roles_required(*roles: Role) -> Callable:
    """View decorator: signed in, and one of `roles`, or 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = roles_required(Role.ADMIN)


def ensure_admin(user: User) -> None:
    """Service-level check: only admins manage users, divisions, measures, imports."""
    if user is None or not user.is_admin:
        raise PermissionDenied(_l("Only an administrator can do this."))


def ensure_same_org(user: User, organization_id: int) -> None:
    if user.organization_id != organization_id:
        # Another organization's rows do not exist for this user.
        from ..errors import NotFound

        raise NotFound(_l("This record does not exist in your organization."))


def ensure_admin_of(user: User, organization_id: int) -> None:
    """Service-level check: an administrator of this organization (403, or 404 for another one's)."""
    ensure_admin(user)
    ensure_same_org(user, organization_id)
