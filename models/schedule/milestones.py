"""Milestones: the dates a project promises, with their baseline kept for comparison.

Only the team plans them, and only while the project is open. A milestone is reached on a day
that has come; a moved one lands on a working day; each change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.calendar.project_calendar import project_calendar
from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.errors import DomainError, InvalidError, NotFoundError, check_all
from models.core.keys import ItemKind, item_key, next_number, parse_item_key
from models.core.limits import column_limit
from models.projects.tables import Project
from models.schedule.cpm import Schedule, leaves_below
from models.schedule.network import Item
from models.schedule.reschedule import MilestoneShift
from models.tasks.tables import Milestone, MilestoneLink, Task

NAME_MAX = column_limit(Milestone.name)


def milestone_key(project: Project, milestone: Milestone) -> str:
    return item_key(project.key, ItemKind.MILESTONE, milestone.number)


def bad_milestone_name(name: str) -> InvalidError | None:
    if name and len(name) <= NAME_MAX:
        return None
    return InvalidError("milestones.bad_name", field="name", limit=NAME_MAX)


def before_project_start(project: Project, due: date) -> InvalidError | None:
    if project.start_date is None or due >= project.start_date:
        return None
    return InvalidError("milestones.before_start", field="due", start=project.start_date)


def _planning(db: Session, project: Project, actor: Actor) -> None:
    require(db, project, actor, Action.PLAN_WORK)
    require_open(project)


def _not_reached(project: Project, milestone: Milestone) -> None:
    """A reached milestone is history: its day is kept, not planned again."""
    if milestone.completed_on is not None:
        raise DomainError(
            "milestones.already_reached", key=milestone_key(project, milestone), day=milestone.completed_on
        )


def add_milestone(
    *, db: Session, actor: Actor, project: Project, name: str, due: date, deliverable: bool = False
) -> Milestone:
    _planning(db, project, actor)
    name = name.strip()
    check_all(bad_milestone_name(name), before_project_start(project, due))
    milestone = Milestone(
        project_id=project.id,
        team_id=project.team_id,
        number=next_number(db, project, ItemKind.MILESTONE),
        name=name,
        due_date=due,
        baseline_due=due,
        is_deliverable=deliverable,
        created_by=actor.user_id,
    )
    db.add(milestone)
    db.flush()
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="milestone.add",
        subject=milestone_key(project, milestone),
        after={"name": name, "due_date": due, "is_deliverable": deliverable},
    )
    return milestone


def project_milestones(db: Session, project: Project) -> list[Milestone]:
    return list(
        db.scalars(
            select(Milestone)
            .where(Milestone.project_id == project.id)
            .order_by(Milestone.due_date, Milestone.number)
        )
    )


def find_milestone(db: Session, project: Project, key: str) -> Milestone:
    parsed = parse_item_key(key)
    if parsed is None or parsed.kind is not ItemKind.MILESTONE or parsed.project != project.key:
        raise NotFoundError("milestones.unknown_key", key=key)
    milestone = db.scalar(
        select(Milestone).where(Milestone.project_id == project.id, Milestone.number == parsed.number)
    )
    if milestone is None:
        raise NotFoundError("milestones.unknown_key", key=key)
    return milestone


def _audit(
    db: Session,
    actor: Actor,
    project: Project,
    milestone: Milestone,
    *,
    action: str,
    changes: dict[str, tuple[object, object]],
) -> None:
    """One audit entry; `changes` holds each field's value before and after."""
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action=f"milestone.{action}",
        subject=milestone_key(project, milestone),
        before={name: was for name, (was, _) in changes.items()},
        after={name: now for name, (_, now) in changes.items()},
    )


def reach_milestone(
    *, db: Session, actor: Actor, project: Project, milestone: Milestone, day: date, today: date
) -> Milestone:
    """Record the day the milestone was reached: today (in the project's time zone) or earlier."""
    _planning(db, project, actor)
    _not_reached(project, milestone)
    check_all(
        InvalidError("milestones.reached_in_future", field="on", day=day, today=today)
        if day > today
        else None
    )
    milestone.completed_on = day
    _audit(db, actor, project, milestone, action="done", changes={"completed_on": (None, day)})
    return milestone


@dataclass(frozen=True)
class MilestoneMove:
    was: date
    asked: date
    now: date  # the working day it landed on

    @property
    def rolled(self) -> bool:
        return self.now != self.asked


def move_milestone(
    *, db: Session, actor: Actor, project: Project, milestone: Milestone, due: date
) -> MilestoneMove:
    """A new due date, rolled forward to a working day; the baseline stays for comparison."""
    _planning(db, project, actor)
    _not_reached(project, milestone)
    landed = project_calendar(db, project).on_or_after(due)
    check_all(before_project_start(project, landed))
    # A date someone sets by hand is theirs: the milestone stops following its tasks.
    db.execute(delete(MilestoneLink).where(MilestoneLink.milestone_id == milestone.id))
    move = MilestoneMove(was=milestone.due_date, asked=due, now=landed)
    milestone.due_date = landed
    _audit(db, actor, project, milestone, action="move", changes={"due_date": (move.was, landed)})
    return move


def rename_milestone(*, db: Session, actor: Actor, project: Project, milestone: Milestone, name: str) -> str:
    """Give the milestone a new name; returns the old one."""
    _planning(db, project, actor)
    name = name.strip()
    check_all(bad_milestone_name(name))
    was = milestone.name
    milestone.name = name
    _audit(db, actor, project, milestone, action="rename", changes={"name": (was, name)})
    return was


def remove_milestone(*, db: Session, actor: Actor, project: Project, milestone: Milestone) -> None:
    """Take the milestone out of the plan; the audit keeps what it was."""
    _planning(db, project, actor)
    _audit(
        db,
        actor,
        project,
        milestone,
        action="remove",
        changes={"name": (milestone.name, None), "due_date": (milestone.due_date, None)},
    )
    db.delete(milestone)
    db.flush()


# -- milestones that follow tasks


def task_leaves(db: Session, project: Project) -> dict[int, list[int]]:
    """Each task's leaves: a milestone after a summary task follows the work under it."""
    rows = db.execute(select(Task.id, Task.parent_id).where(Task.project_id == project.id)).all()
    return leaves_below([Item(task_id, None, None, parent_id=parent) for task_id, parent in rows])


def latest_finish(found: Schedule, below: dict[int, list[int]], task_ids: Sequence[int]) -> date | None:
    """The latest finish the schedule gives these tasks (their leaves, for summary tasks)."""
    finishes = [
        found.tasks[leaf].finish
        for task_id in task_ids
        for leaf in below.get(task_id, [])
        if leaf in found.tasks
    ]
    return max(finishes, default=None)


def add_milestone_after(
    *,
    db: Session,
    actor: Actor,
    project: Project,
    name: str,
    tasks: Sequence[Task],
    found: Schedule,
    deliverable: bool = False,
) -> Milestone:
    """A milestone due when the last of `tasks` finishes in the schedule `found`, linked to them
    so it keeps in step when they move."""
    _planning(db, project, actor)
    due = latest_finish(found, task_leaves(db, project), [task.id for task in tasks])
    if due is None:
        raise InvalidError("milestones.after_undated", field="after")
    milestone = add_milestone(
        db=db, actor=actor, project=project, name=name, due=due, deliverable=deliverable
    )
    for task in {task.id: task for task in tasks}.values():
        db.add(MilestoneLink(team_id=project.team_id, milestone_id=milestone.id, task_id=task.id))
    db.flush()
    return milestone


def keep_in_step(db: Session, actor: Actor, project: Project, found: Schedule) -> list[MilestoneShift]:
    """Move each milestone not yet reached that follows tasks to their latest finish in `found`."""
    rows = db.execute(
        select(MilestoneLink.milestone_id, MilestoneLink.task_id)
        .join(Milestone, Milestone.id == MilestoneLink.milestone_id)
        .where(Milestone.project_id == project.id, Milestone.completed_on.is_(None))
    ).all()
    if not rows:
        return []
    followed: dict[int, list[int]] = {}
    for milestone_id, task_id in rows:
        followed.setdefault(milestone_id, []).append(task_id)
    below = task_leaves(db, project)
    shifts: list[MilestoneShift] = []
    for milestone_id, task_ids in sorted(followed.items()):
        milestone = db.get(Milestone, milestone_id)
        due = latest_finish(found, below, task_ids)
        if milestone is None or due is None or due == milestone.due_date:
            continue
        shifts.append(MilestoneShift(milestone.id, milestone.due_date, due))
        _audit(
            db, actor, project, milestone, action="follow", changes={"due_date": (milestone.due_date, due)}
        )
        milestone.due_date = due
    return shifts
