"""Domain errors raised by services (pure: the error pages are in `tracker.web.errors`)."""
from __future__ import annotations

from contextvars import ContextVar


class DomainError(Exception):
    """A rule of the domain refused the operation; nothing was changed.

    `message` is written for the person who caused it (translated by the
    service with lazy_gettext), `field` names the form field it concerns.
    """

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        _last_raised.set(self)


# The latest domain error of this context (a web request): the transaction
# owner rolls back a request in which a rule refused something, even when the
# view caught the error to show it (`tracker.web.transaction`).
_last_raised: ContextVar[DomainError | None] = ContextVar("tracker_last_domain_error", default=None)


def last_raised() -> DomainError | None:
    return _last_raised.get()


def forget_raised() -> None:
    _last_raised.set(None)


class ValidationFailed(DomainError):
    """Input that breaks a rule (a duplicate e-mail, a percent out of range...)."""


class InvalidFields(ValidationFailed):
    """Several fields break rules at once; `errors` maps each form field to its
    messages, so a form can show all of them next to their fields."""

    def __init__(self, errors: dict[str, list]) -> None:
        field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=field)
        self.errors = errors


def show_on_form(form, error: DomainError) -> None:
    """Put a domain error's message(s) next to the form field(s) they concern,
    or at the top of the form when they concern no field of it."""
    errors = getattr(error, "errors", None) or {error.field: [error.message]}
    for name, messages in errors.items():
        target = getattr(form, name, None) if name else None
        texts = [str(m) for m in messages]
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, *texts]
        else:
            form.form_errors.extend(texts)


class PermissionDenied(DomainError):
    """The user may not do this; shown as 403."""

    status_code = 403


class NotFound(DomainError):
    """No such record in the user's organization; shown as 404."""

    status_code = 404


class Conflict(DomainError):
    """Someone else changed the record since the form was loaded."""

    status_code = 409
