"""Domain errors raised by services, and the HTTP error pages."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _


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


class ValidationFailed(DomainError):
    """Input that breaks a rule (a duplicate e-mail, a percent out of range...)."""


class InvalidFields(ValidationFailed):
    """Several fields break rules at once; `errors` maps each form field to its
    messages, so a form can show all of them next to their fields."""

    def __init__(self, errors: dict[str, list]) -> None:
        field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=field)
        self.errors = errors


class FieldErrors(dict):
    """Messages gathered field by field, so that a service reports every wrong
    field at once instead of stopping at the first."""

    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(message)

    def collect(self, check, *args, **kwargs):
        """Run `check` and return its result; a ValidationFailed it raises joins
        these errors (under its field) instead of stopping, and gives None."""
        try:
            return check(*args, **kwargs)
        except InvalidFields as error:
            for name, messages in error.errors.items():
                for message in messages:
                    self.add(name, message)
        except ValidationFailed as error:
            self.add(error.field or "", error.message)
        return None

    def raise_any(self) -> None:
        if self:
            raise InvalidFields(dict(self))


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


def register_error_pages(app: Flask) -> None:
    def page(status: int, title: str, message: str):
        return render_template("errors/error.html", status=status, title=title, message=message), status

    @app.errorhandler(400)
    def bad_request(error):
        return page(400, _("Bad request"), _("The request could not be understood. Please go back and try again."))

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, _("Not allowed"), _("You do not have permission to open this page or do this action. If you think you should, ask your organization's administrator."))

    @app.errorhandler(PermissionDenied)
    def permission_denied(error: PermissionDenied):
        return page(403, _("Not allowed"), str(error.message))

    @app.errorhandler(404)
    def not_found(error):
        return page(404, _("Page not found"), _("The page you asked for does not exist, or it belongs to another organization."))

    @app.errorhandler(NotFound)
    def domain_not_found(error: NotFound):
        return page(404, _("Page not found"), str(error.message))

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        # A rule refused something a view did not handle itself: say why, not "500".
        return page(error.status_code, _("This could not be done"), str(error.message))

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("File too large"), _("The upload is larger than the server accepts. Please send smaller files."))

    @app.errorhandler(500)
    def server_error(error):
        return page(500, _("Something went wrong"), _("An unexpected error occurred. It has been logged; please try again later."))
