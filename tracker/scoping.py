"""Queries limited to the signed-in user's organization.

Every row a user can reach by URL is looked up through these helpers, so that
an id from another organization is simply "not found" (404), never shown.
"""
from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort

from .extensions import db
from .input import parse_id

ModelT = TypeVar("ModelT")


def org_select(model: type[ModelT], organization_id: int) -> sa.Select[tuple[ModelT]]:
    return sa.select(model).where(model.organization_id == organization_id)  # type: ignore[attr-defined]


def get_in_org(model: type[ModelT], ident: Any, organization_id: int, *options: Any) -> ModelT | None:
    """The row with primary key `ident` if it belongs to the organization."""
    key = parse_id(ident)  # "²", "-1" or an id beyond the database's integers: not found, never a 500
    if key is None:
        return None
    query = org_select(model, organization_id).where(model.id == key)  # type: ignore[attr-defined]
    if options:
        query = query.options(*options)
    return db.session.scalars(query).first()


def get_in_org_or_404(model: type[ModelT], ident: Any, organization_id: int, *options: Any) -> ModelT:
    row = get_in_org(model, ident, organization_id, *options)
    if row is None:
        abort(404)
    return row
