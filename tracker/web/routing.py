"""Numbers in URLs that the database can hold: a larger one is a page that does not exist (404).

Every id column is a 32-bit integer on PostgreSQL; SQLite raises OverflowError
beyond 64 bits. A number no row can have is refused while routing, before a
view runs a query with it.
"""
from __future__ import annotations

from builtins import min as builtin_min

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# The largest value of an INTEGER column on PostgreSQL, the smaller of our two databases.
MAX_ID = 2**31 - 1
# Further than any list goes; beyond it (page - 1) * per_page could overflow a query's OFFSET.
MAX_PAGE = 1_000_000


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only numbers up to MAX_ID unless a rule gives its own `max`."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        bounded = MAX_ID if max is None else builtin_min(max, MAX_ID)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bounded, signed=signed)


def page_number(name: str = "page") -> int:
    """The page asked for in the query string (1 when none); 404 for one that no list can have."""
    value = request.args.get(name)
    if value is None or value == "":
        return 1
    # Checked as text first: int() of a few thousand digits is itself an error.
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(MAX_PAGE)) or not 1 <= int(value) <= MAX_PAGE:
        abort(404)
    return int(value)


def init_app(app: Flask) -> None:
    """Replace the `int` converter before any blueprint adds its rules."""
    app.url_map.converters["int"] = BoundedIntConverter
