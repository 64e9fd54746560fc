"""Pages of the progress report (choose, print, download) and of the ITA analysis."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..input import parse_whole_number
from .. import thai
from ..errors import ValidationFailed
from ..measures.queries import default_fiscal_year, fiscal_years_with_measures, measures_by_indicator
from ..web.current import organization_today
from . import wording
from .forms import AnalysisYearForm, ReportForm
from .pdf_writer import PdfUnavailable, pdf_available
from .services import (
    FILE_FORMATS,
    ReportFormat,
    assessment_years,
    build_analysis,
    default_as_of,
    export_report,
    report_for,
)
from .wording import Numbers

bp = Blueprint("reports", __name__, url_prefix="/reports")

OUTPUTS = (ReportFormat.PRINT, *FILE_FORMATS)


def year_choices(years: list[int]) -> list[tuple[int, str]]:
    return [(year, _("Fiscal year %(year)s", year=year)) for year in years]


def render_index(form: ReportForm | None, years: list[int], status: int = 200, pdf_error: str | None = None):
    ready = pdf_available()
    return (
        render_template(
            "reports/index.html",
            form=form,
            years=years,
            pdf_ready=ready,
            pdf_error=pdf_error,
        ),
        status,
    )


@bp.get("/")
@login_required
def index():
    org = current_user.organization
    years = fiscal_years_with_measures(org.id)
    if not years:
        return render_index(None, years)
    today = organization_today()
    year = default_fiscal_year(org.id, today, years)
    form = ReportForm(formdata=None, fiscal_year=year, as_of=thai.format_date_numeric(default_as_of(year, today)))
    form.fiscal_year.choices = year_choices(years)
    return render_index(form, years)


@bp.get("/export")
@login_required
def export():
    """The chosen report: the print view, or a Word, Excel or PDF file."""
    org = current_user.organization
    output = request.args.get("output", ReportFormat.PRINT)
    years = fiscal_years_with_measures(org.id)
    if output not in OUTPUTS or request.args.get("fiscal_year", type=parse_whole_number) not in years:
        abort(404)  # another organization's year is simply not here
    form = ReportForm(formdata=request.args)
    form.fiscal_year.choices = year_choices(years)
    if not form.validate():
        return render_index(form, years, 400)
    user = current_user._get_current_object()
    numbers = Numbers(form.thai_digits.data)
    try:
        if output == ReportFormat.PRINT:
            report = report_for(
                user, org, form.fiscal_year.data, form.as_of.parsed,
                today=organization_today(), output=output, thai_digits=numbers.thai_digits,
            )
        else:
            exported = export_report(
                user, org, form.fiscal_year.data, form.as_of.parsed, output,
                today=organization_today(), thai_digits=numbers.thai_digits,
            )
    except ValidationFailed as error:
        getattr(form, error.field or "as_of").errors.append(str(error.message))
        return render_index(form, years, 400)
    except PdfUnavailable as error:
        return render_index(form, years, 503, pdf_error=str(error.message))
    if output == ReportFormat.PRINT:
        return render_template("reports/print.html", report=report, n=numbers, w=wording, args=request.args)
    return send_file(
        BytesIO(exported.content), mimetype=exported.mimetype, as_attachment=True, download_name=exported.filename
    )


@bp.get("/ita")
@bp.get("/ita/<int:fiscal_year>")
@login_required
def analysis(fiscal_year: int | None = None):
    """An ITA assessment with the change from the year before, and the measures that answer it."""
    org = current_user.organization
    years = assessment_years(org.id)
    if not years:
        return render_template("reports/analysis.html", analysis=None, form=None, measures={})
    chosen = request.args.get("fiscal_year", type=parse_whole_number) or fiscal_year or years[0]
    result = build_analysis(current_user, org, chosen)
    form = AnalysisYearForm(formdata=None, fiscal_year=chosen)
    form.fiscal_year.choices = year_choices(years)
    # Measures run in the year after the assessment they answer.
    measures = measures_by_indicator(org.id, chosen + 1)
    return render_template("reports/analysis.html", analysis=result, form=form, measures=measures, n=Numbers())
