"""Where a task typed with a duration goes: its start and finish, in working days.

- `duration 3d` alone: as soon as its predecessors allow (each link by its own rule), or from
  the project's start when it follows nothing.
- with `start <when>`: from that day (rolled to a working day).
- with `due <when>`: finishing that day (rolled back to a working day).
- with both: the three must agree, or the task is refused saying which duration they give.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from models.calendar.working_days import WorkCalendar
from models.core.enums import LinkKind
from models.core.errors import DomainError, InvalidError
from models.schedule.cpm import earliest_allowed
from models.tasks.tables import Task

# Eight working years: past this a duration is a typo, and its finish would leave the calendar.
DURATION_MAX = 2000


@dataclass(frozen=True)
class Incoming:
    """A link into a task, with the task it waits for."""

    before: Task
    kind: LinkKind = LinkKind.FINISH_TO_START
    lag: int = 0


def duration_problem(days: int | None) -> DomainError | None:
    if days is None or 1 <= days <= DURATION_MAX:
        return None
    return InvalidError("tasks.bad_duration", field="duration_days", given=days, most=DURATION_MAX)


def _earliest_start(
    days: int, waits: Sequence[Incoming], calendar: WorkCalendar, project_start: date
) -> date:
    starts = [calendar.on_or_after(project_start)]
    for link in waits:
        before = link.before
        first, last = before.start_date or before.due_date, before.due_date or before.start_date
        if first is None or last is None:
            continue  # nothing to wait for yet: a move that dates it carries this task along
        earliest = earliest_allowed(link.kind, link.lag, (first, last), calendar)
        finish_to_finish = link.kind is LinkKind.FINISH_TO_FINISH
        starts.append(calendar.start_for(earliest, days) if finish_to_finish else earliest)
    return max(starts)


def placed(
    days: int,
    dates: tuple[date | None, date | None],
    waits: Sequence[Incoming],
    calendar: WorkCalendar,
    project_start: date,
) -> tuple[date, date]:
    """The start and finish of a task of `days` working days, given what was typed with it."""
    start, due = dates
    if start is not None and due is not None:
        given = calendar.span(calendar.on_or_after(start), calendar.on_or_before(due))
        if given != days:
            raise InvalidError("tasks.duration_disagrees", field="duration_days", days=days, given=given)
        return calendar.on_or_after(start), calendar.on_or_before(due)
    if start is not None:
        return calendar.on_or_after(start), calendar.finish(start, days)
    if due is not None:
        return calendar.start_for(due, days), calendar.on_or_before(due)
    first = _earliest_start(days, waits, calendar, project_start)
    return first, calendar.finish(first, days)
