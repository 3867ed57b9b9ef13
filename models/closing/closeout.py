"""Closing a project: entering the closing phase, settling what is still open, releasing the team.

Each open item is finished, cancelled or carried over; carried items stay open as they are, for
whoever takes them on, and the final report lists them. Every decision is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from models.closing.checklist import Item, key_of, title_of
from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import OPEN_TASK_STATUSES, Disposition, IssueStatus, Phase, RiskStatus, TaskStatus
from models.core.errors import DomainError, InvalidError, NotFoundError
from models.core.keys import ItemKind, parse_item_key
from models.issues.log import find_issue
from models.issues.tables import Issue
from models.projects.tables import Project
from models.risks.register import find_risk
from models.risks.tables import Risk
from models.schedule.milestones import find_milestone
from models.tasks.breakdown import find_task
from models.tasks.tables import Milestone, Task
from models.team.members import active_members

CLOSABLE = (Phase.INITIATION, Phase.PLANNING, Phase.EXECUTION)


def as_of(project: Project, now: datetime | None = None) -> date:
    """The project's day on its own calendar: today while open, the day it closed once closed.

    `now` is the clock's unless given: a scheduled pass runs as of its own moment.
    """
    moment = project.closed_at if project.phase is Phase.CLOSED and project.closed_at else now or utcnow()
    return moment.astimezone(ZoneInfo(project.timezone)).date()


def start_closing(*, db: Session, actor: Actor, project: Project) -> bool:
    """Move the project into closing from any open phase; False when it was closing already.

    A project may be closed early (cancelled, or its goal reached sooner), so this is not bound
    to the next-phase rule of the gates: the closing gate itself is what keeps the record honest.
    """
    require(db, project, actor, Action.CLOSE_PROJECT)
    require_open(project)
    if project.phase is Phase.CLOSING:
        return False
    before = project.phase
    project.phase = Phase.CLOSING
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="phase.move",
        subject=project.key,
        before={"phase": before},
        after={"phase": Phase.CLOSING},
    )
    return True


def require_closing(project: Project) -> None:
    require_open(project)
    if project.phase is not Phase.CLOSING:
        raise DomainError("closing.not_closing", key=project.key)


def find_item(db: Session, project: Project, key: str) -> Task | Issue | Risk | Milestone:
    """A task, issue, risk or milestone of the project by its key."""
    parsed = parse_item_key(key)
    kind = parsed.kind if parsed else None
    if kind is ItemKind.TASK:
        return find_task(db, project, key)
    if kind is ItemKind.ISSUE:
        return find_issue(db, project, key)
    if kind is ItemKind.RISK:
        return find_risk(db, project, key)
    if kind is ItemKind.MILESTONE:
        return find_milestone(db, project, key)
    raise NotFoundError("closing.bad_key", key=key)


def is_settled(item: Item) -> bool:
    if isinstance(item, Task):
        return item.disposition is not None or item.status not in OPEN_TASK_STATUSES
    if isinstance(item, Issue):
        return item.disposition is not None or item.status is not IssueStatus.OPEN
    if isinstance(item, Risk):
        return item.disposition is not None or item.status is not RiskStatus.OPEN
    return isinstance(item, Milestone) and item.completed_on is not None


def _finish(item: Task | Issue | Risk | Milestone, today: date) -> None:
    now = utcnow()
    if isinstance(item, Task):
        item.status, item.percent_complete, item.done_at = TaskStatus.DONE, 100, now
    elif isinstance(item, Issue):
        item.status, item.resolved_at = IssueStatus.RESOLVED, now
    elif isinstance(item, Risk):
        item.status, item.closed_at = RiskStatus.CLOSED, now
    else:
        item.completed_on = today


def _cancel(item: Task | Issue | Risk) -> None:
    now = utcnow()
    if isinstance(item, Task):
        item.status = TaskStatus.CANCELLED
    elif isinstance(item, Issue):
        item.status, item.resolved_at = IssueStatus.RESOLVED, now
    else:
        item.status, item.closed_at = RiskStatus.CLOSED, now


@dataclass(frozen=True)
class Settled:
    key: str
    title: str
    disposition: Disposition
    # Whose open work the item was (a milestone has nobody): their Home tab changes with it.
    owner_id: str | None
    kind: str  # task, issue, risk or milestone: each is finished in its own word


def settle(
    *, db: Session, actor: Actor, project: Project, key: str, disposition: Disposition, today: date
) -> Settled:
    """Finish, cancel or carry over one open item; a milestone can only be marked reached."""
    require(db, project, actor, Action.CLOSE_PROJECT)
    require_closing(project)
    item = find_item(db, project, key)
    item_key = key_of(project, item)
    if is_settled(item):
        raise DomainError("closing.already_settled", key=item_key)
    if isinstance(item, Milestone):
        if disposition is not Disposition.FINISHED:
            raise InvalidError("closing.milestone_reached_only", key=item_key)
        _finish(item, today)
    else:
        if disposition is Disposition.FINISHED:
            _finish(item, today)
        elif disposition is Disposition.CANCELLED:
            _cancel(item)
        item.disposition = disposition
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action=f"closing.{disposition.value}",
        subject=item_key,
        after={"disposition": disposition},
    )
    owner = getattr(item, "owner_id", None)
    return Settled(item_key, title_of(item), disposition, owner, type(item).__name__.lower())


def release_team(db: Session, project: Project, day: date) -> None:
    """End every allocation to the project on `day`, so people show free everywhere after it."""
    for member in active_members(db, project):
        if member.allocated_to is None or member.allocated_to > day:
            member.allocated_to = day
            if member.allocated_from is not None and member.allocated_from > day:
                member.allocated_from = day
