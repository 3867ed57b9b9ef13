"""Earned value by the book, from unrounded values: only what is shown gets rounded.

Work is weighed by budgeted effort: a leaf task's share of the budget (BAC) is its estimate
over the total, and a task without an estimate weighs as much as the average estimated one.
That one weighting is also the percent complete that plan, status, report and export show.

Planned value grows linearly over a task's working days, from its start to its due date. A
task with a due date and no start is planned from the project's start, where a scheduler
would put it; a task without a due date has no place in time, so it is counted and named
rather than planned.

SPI and CPI are "not yet" (None) until some value has been earned: money spent before any
work is earned says nothing yet about cost performance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.calendar.working_days import WorkCalendar, spans
from models.core.enums import EacMethod
from models.core.limits import LAST_DAY

CENT = Decimal("0.01")
ZERO = Decimal(0)


def unestimated_weight(estimates: Iterable[float | None]) -> float:
    """What a leaf without an estimate (or with 0) weighs: the average estimate, else one."""
    given = [hours for hours in estimates if hours]
    return sum(given) / len(given) if given else 1.0


@dataclass(frozen=True)
class WorkItem:
    """What earned value needs of a leaf task."""

    estimate_hours: float | None
    percent_complete: int
    start: date | None
    due: date | None


def planned_start(start: date | None, due: date | None, project_start: date | None) -> date | None:
    """The day a task's planned value starts to grow: its own start, else the project's."""
    if start is not None or due is None or project_start is None:
        return start
    return project_start if project_start <= due else None


def planned_fractions(items: Sequence[WorkItem], today: date, calendar: WorkCalendar) -> list[float]:
    """How much of each task should be done by the end of `today`, counted in working days.

    0 before its start, 1 from its due date, and in between the working days gone over the
    working days it has (a task with only a due date is all planned on that day). The tasks
    under way are counted together, in one call into numpy.
    """
    fractions = [_settled(item, today) for item in items]
    under_way = [(n, item) for n, item in enumerate(items) if fractions[n] is None]
    starts = [item.start or today for _, item in under_way]
    gone = spans(calendar, starts, [today] * len(starts))
    whole = spans(calendar, starts, [item.due or today for _, item in under_way])
    for (n, _), done, days in zip(under_way, gone, whole, strict=True):
        fractions[n] = done / max(days, 1)
    return [fraction or 0.0 for fraction in fractions]


def _settled(item: WorkItem, today: date) -> float | None:
    """The planned fraction when it needs no counting (not begun, due, or undated), else None."""
    if item.due is None:
        return 0.0
    if today >= item.due:
        return 1.0
    return 0.0 if today < (item.start or item.due) else None


def planned_fraction(item: WorkItem, today: date, calendar: WorkCalendar) -> float:
    return planned_fractions([item], today, calendar)[0]


@dataclass(frozen=True)
class Measures:
    """The standard measures as exact Decimals; None where a formula has nothing to divide by."""

    budget: Decimal
    planned: Decimal
    earned: Decimal
    actual: Decimal
    method: EacMethod

    @property
    def spi(self) -> Decimal | None:
        return self.earned / self.planned if self.earned and self.planned else None

    @property
    def cpi(self) -> Decimal | None:
        return self.earned / self.actual if self.earned and self.actual else None

    @property
    def eac(self) -> Decimal | None:
        left = self.budget - self.earned
        if self.method is EacMethod.BUDGET_RATE:
            return self.actual + left
        cpi = self.cpi
        if cpi is None:
            return None
        if self.method is EacMethod.CPI:
            return self.budget / cpi
        spi = self.spi
        return None if spi is None else self.actual + left / (cpi * spi)

    @property
    def tcpi(self) -> Decimal | None:
        """The cost performance the rest of the work needs to finish on budget; none once the
        budget is spent, when no performance can finish on it."""
        room = self.budget - self.actual
        return (self.budget - self.earned) / room if room > 0 else None


def _ratio(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class EarnedValue:
    """A project's earned value; money is None without a budget, an index None when "not yet"."""

    budget: Decimal | None
    planned_share: float
    earned_share: float
    actual_cost: Decimal
    method: EacMethod = EacMethod.CPI
    undated: int = 0  # leaf tasks without a due date: in the budget, not in planned value

    @property
    def measures(self) -> Measures | None:
        """The exact measures, or None without a budget to put money on the shares."""
        if self.budget is None:
            return None
        planned, earned = (self.budget * Decimal(share) for share in (self.planned_share, self.earned_share))
        return Measures(self.budget, planned, earned, self.actual_cost, self.method)

    def _of(self, measure: Callable[[Measures], Decimal | None]) -> Decimal | None:
        measures = self.measures
        return None if measures is None else measure(measures)

    @property
    def planned_value(self) -> Decimal | None:
        return self._of(lambda m: m.planned)

    @property
    def earned_value(self) -> Decimal | None:
        return self._of(lambda m: m.earned)

    @property
    def schedule_variance(self) -> Decimal | None:
        return self._of(lambda m: m.earned - m.planned)

    @property
    def cost_variance(self) -> Decimal | None:
        return self._of(lambda m: m.earned - m.actual)

    @property
    def spi(self) -> float | None:
        """EV / PV, which needs no budget: the shares of the work earned and planned."""
        if not self.earned_share or not self.planned_share:
            return None
        return self.earned_share / self.planned_share

    @property
    def cpi(self) -> float | None:
        return _ratio(self._of(lambda m: m.cpi))

    @property
    def estimate_at_completion(self) -> Decimal | None:
        return self._of(lambda m: m.eac)

    @property
    def estimate_to_complete(self) -> Decimal | None:
        return self._of(lambda m: None if m.eac is None else m.eac - m.actual)

    @property
    def variance_at_completion(self) -> Decimal | None:
        return self._of(lambda m: None if m.eac is None else m.budget - m.eac)

    @property
    def to_complete_index(self) -> float | None:
        return _ratio(self._of(lambda m: m.tcpi))

    @property
    def percent_complete(self) -> int:
        return round(self.earned_share * 100)


@dataclass(frozen=True)
class WorkSums:
    """Leaf work summed, kept apart for estimated and unestimated tasks.

    An unestimated task weighs as much as the average estimated one, which is only known once
    everything is summed; so its shares are kept as plain fractions until then.
    """

    count: int = 0  # leaf tasks
    estimated: int = 0  # of them with an estimate
    hours: float = 0.0  # their estimates
    earned_hours: float = 0.0  # estimate x share done, over estimated tasks
    earned_unestimated: float = 0.0  # share done, over unestimated tasks
    planned_hours: float = 0.0  # estimate x share planned by today, over estimated tasks
    planned_unestimated: float = 0.0  # share planned by today, over unestimated tasks
    undated: int = 0  # leaf tasks without a due date

    @property
    def fallback_hours(self) -> float:
        """What an unestimated task weighs: the average estimate, or 1 when none has one."""
        return self.hours / self.estimated if self.estimated else 1.0

    @property
    def weighted_hours(self) -> float:
        """All the work, unestimated tasks weighed at the average estimate."""
        return self.hours + (self.count - self.estimated) * self.fallback_hours


def work_sums(items: Sequence[WorkItem], today: date, calendar: WorkCalendar) -> WorkSums:
    estimated = [item for item in items if item.estimate_hours]
    unestimated = [item for item in items if not item.estimate_hours]
    hours = [item.estimate_hours or 0.0 for item in estimated]
    return WorkSums(
        count=len(items),
        estimated=len(estimated),
        hours=sum(hours),
        earned_hours=sum(h * item.percent_complete / 100 for h, item in zip(hours, estimated, strict=True)),
        earned_unestimated=sum(item.percent_complete / 100 for item in unestimated),
        planned_hours=sum(
            h * share for h, share in zip(hours, planned_fractions(estimated, today, calendar), strict=True)
        ),
        planned_unestimated=sum(planned_fractions(unestimated, today, calendar)),
        undated=sum(1 for item in items if item.due is None),
    )


def earned_value_of(
    sums: WorkSums, *, budget: Decimal | None, spent: Decimal, method: EacMethod = EacMethod.CPI
) -> EarnedValue:
    fallback = sums.fallback_hours
    total = sums.weighted_hours
    if not total:
        return EarnedValue(budget, 0.0, 0.0, spent, method, sums.undated)
    planned = sums.planned_hours + fallback * sums.planned_unestimated
    earned = sums.earned_hours + fallback * sums.earned_unestimated
    return EarnedValue(budget, planned / total, earned / total, spent, method, sums.undated)


def earned_value(
    items: Sequence[WorkItem],
    *,
    today: date,
    calendar: WorkCalendar,
    budget: Decimal | None,
    spent: Decimal,
    method: EacMethod = EacMethod.CPI,
) -> EarnedValue:
    sums = work_sums(items, today, calendar)
    return earned_value_of(sums, budget=budget, spent=spent, method=method)


def forecast_finish(
    start: date | None, target_end: date | None, spi: float | None, calendar: WorkCalendar
) -> date | None:
    """The finish the schedule performance implies: the planned working days stretched by 1 / SPI,
    counted on from the start in working days, so a forecast never lands on a weekend or holiday."""
    if start is None or target_end is None or not spi:
        return target_end
    stretched = calendar.span(start, target_end) / spi
    if stretched >= calendar.count(start, LAST_DAY):  # past what the calendar can count: the last day
        return LAST_DAY
    return calendar.finish(start, round(stretched))


def slipped(due: date, slip: int, calendar: WorkCalendar) -> date:
    """`due` moved `slip` working days later; an early finish does not pull a due date in."""
    if slip <= 0:
        return due
    return LAST_DAY if slip >= calendar.count(due, LAST_DAY) else calendar.add(due, slip)
