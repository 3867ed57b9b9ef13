"""A milestone's forecast: the critical path through its own predecessors, as of today.

Work not yet done cannot happen before today, so each unfinished task is put where it can still
go (its remaining working days from today) and the network is scheduled again; a milestone
that follows tasks is forecast at their latest finish. One with no predecessors has nothing to
push it: its forecast is its own date. Reached milestones are never forecast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from math import ceil

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.working_days import WorkCalendar
from models.core.id_lists import among
from models.projects.tables import Project
from models.schedule.cpm import schedule
from models.schedule.milestones import latest_finish, task_leaves
from models.schedule.network import Item
from models.tasks.breakdown import dependency_links, schedule_items
from models.tasks.tables import Milestone, MilestoneLink


def as_of(item: Item, today: date, calendar: WorkCalendar) -> Item:
    """The task where its remaining work can still go: from today, its undone share of its days."""
    if item.done or item.due is None:
        return item
    first = item.start or item.due
    if first >= today:
        return item
    duration = calendar.span(first, item.due)
    left = max(ceil(duration * (100 - item.percent) / 100), 1)
    start = calendar.on_or_after(today)
    return replace(item, start=start, due=calendar.finish(start, left))


def followed_tasks(db: Session, ids: Sequence[int]) -> dict[int, dict[int, list[int]]]:
    """Per project, each open milestone that follows tasks, with those tasks."""
    rows = db.execute(
        select(Milestone.project_id, MilestoneLink.milestone_id, MilestoneLink.task_id)
        .join(Milestone, Milestone.id == MilestoneLink.milestone_id)
        .where(among(Milestone.project_id, ids), Milestone.completed_on.is_(None))
    ).all()
    found: dict[int, dict[int, list[int]]] = {}
    for project_id, milestone_id, task_id in rows:
        found.setdefault(project_id, {}).setdefault(milestone_id, []).append(task_id)
    return found


def path_forecasts(
    db: Session, project: Project, followed: dict[int, list[int]], calendar: WorkCalendar, today: date
) -> dict[int, date]:
    """Each milestone in `followed` forecast at the latest finish of its tasks as of today."""
    items = [as_of(item, today, calendar) for item in schedule_items(db, project)]
    found = schedule(items, dependency_links(db, project), calendar)
    below = task_leaves(db, project)
    forecasts = {milestone: latest_finish(found, below, tasks) for milestone, tasks in followed.items()}
    return {milestone: day for milestone, day in forecasts.items() if day is not None}
