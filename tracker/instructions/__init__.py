"""The executive's instructions (ข้อสั่งการ) on steps and measures, and the divisions' answers."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_login import current_user

    from . import services
    from .forms import InstructionForm
    from .views import bp

    app.register_blueprint(bp)

    @app.template_global()
    def instruction_threads(measure=None, step=None) -> dict:
        """What the step and measure pages show of their threads (one include each)."""
        organization_id = (step or measure).organization_id
        if step is not None:
            threads = services.threads_of(organization_id, step_id=step.id)
        else:
            threads = services.threads_of(organization_id, measure_id=measure.id)
        may_write = services.can_write_instruction(current_user, organization_id)
        form = InstructionForm(formdata=None, step_id=step.id if step else "") if may_write else None
        return {"threads": threads, "form": form, "measure": measure or step.measure, "step": step}
