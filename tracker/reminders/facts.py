"""What the daily reminder decision reads, for a batch of organizations at once: a few set-based queries.

The rows are plain, immutable records rather than ORM objects: a run over
thousands of organizations must not fill the session's identity map (every
commit would expire all of it), and the e-mails need only a few columns.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..auth.models import Membership, Role, User
from ..extensions import db
from ..ita import StepStatus
from ..measures.models import Measure, Step, step_divisions
from ..measures.status import CLOSED
from ..orgs.models import Division, Organization
from .models import NotificationPreference
from .rules import OpenStep, Person, ReminderRules

@dataclass(frozen=True)
class OrganizationRow:
    """An organization as the reminders name it (the e-mails, the CLI, the time zone)."""

    id: int
    name: str
    slug: str
    timezone: str


@dataclass(frozen=True)
class DivisionName:
    id: int
    name: str


@dataclass(frozen=True)
class MeasureFacts:
    indicator_number: int
    title: str


@dataclass(frozen=True)
class StepFacts:
    """An open step with what an e-mail says of it (the attributes the templates read of a Step)."""

    id: int
    organization_id: int
    number: int
    text: str
    due_date: date
    status: StepStatus
    percent: int
    measure: MeasureFacts
    divisions: tuple[DivisionName, ...] = ()

    def open_step(self) -> OpenStep:
        return OpenStep(self.id, self.due_date, self.status, frozenset(d.id for d in self.divisions))


@dataclass(frozen=True)
class Recipient:
    """A user as a possible recipient (the attributes the e-mails read of a User)."""

    id: int
    organization_id: int
    email: str
    display_name: str
    role: Role
    active: bool
    locale: str | None
    memberships: tuple[tuple[int, bool], ...] = ()  # (division id, heads it)

    def person(self, escalations_only: bool) -> Person:
        return Person(
            user_id=self.id,
            memberships=dict(self.memberships),
            is_executive=self.role == Role.EXECUTIVE,
            active=self.active,
            escalations_only=escalations_only,
        )


@dataclass
class OrganizationFacts:
    """Everything the rules and the e-mails need of one organization's day."""

    org: OrganizationRow
    rules: ReminderRules
    steps: list[StepFacts] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    escalations_only: set[int] = field(default_factory=set)

    def people(self) -> list[Person]:
        return [r.person(r.id in self.escalations_only) for r in self.recipients]


def organization_rows(ids: Sequence[int] | None = None) -> list[OrganizationRow]:
    """Organizations by id (all of them without `ids`), in id order."""
    query = sa.select(Organization.id, Organization.name, Organization.slug, Organization.timezone).order_by(
        Organization.id
    )
    if ids is not None:
        query = query.where(Organization.id.in_(list(ids)))
    return [OrganizationRow(*row) for row in db.session.execute(query)]


def _open_steps(organization_ids: list[int]) -> dict[int, list[StepFacts]]:
    open_here = sa.and_(Step.organization_id.in_(organization_ids), Step.status.not_in(sorted(CLOSED)))
    divisions: dict[int, list[DivisionName]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(step_divisions.c.step_id, Division.id, Division.name)
        .join(Division, Division.id == step_divisions.c.division_id)
        .join(Step, Step.id == step_divisions.c.step_id)
        .where(open_here)
        .order_by(step_divisions.c.step_id, Division.position, Division.id)
    )
    for step_id, division_id, name in rows:
        divisions[step_id].append(DivisionName(division_id, name))
    steps: dict[int, list[StepFacts]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(Step.id, Step.organization_id, Step.position, Step.text, Step.due_date, Step.status,
                  Step.percent, Measure.indicator_number, Measure.title)
        .join(Measure, Measure.id == Step.measure_id)
        .where(open_here)
        .order_by(Step.organization_id, Step.due_date, Measure.indicator_number, Step.position, Step.id)
    )
    for step_id, org_id, position, text, due, status, percent, indicator, title in rows:
        steps[org_id].append(StepFacts(step_id, org_id, position, text, due, StepStatus(status), percent,
                                       MeasureFacts(indicator, title), tuple(divisions.get(step_id, ()))))
    return steps


def _recipients(organization_ids: list[int]) -> tuple[dict[int, list[Recipient]], set[int]]:
    memberships: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(Membership.user_id, Membership.division_id, Membership.is_head)
        .join(User, User.id == Membership.user_id)
        .where(User.organization_id.in_(organization_ids))
        .order_by(Membership.user_id, Membership.division_id)
    )
    for user_id, division_id, is_head in rows:
        memberships[user_id].append((division_id, bool(is_head)))
    recipients: dict[int, list[Recipient]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(User.id, User.organization_id, User.email, User.display_name, User.role, User.active, User.locale)
        .where(User.organization_id.in_(organization_ids))
        .order_by(User.organization_id, User.id)
    )
    for user_id, org_id, email, name, role, active, locale in rows:
        recipients[org_id].append(Recipient(user_id, org_id, email, name, Role(role), bool(active), locale,
                                            tuple(memberships.get(user_id, ()))))
    opted_out = set(
        db.session.scalars(
            sa.select(NotificationPreference.user_id)
            .join(User, User.id == NotificationPreference.user_id)
            .where(User.organization_id.in_(organization_ids), NotificationPreference.escalations_only.is_(True))
        )
    )
    return recipients, opted_out


def load_facts(organizations: Sequence[OrganizationRow], rules: dict[int, ReminderRules]) -> list[OrganizationFacts]:
    """The facts of a batch of organizations in five queries, whatever its size.

    Organizations whose reminders are switched off get no steps or people:
    nothing is decided for them.
    """
    facts = [OrganizationFacts(org, rules[org.id]) for org in organizations]
    enabled = [f.org.id for f in facts if f.rules.enabled]
    if not enabled:
        return facts
    steps = _open_steps(enabled)
    recipients, opted_out = _recipients(enabled)
    for fact in facts:
        fact.steps = steps.get(fact.org.id, [])
        fact.recipients = recipients.get(fact.org.id, [])
        fact.escalations_only = {r.id for r in fact.recipients if r.id in opted_out}
    return facts
