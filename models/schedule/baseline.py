"""The baseline: the plan as promised, which variances are measured against.

It is saved when the project enters execution, and saved again only by an approved change or
by the manager with a reason, each audited, so "2 days late" always means late against a
promise someone made on the record.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.working_days import WorkCalendar
from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.errors import InvalidError
from models.projects.tables import Project
from models.tasks.tables import Milestone, Task


def snapshot(db: Session, actor: Actor, project: Project, *, reason: str) -> int:
    """Set every task's and milestone's baseline, and the end date's, to the plan as it is now;
    how many tasks and milestones it covers."""
    tasks = list(db.scalars(select(Task).where(Task.project_id == project.id)))
    milestones = list(db.scalars(select(Milestone).where(Milestone.project_id == project.id)))
    for task in tasks:
        task.baseline_start, task.baseline_due = task.start_date, task.due_date
    for milestone in milestones:
        milestone.baseline_due = milestone.due_date
    before = project.baseline_end_date
    project.baseline_end_date = project.target_end_date
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="baseline.save",
        subject=project.key,
        before={"end_date": before},
        after={"end_date": project.baseline_end_date, "tasks": len(tasks), "milestones": len(milestones)},
        reason=reason,
    )
    return len(tasks) + len(milestones)


def save_baseline(*, db: Session, actor: Actor, project: Project, reason: str) -> int:
    """The manager re-baselines by hand, and must say why."""
    require(db, project, actor, Action.EDIT_CHARTER)
    require_open(project)
    if not reason.strip():
        raise InvalidError("baseline.needs_reason")
    return snapshot(db, actor, project, reason=reason.strip())


def baseline_dates(task: Task) -> tuple[date, date] | None:
    """A task's first and last day as promised, when its baseline holds either."""
    first, last = task.baseline_start or task.baseline_due, task.baseline_due or task.baseline_start
    if first is None or last is None:
        return None
    return first, max(first, last)


def slip(calendar: WorkCalendar, baseline: date, current: date) -> int:
    """How many working days `current` is after `baseline` (negative: before), on the project's
    calendar: a finish moved from Friday to Monday slipped one day, not three."""
    return calendar.between(baseline, current)
