"""Working days: a working week less holidays, counted with numpy's business-day functions.

Every schedule figure (durations, lags, pushes, forecasts, planned value) is a number of
working days, so all of it goes through one `WorkCalendar`. numpy does the counting in C,
which keeps a 2,000-task reschedule cheap and avoids hand-rolled day loops.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Literal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.tables import Holiday

MONDAY_TO_FRIDAY = "1111100"  # numpy's weekmask: Monday first, 1 = a working day
SUNDAY_TO_THURSDAY = "1111001"
WEEKEND = (5, 6)
ONE_DAY = timedelta(days=1)


def weekmask_of(weekdays: Iterable[int]) -> str:
    """numpy's weekmask for a set of ISO-less weekday numbers (Monday = 0, as `date.weekday()`)."""
    working = set(weekdays)
    if not working or not working <= set(range(7)):
        raise ValueError("a working week needs at least one day, Monday (0) to Sunday (6)")
    return "".join("1" if day in working else "0" for day in range(7))


def _day(value: np.datetime64) -> date:
    day = value.astype("datetime64[D]").astype(date)
    # numpy counts past year 9999, where it hands back a bare number instead of a date.
    if not isinstance(day, date):
        raise OverflowError(f"{value} is past the last date Python can hold")
    return day


@dataclass(frozen=True)
class WorkCalendar:
    """A working week and the days off within it; all counts are whole working days.

    The conventions are Microsoft Project's: a task of duration N that starts on a working day
    finishes N - 1 working days later (a one-day task starts and finishes the same day), and
    its successor starts on the next working day after that.
    """

    weekmask: str = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = field(default_factory=frozenset)

    @cached_property
    def _numpy(self) -> np.busdaycalendar:
        off = np.array(sorted(self.holidays), dtype="datetime64[D]")
        return np.busdaycalendar(weekmask=self.weekmask, holidays=off)

    def is_working(self, day: date) -> bool:
        return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=self._numpy))

    def on_or_after(self, day: date) -> date:
        """`day` if it is a working day, else the next one."""
        return _day(np.busday_offset(np.datetime64(day, "D"), 0, roll="forward", busdaycal=self._numpy))

    def on_or_before(self, day: date) -> date:
        """`day` if it is a working day, else the previous one."""
        return _day(np.busday_offset(np.datetime64(day, "D"), 0, roll="backward", busdaycal=self._numpy))

    def add(self, day: date, days: int) -> date:
        """The working day `days` working days after (or, negative, before) `day`.

        A non-working `day` first rolls to the working day in the direction of travel, so
        adding 1 to a Saturday gives Tuesday on a Monday-to-Friday week (Monday + 1).
        """
        roll: Literal["forward", "backward"] = "forward" if days >= 0 else "backward"
        moved = np.busday_offset(np.datetime64(day, "D"), days, roll=roll, busdaycal=self._numpy)
        return _day(moved)

    def count(self, start: date, end: date) -> int:
        """Working days from `start` up to but not including `end` (negative when end < start)."""
        return int(np.busday_count(np.datetime64(start, "D"), np.datetime64(end, "D"), busdaycal=self._numpy))

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`: Friday to Monday is one."""
        return self.count(start + ONE_DAY, end + ONE_DAY)

    def span(self, start: date, finish: date) -> int:
        """A task's duration: working days from `start` to `finish`, both included."""
        return self.count(start, finish + ONE_DAY)

    def finish(self, start: date, duration: int) -> date:
        """The last working day of a task of `duration` working days that starts on `start`."""
        return self.add(self.on_or_after(start), max(duration, 1) - 1)

    def days_off(self, first: date, last: date) -> list[tuple[date, date]]:
        """The runs of non-working days from `first` to `last`, each as its first and last day:
        what a chart shades (a weekend and the holiday before it are one run)."""
        days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
        off = ~np.is_busday(days, busdaycal=self._numpy)
        # A run begins where a day off follows a working day, and ends where one precedes it.
        edges = np.diff(np.concatenate(([False], off, [False])).astype(np.int8))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
        return [(_day(days[begin]), _day(days[end])) for begin, end in zip(starts, ends, strict=True)]

    def start_for(self, finish: date, duration: int) -> date:
        """The first working day of a task of `duration` working days that finishes on `finish`."""
        return self.add(self.on_or_before(finish), -(max(duration, 1) - 1))


def holidays(db: Session, start: date, end: date) -> set[date]:
    return set(db.scalars(select(Holiday.day).where(Holiday.day >= start, Holiday.day <= end)))


def workspace_calendar(db: Session, weekmask: str = MONDAY_TO_FRIDAY) -> WorkCalendar:
    """The workspace's holidays on a working week (the session is already scoped to the team)."""
    return WorkCalendar(weekmask, frozenset(db.scalars(select(Holiday.day))))


def is_working_day(day: date, off: set[date]) -> bool:
    return day.weekday() not in WEEKEND and day not in off


def working_days_between(start: date, end: date, off: set[date]) -> int:
    """Working days after `start` up to and including `end`: Friday to Monday is one."""
    return WorkCalendar(holidays=frozenset(off)).between(start, end)


def spans(calendar: WorkCalendar, starts: Sequence[date], finishes: Sequence[date]) -> list[int]:
    """`calendar.span` of many tasks in one numpy call: a status reads hundreds under way."""
    begin = np.array(starts, dtype="datetime64[D]")
    end = np.array(finishes, dtype="datetime64[D]") + np.timedelta64(1, "D")
    return [int(count) for count in np.busday_count(begin, end, busdaycal=calendar._numpy)]
