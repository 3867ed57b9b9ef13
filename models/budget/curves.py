"""Planned value over the whole schedule: the line spending and earning were meant to follow."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from models.budget.earned_value import earned_value
from models.calendar.project_calendar import project_calendar
from models.projects.tables import Project
from models.status.report import work_items

# Up to this many days, a point a day; beyond, a point a week (a year's curve in 53 points).
DAILY_UP_TO = 62


def planned_curve(
    db: Session, project: Project, until: date, *, baseline: bool = False
) -> list[tuple[date, Decimal]]:
    """Planned value from the start to the last planned day (or `until`, if later).

    With `baseline`, the plan as the baseline promised it, priced at the baseline budget (the
    budget where none was kept): what the earned-value S-curve measures progress against.
    """
    items = work_items(db, project, baseline=baseline)
    budget = (project.baseline_budget or project.budget) if baseline else project.budget
    calendar = project_calendar(db, project)
    dated = [item.due for item in items if item.due] + [item.start for item in items if item.start]
    if budget is None or not dated:
        return []
    first = min([*dated, project.start_date or min(dated)])
    last = max([*dated, until])
    step = 1 if (last - first).days <= DAILY_UP_TO else 7
    days = [first + timedelta(days=n) for n in range(0, (last - first).days + 1, step)] + [last]
    curve = []
    for day in dict.fromkeys(days):
        value = earned_value(
            items, today=day, calendar=calendar, budget=budget, spent=Decimal(0)
        ).planned_value
        curve.append((day, value or Decimal(0)))
    return curve
