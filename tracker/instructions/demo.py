"""The demo's instruction: the deputy clerk asks about the most overdue open step, its division head answers."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..auth.models import Role, User
from ..extensions import db
from ..measures.models import Step, StepStatus
from ..timeutil import utcnow
from . import services
from .models import Instruction

DEMO_INSTRUCTION = ("ขั้นตอนนี้เลยกำหนดแล้ว ขอให้รายงานสาเหตุที่ล่าช้าและแผนการดำเนินการให้แล้วเสร็จ "
                    "พร้อมแนบหลักฐานภายในสัปดาห์นี้")
DEMO_ANSWER = ("รับทราบ ได้ประชุมภายในกองแล้ว สาเหตุเกิดจากรอข้อมูลจากหน่วยงานอื่น "
               "จะดำเนินการให้แล้วเสร็จภายใน ๑๔ วัน และจะรายงานความคืบหน้าในระบบ")


def add_demo_instruction(org, today: date) -> Instruction | None:
    """One instruction with an answer on the demo's most overdue open step,
    written two and one days before `today`. Does nothing when the demo has
    an instruction already, or no executive, or no late step with a head."""
    if db.session.scalar(sa.select(Instruction.id).where(Instruction.organization_id == org.id).limit(1)):
        return None
    users = list(db.session.scalars(sa.select(User).where(User.organization_id == org.id, User.active.is_(True))))
    executive = next((u for u in users if u.role == Role.EXECUTIVE), None)
    heads = {m.division_id: u for u in users for m in u.memberships if m.is_head}
    late = db.session.scalars(
        sa.select(Step)
        .where(Step.organization_id == org.id, Step.status != StepStatus.DONE, Step.due_date < today)
        .order_by(Step.due_date, Step.id)
    ).all()
    step = next((s for s in late if any(d.id in heads for d in s.divisions)), None)
    if executive is None or step is None:
        return None
    head = next(heads[d.id] for d in step.divisions if d.id in heads)
    zone = ZoneInfo(org.timezone)

    def at(days_ago: int, hour: int) -> datetime:
        return min(datetime.combine(today - timedelta(days=days_ago), time(hour, 0), tzinfo=zone), utcnow())

    instruction = services.write_instruction(executive, step.measure, step=step, body=DEMO_INSTRUCTION, now=at(2, 9))
    services.answer_instruction(head, instruction, body=DEMO_ANSWER, now=at(1, 14))
    return instruction
