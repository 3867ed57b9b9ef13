"""Working days: Monday to Friday, less the workspace's holidays."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.tables import Holiday

WEEKEND = (5, 6)


def holidays(db: Session, start: date, end: date) -> set[date]:
    return set(db.scalars(select(Holiday.day).where(Holiday.day >= start, Holiday.day <= end)))


def is_working_day(day: date, off: set[date]) -> bool:
    return day.weekday() not in WEEKEND and day not in off


def working_days_between(start: date, end: date, off: set[date]) -> int:
    """Working days after `start` up to and including `end`: Friday to Monday is one."""
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n), off))
