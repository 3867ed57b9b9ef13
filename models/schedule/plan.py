"""The plan as people read it: the breakdown in tree order, each task where the schedule puts it.

Leaves take their dates from the critical path method; summary tasks span the dates of their
leaves, so a pushed task moves its parent too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from models.calendar.project_calendar import project_calendar
from models.calendar.working_days import WorkCalendar
from models.projects.tables import Project
from models.schedule.cpm import Link, Schedule, Scheduled, schedule
from models.schedule.network import Item, Rollup, rollups, tree_order
from models.tasks.breakdown import as_items, dependency_links, project_tasks
from models.tasks.tables import Task


@dataclass(frozen=True)
class PlanRow:
    task: Task
    depth: int
    rollup: Rollup | None  # a summary task's roll-up of its leaves
    scheduled: Scheduled | None  # a leaf's place in the network
    start: date | None
    finish: date | None
    duration: int | None  # working days

    @property
    def critical(self) -> bool:
        return self.scheduled is not None and self.scheduled.critical


@dataclass(frozen=True)
class Plan:
    rows: list[PlanRow]
    schedule: Schedule


def _placed(item: Item, scheduled: Scheduled | None) -> Item:
    return replace(item, start=scheduled.start, due=scheduled.finish) if scheduled else item


def _row(
    item: Item, depth: int, *, task: Task, plan: Schedule, rolled: dict[int, Rollup], calendar: WorkCalendar
) -> PlanRow:
    rollup, scheduled = rolled.get(item.id), plan.tasks.get(item.id)
    start = rollup.start if rollup else item.start or item.due
    finish = rollup.due if rollup else item.due or item.start
    if scheduled is not None:
        duration: int | None = scheduled.duration
    else:
        duration = calendar.span(start, finish) if start and finish else None
    return PlanRow(task, depth, rollup, scheduled, start, finish, duration)


def plan_rows(
    tasks: Sequence[Task], links: Sequence[Link], calendar: WorkCalendar, *, target_end: date | None = None
) -> Plan:
    """Tasks in tree order with their scheduled dates, duration, float and roll-ups."""
    items = as_items(tasks, [(link.after, link.before) for link in links])
    found = schedule(items, links, calendar, target_end=target_end)
    placed = [_placed(item, found.tasks.get(item.id)) for item in items]
    rolled = rollups(placed)
    by_id = {task.id: task for task in tasks}
    rows = [
        _row(item, depth, task=by_id[item.id], plan=found, rolled=rolled, calendar=calendar)
        for item, depth in tree_order(placed)
    ]
    return Plan(rows, found)


def project_plan(db: Session, project: Project) -> Plan:
    return plan_rows(
        project_tasks(db, project),
        dependency_links(db, project),
        project_calendar(db, project),
        target_end=project.target_end_date,
    )
