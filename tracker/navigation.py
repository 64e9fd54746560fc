"""Menu entries registered by each domain, so that adding a page touches no shared template."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from .auth.models import Role, User

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy translated string
    endpoint: str
    roles: frozenset[Role] = ALL_ROLES
    order: int = 50
    # Extra test, e.g. "only when the organization enabled the public page".
    visible: Callable[[User], bool] | None = field(default=None, compare=False)

    def shown_to(self, user: User) -> bool:
        return user.role in self.roles and (self.visible is None or self.visible(user))


def add_nav_item(app: Flask, item: NavItem, *, menu: str = "main") -> None:
    """Add an entry to the main menu ("main"), the administration menu ("admin")
    or the signed-in user's own menu ("user")."""
    menus = app.extensions.setdefault("tracker_menus", {})
    menus.setdefault(menu, []).append(item)
    menus[menu].sort(key=lambda i: i.order)


def init_app(app: Flask) -> None:
    @app.context_processor
    def menus():
        def menu(name: str, user: User) -> list[NavItem]:
            if not getattr(user, "is_authenticated", False):
                return []
            return [i for i in app.extensions.get("tracker_menus", {}).get(name, []) if i.shown_to(user)]

        return {"menu": menu}
