"""Pages of a measure and of a step."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..main.views import organization_today
from ..scoping import get_in_org_or_404
from . import status
from .models import Measure, ProgressUpdate, Step
from .policy import can_update_step

bp = Blueprint("measures", __name__)


@bp.route("/measures/<int:measure_id>")
@login_required
def measure_detail(measure_id: int):
    measure = get_in_org_or_404(
        Measure,
        measure_id,
        current_user.organization_id,
        selectinload(Measure.steps).selectinload(Step.divisions),
    )
    today = organization_today()
    facts = [status.StepFacts(s.status, s.percent, s.due_date) for s in measure.steps]
    return render_template(
        "measures/measure.html",
        measure=measure,
        today=today,
        progress=status.mean_progress(f.percent for f in facts),
        state=status.measure_state(facts, today),
        status=status,
    )


@bp.route("/steps/<int:step_id>")
@login_required
def step_detail(step_id: int):
    step = get_in_org_or_404(
        Step,
        step_id,
        current_user.organization_id,
        selectinload(Step.divisions),
        selectinload(Step.updates).selectinload(ProgressUpdate.evidence),
        selectinload(Step.updates).selectinload(ProgressUpdate.author),
    )
    return render_template(
        "measures/step.html",
        step=step,
        today=organization_today(),
        can_update=can_update_step(current_user, step),
        status=status,
    )
