"""Daily work on tasks: status, progress, new dates and owners, each change audited.

A task marked blocked opens an issue linked to it, so what blocks the work gets an owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open, require_reassign
from models.core.audit import changed, record
from models.core.clock import utcnow
from models.core.enums import Severity, TaskStatus
from models.core.errors import DomainError, InvalidError, check_all
from models.core.limits import PERCENT_MAX
from models.issues.log import IssueForm, raise_issue
from models.issues.tables import Issue
from models.projects.tables import Project
from models.schedule.reschedule import Followed
from models.tasks.breakdown import follow_move, task_key
from models.tasks.tables import Task
from models.team.members import Load, load_of, not_on_team

BLOCKED_ORIGIN = "blocked_task"


class TaskUpdate(BaseModel):
    """What someone changes about a task; None leaves a field as it is."""

    model_config = ConfigDict(str_strip_whitespace=True)

    status: TaskStatus | None = None
    percent_complete: int | None = None
    due_date: date | None = None
    note: str | None = None
    blocker: str | None = None


@dataclass(frozen=True)
class Updated:
    changes: dict[str, object]
    issue: Issue | None = None
    followed: Followed | None = None  # the work a new due date carried along


def _problems(task: Task, update: TaskUpdate) -> list[DomainError | None]:
    percent = update.percent_complete
    due = update.due_date
    return [
        None
        if percent is None or 0 <= percent <= PERCENT_MAX
        else InvalidError("updates.bad_percent", field="percent_complete", given=percent),
        None
        if due is None or task.start_date is None or due >= task.start_date
        else InvalidError("tasks.due_before_start", field="due_date", due=due, start=task.start_date),
        None
        if update.status is not TaskStatus.BLOCKED or task.status is TaskStatus.BLOCKED or update.blocker
        else InvalidError("updates.blocker_needed", field="blocker"),
    ]


def _wanted(task: Task, update: TaskUpdate) -> dict[str, object]:
    """The fields to set: done means 100%, and 100% means done."""
    status = update.status
    percent = update.percent_complete
    if status is None and percent == 100:
        status = TaskStatus.DONE
    if status is TaskStatus.DONE:
        percent = 100
    wanted: dict[str, object] = {"status": status, "percent_complete": percent, "due_date": update.due_date}
    return {name: value for name, value in wanted.items() if value is not None}


def update_task(*, db: Session, actor: Actor, project: Project, task: Task, update: TaskUpdate) -> Updated:
    require(db, project, actor, Action.UPDATE_TASK)
    require_open(project)
    check_all(*_problems(task, update))
    wanted = _wanted(task, update)
    before, after = changed({name: getattr(task, name) for name in wanted}, wanted)
    was = (task.start_date, task.due_date)
    for name in after:
        setattr(task, name, wanted[name])
    if "status" in after:
        task.done_at = utcnow() if task.status is TaskStatus.DONE else None
    issue = None
    if after.get("status") == TaskStatus.BLOCKED.value:
        issue = _blocking_issue(db, actor, project, task, update.blocker or "")
    if after or update.note:
        record(
            db,
            project_id=project.id,
            actor_id=actor.user_id,
            action="task.update",
            subject=task_key(project, task),
            before=before,
            after=after,
            reason=update.note,
        )
    followed = (
        follow_move(db=db, actor=actor, project=project, task=task, was=was) if "due_date" in after else None
    )
    return Updated(after, issue, followed)


def _blocking_issue(db: Session, actor: Actor, project: Project, task: Task, blocker: str) -> Issue:
    form = IssueForm(
        title=blocker[:300],
        description=blocker if len(blocker) > 300 else None,
        severity=Severity.HIGH,
        owner_id=task.owner_id,
        task_id=task.id,
        origin=BLOCKED_ORIGIN,
    )
    return raise_issue(db=db, actor=actor, project=project, form=form)


def assign_task(
    *, db: Session, actor: Actor, project: Project, task: Task, owner_id: str, today: date
) -> Load | None:
    """Give the task to `owner_id`; returns their load when it now passes their capacity."""
    require(db, project, actor, Action.UPDATE_TASK)
    require_reassign(db, project, actor, task.owner_id, task_key(project, task))
    require_open(project)
    check_all(not_on_team(db, project, owner_id))
    before = task.owner_id
    if before == owner_id:
        return None
    task.owner_id = owner_id
    db.flush()
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="task.assign",
        subject=task_key(project, task),
        before={"owner_id": before},
        after={"owner_id": owner_id},
    )
    load = load_of(db, project, owner_id, today)
    return load if load is not None and load.hours_due > load.capacity_hours else None
