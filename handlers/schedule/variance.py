"""Baseline against current, in words: where a task or milestone now stands beside what was
promised, and by how many working days of the project's calendar it has slipped."""

from __future__ import annotations

from bot.formats import fmt_date, fmt_slip
from bot.i18n import Translator
from models.calendar.working_days import WorkCalendar
from models.schedule.baseline import baseline_dates, slip
from models.schedule.plan import PlanRow
from models.tasks.tables import Milestone


def task_baseline(row: PlanRow, calendar: WorkCalendar, t: Translator) -> str:
    """The task's baseline beside its current dates, where there is one and they differ."""
    promised = baseline_dates(row.task)
    if promised is None or row.start is None or row.finish is None or promised == (row.start, row.finish):
        return ""
    first, last = promised
    return t(
        "baseline.task",
        start=fmt_date(first, t),
        finish=fmt_date(last, t),
        slip=fmt_slip(slip(calendar, last, row.finish), t),
    )


def milestone_baseline(milestone: Milestone, calendar: WorkCalendar, t: Translator) -> str:
    """A milestone's promised day beside its own (the day reached, or due), where they differ."""
    day = milestone.completed_on or milestone.due_date
    if milestone.baseline_due is None or milestone.baseline_due == day:
        return ""
    days = slip(calendar, milestone.baseline_due, day)
    return t("baseline.milestone", baseline=fmt_date(milestone.baseline_due, t), slip=fmt_slip(days, t))
