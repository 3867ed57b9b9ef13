"""Overdue work for the reminders: tasks and issues past their due date, snoozing, new dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from models.access import Action, Actor, require, require_open
from models.audit import record
from models.comms import CommPlanLine
from models.enums import CommKind, IssueStatus, Phase, TaskStatus
from models.errors import InvalidError
from models.issue import Issue
from models.issues import issue_key
from models.leaves import has_no_children
from models.occurrences import DAYTIME_WINDOW, Recurrence
from models.project import Project
from models.tasks import task_key
from models.work import Task

OPEN_TASK = (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)
TASK, ISSUE = "task", "issue"


@dataclass(frozen=True)
class OverdueItem:
    project: Project
    kind: str
    key: str
    title: str
    owner_id: str
    due: date
    snoozed_until: date | None
    # When the project's reminders go out (its plan's days and time, in the owner's time zone).
    recurrence: Recurrence

    def due_for(self, today: date) -> bool:
        """Overdue on `today` and not snoozed through it.

        Snoozing on a reminder's day quiets the next one: `snoozed_until` is the last quiet day.
        """
        return self.due < today and (self.snoozed_until is None or self.snoozed_until < today)


def _line_join(kind: CommKind) -> tuple[type[CommPlanLine], object]:
    return CommPlanLine, and_(
        CommPlanLine.project_id == Project.id, CommPlanLine.kind == kind, CommPlanLine.enabled.is_(True)
    )


def _item(
    project: Project, line: CommPlanLine, *, kind: str, key: str, thing: Task | Issue, title: str
) -> OverdueItem:
    return OverdueItem(
        project=project,
        kind=kind,
        key=key,
        title=title,
        owner_id=thing.owner_id or "",
        due=thing.due_date,  # type: ignore[arg-type]
        snoozed_until=thing.snoozed_until,
        recurrence=Recurrence.of(line, DAYTIME_WINDOW),
    )


def overdue_candidates(db: Session, before: date) -> list[OverdueItem]:
    """Owned open tasks and issues due before `before` in open projects whose reminders are on.

    `before` is the latest local date anywhere; each owner's own date narrows it down.
    """
    line, on = _line_join(CommKind.REMINDERS)
    open_project = Project.phase != Phase.CLOSED
    tasks = db.execute(
        select(Project, line, Task)
        .join(line, on)
        .join(Task, Task.project_id == Project.id)
        .where(
            open_project,
            Task.owner_id.is_not(None),
            Task.status.in_(OPEN_TASK),
            Task.due_date < before,
            has_no_children(),
        )
        .order_by(Task.due_date, Task.number)
    ).all()
    issues = db.execute(
        select(Project, line, Issue)
        .join(line, on)
        .join(Issue, Issue.project_id == Project.id)
        .where(
            open_project,
            Issue.owner_id.is_not(None),
            Issue.status == IssueStatus.OPEN,
            Issue.due_date < before,
        )
        .order_by(Issue.due_date, Issue.number)
    ).all()
    found = [
        _item(project, plan, kind=TASK, key=task_key(project, task), thing=task, title=task.title)
        for project, plan, task in tasks
    ]
    found += [
        _item(project, plan, kind=ISSUE, key=issue_key(project, issue), thing=issue, title=issue.title)
        for project, plan, issue in issues
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
