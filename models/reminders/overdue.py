"""Overdue work for the reminders: tasks and issues past their due date, snoozing, new dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from models.comms.occurrences import DAYTIME_WINDOW, Recurrence
from models.comms.tables import CommPlanLine
from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.enums import OPEN_TASK_STATUSES, CommKind, IssueStatus, Phase
from models.core.errors import InvalidError
from models.core.keys import ItemKind, item_key
from models.issues.tables import Issue
from models.projects.tables import Project
from models.tasks.leaves import has_no_children
from models.tasks.tables import Task

TASK, ISSUE = "task", "issue"


@dataclass(frozen=True)
class ReminderPlan:
    """When a project's reminders go out: its plan's days and time, in each owner's time zone."""

    project: Project
    recurrence: Recurrence


@dataclass(frozen=True)
class OverdueItem:
    plan: ReminderPlan
    kind: str
    number: int
    title: str
    owner_id: str
    due: date
    snoozed_until: date | None

    @property
    def project(self) -> Project:
        return self.plan.project

    @property
    def recurrence(self) -> Recurrence:
        return self.plan.recurrence

    @property
    def key(self) -> str:
        return item_key(self.project.key, ItemKind.TASK if self.kind == TASK else ItemKind.ISSUE, self.number)

    def due_for(self, today: date) -> bool:
        """Overdue on `today` and not snoozed through it.

        Snoozing on a reminder's day quiets the next one: `snoozed_until` is the last quiet day.
        """
        return self.due < today and (self.snoozed_until is None or self.snoozed_until < today)


def reminder_plans(db: Session) -> dict[int, ReminderPlan]:
    """Open projects whose reminders are on, by id."""
    rows = db.execute(
        select(Project, CommPlanLine)
        .join(CommPlanLine, CommPlanLine.project_id == Project.id)
        .where(
            Project.phase != Phase.CLOSED,
            CommPlanLine.kind == CommKind.REMINDERS,
            CommPlanLine.enabled.is_(True),
        )
    ).all()
    return {project.id: ReminderPlan(project, Recurrence.of(line, DAYTIME_WINDOW)) for project, line in rows}


def overdue_candidates(db: Session, before: date) -> list[OverdueItem]:
    """Owned open tasks and issues due before `before` in open projects whose reminders are on.

    `before` is the latest local date anywhere; each owner's own date narrows it down. Only the
    columns a reminder shows are read: the pass runs every minute over the whole workspace.
    """
    plans = reminder_plans(db)
    found: list[OverdueItem] = []
    for model, kind, still_open in (
        (Task, TASK, and_(Task.status.in_(OPEN_TASK_STATUSES), has_no_children())),
        (Issue, ISSUE, Issue.status == IssueStatus.OPEN),
    ):
        owned_and_late = (model.project_id.in_(plans), model.owner_id.is_not(None), model.due_date < before)
        rows = db.execute(
            select(
                model.project_id,
                model.number,
                model.title,
                model.owner_id,
                model.due_date,
                model.snoozed_until,
            )
            .where(*owned_and_late, still_open)
            .order_by(model.due_date, model.number)
        )
        found += [
            OverdueItem(plans[project_id], kind, number, title, owner_id, due, snoozed_until)
            for project_id, number, title, owner_id, due, snoozed_until in rows
            if owner_id is not None and due is not None  # as the query asks: tells the type checker
        ]
    return found


def snooze(
    db: Session, *, actor: Actor, project: Project, thing: Task | Issue, key: str, until: date
) -> None:
    require(db, project, actor, Action.UPDATE_TASK)
    require_open(project)
    before = thing.snoozed_until
    thing.snoozed_until = until
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="reminder.snooze",
        subject=key,
        before={"snoozed_until": before},
        after={"snoozed_until": until},
    )


def move_due(
    db: Session, *, actor: Actor, project: Project, thing: Task | Issue, key: str, due: date, today: date
) -> None:
    require(db, project, actor, Action.UPDATE_TASK)
    require_open(project)
    if due < today:
        raise InvalidError("reminders.new_date_past", field="due_date", day=due)
    start = getattr(thing, "start_date", None)
    if start is not None and due < start:
        raise InvalidError("tasks.due_before_start", field="due_date", due=due, start=start)
    before = thing.due_date
    thing.due_date = due
    thing.snoozed_until = None
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="reminder.new_date",
        subject=key,
        before={"due_date": before},
        after={"due_date": due},
    )
