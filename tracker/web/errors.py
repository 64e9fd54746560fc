"""The HTTP error pages, domain errors included."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _

from ..errors import DomainError, NotFound, PermissionDenied


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
