"""Earned value: how much work was planned by now, how much is done, and what it cost.

Work is weighed by estimate: a leaf task's share of the budget is its estimate over the total
(a task without an estimate weighs as much as the average estimated one). Planned value grows
linearly from a task's start to its due date; earned value is its percent complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.core.limits import clamped_shift

CENT = Decimal("0.01")


@dataclass(frozen=True)
class WorkItem:
    """What earned value needs of a leaf task."""

    estimate_hours: float | None
    percent_complete: int
    start: date | None
    due: date | None


@dataclass(frozen=True)
class EarnedValue:
    budget: Decimal | None
    planned_share: float
    earned_share: float
    actual_cost: Decimal

    @property
    def planned_value(self) -> Decimal | None:
        return self._money(self.planned_share)

    @property
    def earned_value(self) -> Decimal | None:
        return self._money(self.earned_share)

    @property
    def spi(self) -> float | None:
        """Schedule performance: earned over planned; None before anything was planned."""
        return round(self.earned_share / self.planned_share, 2) if self.planned_share else None

    @property
    def cpi(self) -> float | None:
        """Cost performance: earned value over actual cost; None without a budget or spend."""
        earned = self.earned_value
        if earned is None or not self.actual_cost:
            return None
        return round(float(earned / self.actual_cost), 2)

    @property
    def estimate_at_completion(self) -> Decimal | None:
        cpi = self.cpi
        if self.budget is None:
            return None
        if not cpi:
            return self.budget
        return (self.budget / Decimal(str(cpi))).quantize(CENT)

    def _money(self, share: float) -> Decimal | None:
        if self.budget is None:
            return None
        return (self.budget * Decimal(str(share))).quantize(CENT)


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


def planned_fraction(item: WorkItem, today: date) -> float:
    """How much of the task should be done by the end of `today`: 0 before its start, 1 from its due."""
    if item.due is None:
        return 0.0
    start = item.start or item.due
    if today >= item.due:
        return 1.0
    if today < start:
        return 0.0
    days = (item.due - start).days + 1
    return ((today - start).days + 1) / days


def work_sums(items: list[WorkItem], today: date) -> WorkSums:
    estimated = [item for item in items if item.estimate_hours]
    unestimated = [item for item in items if not item.estimate_hours]
    return WorkSums(
        count=len(items),
        estimated=len(estimated),
        hours=sum(item.estimate_hours or 0.0 for item in estimated),
        earned_hours=sum((item.estimate_hours or 0.0) * item.percent_complete / 100 for item in estimated),
        earned_unestimated=sum(item.percent_complete / 100 for item in unestimated),
        planned_hours=sum((item.estimate_hours or 0.0) * planned_fraction(item, today) for item in estimated),
        planned_unestimated=sum(planned_fraction(item, today) for item in unestimated),
    )


def earned_value_of(sums: WorkSums, *, budget: Decimal | None, spent: Decimal) -> EarnedValue:
    fallback = sums.hours / sums.estimated if sums.estimated else 1.0
    total = sums.hours + (sums.count - sums.estimated) * fallback
    if not total:
        return EarnedValue(budget, 0.0, 0.0, spent)
    planned = sums.planned_hours + fallback * sums.planned_unestimated
    earned = sums.earned_hours + fallback * sums.earned_unestimated
    return EarnedValue(budget, planned / total, earned / total, spent)


def earned_value(
    items: list[WorkItem], *, today: date, budget: Decimal | None, spent: Decimal
) -> EarnedValue:
    return earned_value_of(work_sums(items, today), budget=budget, spent=spent)


def forecast_finish(start: date | None, target_end: date | None, spi: float | None) -> date | None:
    """The finish the schedule performance implies: the planned duration stretched by 1 / SPI."""
    if start is None or target_end is None or not spi:
        return target_end
    planned_days = (target_end - start).days
    return clamped_shift(start, planned_days / spi)
