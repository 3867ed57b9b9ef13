"""A project's plan as the schedulers' interchange file holds it: what `/pmo export plan` writes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.project_calendar import project_calendar
from models.projects.tables import Project
from models.schedule.milestones import project_milestones
from models.schedule.mspdi import PlanFile, PlanLink, PlanResource, PlanTask
from models.schedule.plan import PlanRow, project_plan
from models.tasks.breakdown import dependency_links
from models.tasks.tables import Milestone, MilestoneLink

Names = Callable[[str], str | None]


class Numbering:
    """File UIDs: tasks in outline order from 1, then milestones; people from 1."""

    def __init__(self) -> None:
        self.tasks: dict[int, int] = {}
        self.people: dict[str, int] = {}

    def person(self, user_id: str | None) -> int | None:
        if user_id is None:
            return None
        return self.people.setdefault(user_id, len(self.people) + 1)


def _task_row(row: PlanRow, uid: int, links: tuple[PlanLink, ...], numbering: Numbering) -> PlanTask:
    task = row.task
    return PlanTask(
        uid=uid,
        name=task.title,
        outline_level=row.depth + 1,
        start=row.start,
        finish=row.finish,
        duration_days=row.duration,
        summary=row.rollup is not None,
        percent_complete=row.rollup.percent if row.rollup else task.percent_complete,
        baseline_start=task.baseline_start,
        baseline_finish=task.baseline_due,
        links=links,
        resource_uid=numbering.person(task.owner_id),
    )


def _milestone(milestone: Milestone, uid: int, links: tuple[PlanLink, ...]) -> PlanTask:
    return PlanTask(
        uid=uid,
        name=milestone.name,
        outline_level=1,
        start=milestone.due_date,
        finish=milestone.due_date,
        duration_days=0,
        milestone=True,
        percent_complete=100 if milestone.completed_on else 0,
        baseline_start=milestone.baseline_due,
        baseline_finish=milestone.baseline_due,
        links=links,
    )


def _milestone_links(
    db: Session, milestones: Sequence[Milestone], uids: dict[int, int]
) -> dict[int, list[PlanLink]]:
    followed: dict[int, list[PlanLink]] = {milestone.id: [] for milestone in milestones}
    rows = db.execute(
        select(MilestoneLink.milestone_id, MilestoneLink.task_id).where(
            MilestoneLink.milestone_id.in_(followed)
        )
    )
    for milestone_id, task_id in rows:
        followed[milestone_id].append(PlanLink(uids[task_id]))
    return followed


def _days_off(db: Session, project: Project, tasks: Sequence[PlanTask]) -> tuple[date, ...]:
    """The days off the plan's dates span: a file need not carry every holiday ever kept."""
    days = [day for task in tasks for day in (task.start, task.finish) if day is not None]
    if not days:
        return ()
    first, last = min(days), max(days)
    return tuple(sorted(day for day in project_calendar(db, project).holidays if first <= day <= last))


def plan_file(db: Session, project: Project, names: Names) -> PlanFile:
    """The project's plan with every date where the schedule puts it."""
    rows = project_plan(db, project).rows
    numbering = Numbering()
    numbering.tasks = {row.task.id: uid for uid, row in enumerate(rows, start=1)}
    incoming: dict[int, list[PlanLink]] = {}
    for link in dependency_links(db, project):
        incoming.setdefault(link.after, []).append(
            PlanLink(numbering.tasks[link.before], link.kind, link.lag)
        )
    tasks = [
        _task_row(row, numbering.tasks[row.task.id], tuple(incoming.get(row.task.id, ())), numbering)
        for row in rows
    ]
    milestones = project_milestones(db, project)
    followed = _milestone_links(db, milestones, numbering.tasks)
    tasks += [
        _milestone(milestone, len(rows) + number, tuple(followed[milestone.id]))
        for number, milestone in enumerate(milestones, start=1)
    ]
    return PlanFile(
        name=f"{project.key} {project.name}",
        start=project.start_date,
        weekmask=project.working_week,
        days_off=_days_off(db, project, tasks),
        tasks=tuple(tasks),
        resources=tuple(
            PlanResource(uid, names(user_id) or user_id) for user_id, uid in numbering.people.items()
        ),
    )
