"""The public progress page (no sign-in) and the admins' pages that decide what it shows."""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.http import is_resource_modified

from ..input import parse_whole_number
from ..auth.permissions import admin_required
from ..measures.queries import default_fiscal_year, fiscal_years_with_measures
from ..measures.downloads import send_evidence
from ..timeutil import org_today
from ..urls import external_url
from . import publishing, wording
from .forms import PublicPageForm, ToggleForm
from .services import build_report
from .wording import Numbers

bp = Blueprint("public", __name__, url_prefix="/p")
admin_bp = Blueprint("publishing", __name__, url_prefix="/reports/public")


def cacheable(response: Response, version: publishing.PageVersion) -> Response:
    response.set_etag(version.etag)
    response.last_modified = version.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = publishing.CACHE_SECONDS
    return response


@bp.get("/<slug>/")
def years(slug: str):
    org, _page = publishing.published_organization(slug)
    with force_locale("th"):
        return render_template(
            "reports/public_years.html", org=org, years=fiscal_years_with_measures(org.id), w=wording
        )


class RenderedPages:
    """Public pages as last built, under their validators: the same for every visitor until
    the data, the day or the code changes (per process, the most recently used kept)."""

    def __init__(self, size: int = 256):
        self.size = size
        self.pages: OrderedDict[tuple, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self.lock:
            html = self.pages.get(key)
            if html is not None:
                self.pages.move_to_end(key)
            return html

    def put(self, key: tuple, html: str) -> None:
        with self.lock:
            self.pages[key] = html
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


def rendered_pages() -> RenderedPages:
    return current_app.extensions.setdefault("public_pages", RenderedPages())


@bp.get("/<slug>/<int:fiscal_year>")
def progress(slug: str, fiscal_year: int):
    """The measures of a year, for anyone: 404 unless the organization publishes them."""
    org, page = publishing.published_organization(slug)
    today = org_today(org)
    years = fiscal_years_with_measures(org.id)
    version = publishing.page_version(org, page, fiscal_year, today, years)
    if not is_resource_modified(request.environ, etag=version.etag, last_modified=version.last_modified):
        return cacheable(Response(status=304), version)
    key = (org.id, fiscal_year, version.etag)
    html = rendered_pages().get(key)
    if html is None:
        data = publishing.public_progress(org, fiscal_year, today, page)
        # An official Thai publication, whatever language the visitor's browser asks for.
        with force_locale("th"):
            html = render_template(
                "reports/public.html",
                org=org,
                data=data,
                report=data.report,
                n=Numbers(),
                w=wording,
                years=years,
            )
        rendered_pages().put(key, html)
    return cacheable(Response(html, mimetype="text/html"), version)


@bp.get("/<slug>/files/<int:evidence_id>/<path:filename>")
def evidence_file(slug: str, evidence_id: int, filename: str):
    org, _page = publishing.published_organization(slug)
    evidence = publishing.public_evidence(org, evidence_id)
    response = send_evidence(evidence, max_age=publishing.CACHE_SECONDS, name=publishing.public_file_name(org, evidence))
    response.cache_control.public = True
    return response


# --- administration --------------------------------------------------------------------


def chosen_year(org) -> tuple[int | None, list[int]]:
    years = fiscal_years_with_measures(org.id)
    if not years:
        return None, years
    wanted = request.args.get("year", type=parse_whole_number)
    if wanted in years:
        return wanted, years
    return default_fiscal_year(org.id, org_today(org), years), years


@admin_bp.route("/", methods=["GET", "POST"])
@admin_required
def settings():
    """Switch the public page on or off; see and hide the notes it publishes."""
    org = current_user.organization
    page = publishing.public_page_of(org.id)
    form = PublicPageForm(enabled=bool(page and page.enabled), review_notes=bool(page and page.review_notes))
    if form.validate_on_submit():
        publishing.set_public_page(current_user, org, form.enabled.data, review_notes=form.review_notes.data)
        flash(_("The public progress page is now on.") if form.enabled.data else _("The public progress page is now off."), "success")
        return redirect(url_for(".settings"))
    year, years = chosen_year(org)
    report = build_report(org, year, org_today(org), current=True, include_analysis=False) if year else None
    hidden = publishing.hidden_update_ids(org.id)
    approved = publishing.approved_update_ids(org.id)
    review = bool(page and page.review_notes)
    waiting = {
        row.update_id for _, row in (report.steps if report else []) if row.note and row.update_id not in hidden | approved
    } if review else set()
    only_waiting = review and request.args.get("waiting") == "1"
    return render_template(
        "reports/public_settings.html",
        form=form,
        page=page,
        year=year,
        years=years,
        report=report,
        notes=publishing.redacted_notes(org, report) if report else {},
        hidden=hidden,
        approved=approved,
        review=review,
        waiting=waiting,
        only_waiting=only_waiting,
        public_urls={y: external_url("public.progress", slug=org.slug, fiscal_year=y) for y in years},
        toggle=ToggleForm(),
    )


@admin_bp.post("/notes/<int:update_id>")
@admin_required
def toggle_note(update_id: int):
    form = ToggleForm()
    if form.validate_on_submit():
        publishing.set_note_hidden(current_user, current_user.organization, update_id, hidden=form.on)
        flash(_("The note is hidden from the public page.") if form.on else _("The note is shown on the public page again."), "success")
    return redirect(url_for(".settings", year=request.args.get("year", type=parse_whole_number)) + f"#update-{update_id}")


@admin_bp.post("/notes/<int:update_id>/approve")
@admin_required
def approve_note(update_id: int):
    if ToggleForm().validate_on_submit():
        publishing.approve_note(current_user, current_user.organization, update_id)
        flash(_("The note is approved and shown on the public page."), "success")
    year = request.args.get("year", type=parse_whole_number)
    waiting = request.args.get("waiting")
    return redirect(url_for(".settings", year=year, waiting=waiting) + f"#update-{update_id}")


@admin_bp.get("/files")
@admin_required
def files():
    """Every evidence file of a year, to choose which ones the public may open."""
    org = current_user.organization
    year, years = chosen_year(org)
    lines = publishing.evidence_of_year(org.id, year) if year else []
    page = publishing.public_page_of(org.id)
    return render_template(
        "reports/public_files.html", lines=lines, year=year, years=years, page=page, toggle=ToggleForm()
    )


@admin_bp.post("/files/<int:evidence_id>")
@admin_required
def toggle_file(evidence_id: int):
    form = ToggleForm()
    if form.validate_on_submit():
        evidence = publishing.set_evidence_public(current_user, current_user.organization, evidence_id, public=form.on)
        message = _("%(name)s is now public.", name=evidence.original_name) if form.on else _(
            "%(name)s is no longer public.", name=evidence.original_name
        )
        flash(message, "success")
    return redirect(url_for(".files", year=request.args.get("year", type=parse_whole_number)) + f"#evidence-{evidence_id}")
