"""The status figures summed in SQL agree with earned value worked out task by task in Python."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import Project
from models.budget.earned_value import work_sums
from models.calendar.project_calendar import project_calendars
from models.calendar.tables import Holiday
from models.core.database import Database
from models.core.enums import TaskStatus
from models.status.figures import leaf_work_of
from models.status.report import work_items
from models.tasks.tables import Task
from tests.support.workspace import TEAM

TODAY = date(2026, 12, 10)


def day(offset: int | None) -> date | None:
    return None if offset is None else TODAY + timedelta(days=offset)


# (estimate, percent, status, start, due) in days from today: done, under way on its first, a
# middle and its last day, not started, no dates, no start, zero and missing estimates.
TASKS = [
    (10.0, 100, TaskStatus.DONE, -9, 0),
    (30.0, 20, TaskStatus.IN_PROGRESS, -4, 5),
    (12.0, 0, TaskStatus.TODO, 0, 3),
    (7.0, 50, TaskStatus.IN_PROGRESS, -6, 1),
    (None, 40, TaskStatus.IN_PROGRESS, -2, 2),
    (0.0, 10, TaskStatus.IN_PROGRESS, -1, 17),
    (None, 0, TaskStatus.TODO, 6, 20),
    (5.0, 0, TaskStatus.TODO, None, None),
    (8.0, 0, TaskStatus.BLOCKED, None, 4),
    (3.0, 0, TaskStatus.TODO, -30, -3),
]


def test_planned_and_earned_sums_match_the_task_by_task_figures(database: Database) -> None:
    database.ensure_workspace(TEAM)
    with database.session(TEAM) as db:
        # A holiday inside tasks under way: planned value counts working days on both sides.
        db.add(Holiday(team_id=TEAM, day=TODAY - timedelta(days=1), name="Founders' day"))
        project = Project(key="APL", name="Apollo", channel_id="C100", created_by="U0001", start_date=day(-8))
        db.add(project)
        db.flush()
        for number, (estimate, percent, status, start, due) in enumerate(TASKS, start=1):
            db.add(
                Task(
                    project_id=project.id,
                    number=number,
                    title=f"Task {number}",
                    created_by="U0001",
                    estimate_hours=estimate,
                    percent_complete=percent,
                    status=status,
                    start_date=day(start),
                    due_date=day(due),
                )
            )
    with database.session(TEAM, write=False) as db:
        calendars = project_calendars(db, [project])
        expected = work_sums(work_items(db, project), TODAY, calendars[project.id])
        summed = leaf_work_of(db, [project.id], TODAY, calendars)[project.id].sums
    assert summed.planned_unestimated > 0 and summed.planned_hours > 10, "tasks under way count"
    assert (summed.count, summed.estimated, summed.undated) == (expected.count, expected.estimated, 1)
    for figure in ("hours", "earned_hours", "earned_unestimated", "planned_hours", "planned_unestimated"):
        assert getattr(summed, figure) == pytest.approx(getattr(expected, figure)), figure
