"""Input checked once at the edge: no NUL characters, text that fits its column, whole numbers the database can hold.

- Every request's query string and form fields are checked for NUL by
  `init_app` (PostgreSQL refuses NUL in text, so it would otherwise end as a
  500 deep in a flush, even on the sign-in page).
- Before every flush, each new or changed text value is checked against its
  model column (NUL, length): the forms, the CLI and the importer all write
  through the models, so no text too long for its column reaches the
  database; the `ValidationFailed` names the column, which `show_on_form`
  puts next to the form field of the same name.
- Numbers typed by people go through `parse_whole_number`, which accepts
  Thai and ASCII digits only (`²` and `①` pass `str.isdigit()` but not
  `int()`) and nothing beyond the database's integer range.
"""
from __future__ import annotations

import itertools
import re

import sqlalchemy as sa
from flask import Flask, request
from flask_babel import lazy_gettext as _l

from .errors import ValidationFailed
from .thai import to_arabic_digits

DB_INTEGER_MAX = 2**31 - 1  # PostgreSQL's integer (and so every INTEGER column of ours)
_WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")

NUL_MESSAGE = _l(
    "The form holds a character that cannot be saved (NUL, code 0), perhaps copied from another program. "
    "Type the text again without it and send the form again."
)


def too_long_message(limit: int, length: int) -> str:
    return _l("This text is too long: at most %(limit)d characters, it has %(length)d.", limit=limit, length=length)


def check_text_columns(session, flush_context, instances) -> None:
    """Before a flush: every text about to be written has no NUL and fits its column."""
    try:
        _check_texts(session)
    except ValidationFailed:
        _drop_unflushed(session)
        raise


def _drop_unflushed(session) -> None:
    """Nothing of a refused flush stays in the session: the page that shows the
    error runs queries of its own, whose autoflush would otherwise meet the same
    text again. The request's transaction owner rolls back the rest."""
    for instance in list(session.new):
        session.expunge(instance)
    for instance in list(session.dirty):
        session.expire(instance)


def _check_texts(session) -> None:
    for instance in itertools.chain(session.new, session.dirty):
        state = sa.inspect(instance)
        for attribute in state.mapper.column_attrs:
            value = state.dict.get(attribute.key)  # only what is loaded or set: no lazy load inside a flush
            if not isinstance(value, str):
                continue
            column_type = attribute.columns[0].type
            if not isinstance(column_type, sa.String):
                continue
            if "\x00" in value:
                raise ValidationFailed(NUL_MESSAGE, field=attribute.key)
            limit = column_type.length
            if limit is not None and len(value) > limit:
                raise ValidationFailed(too_long_message(limit, len(value)), field=attribute.key)


def parse_whole_number(value: object, *, minimum: int = 0, maximum: int = DB_INTEGER_MAX) -> int | None:
    """`value` as a whole number between `minimum` and `maximum`, Thai digits allowed; None otherwise."""
    text = to_arabic_digits("" if value is None else str(value)).strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(value: object) -> int | None:
    """A record id from a form or query string; None for anything that cannot be one."""
    return parse_whole_number(value, minimum=1)


def ids_of(values) -> set[int]:
    """The valid ids among `values` (checkbox values, ...)."""
    return {number for number in (parse_id(v) for v in values or ()) if number is not None}





def holds_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def refuse_nul() -> None:
    """Before every request: a NUL anywhere in the query string or the form is refused (400)."""
    if holds_nul(request.args) or (request.method in ("POST", "PUT", "PATCH") and (
        holds_nul(request.form) or any("\x00" in (f.filename or "") for f in request.files.values())
    )):
        raise ValidationFailed(NUL_MESSAGE)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul)
    if not sa.event.contains(sa.orm.Session, "before_flush", check_text_columns):
        sa.event.listen(sa.orm.Session, "before_flush", check_text_columns)
