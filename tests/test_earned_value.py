"""Earned value against a published worked example, working days, and an independent day-by-day sum."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.budget.earned_value import (
    EarnedValue,
    WorkItem,
    earned_value,
    forecast_finish,
    planned_fraction,
    planned_start,
    slipped,
)
from models.calendar.working_days import WorkCalendar
from models.core.enums import EacMethod, Health
from models.schedule.network import Item, rollups
from models.status.health import HealthFacts, assess

MON = date(2026, 12, 7)  # a Monday; the week runs to Friday Dec 11
WEEKDAYS = WorkCalendar()


def fence(method: EacMethod = EacMethod.CPI) -> EarnedValue:
    """Rita Mulcahy, "PMP Exam Prep", the fence exercise (p. 210 of the edition it is quoted from).

    A fence with four sides, each budgeted $1,000 and one day's work, built one after the other.
    At the end of day 3: side 1 done for $1,000, side 2 done for $1,200, side 3 half done for
    $600, side 4 not started. Days 1 to 4 are Monday to Thursday here.
    """
    sides = [
        WorkItem(8, percent, MON + timedelta(days=n), MON + timedelta(days=n))
        for n, percent in enumerate((100, 100, 50, 0))
    ]
    return earned_value(
        sides,
        today=MON + timedelta(days=2),
        calendar=WEEKDAYS,
        budget=Decimal(4000),
        spent=Decimal(2800),
        method=method,
    )


def test_the_published_fence_example() -> None:
    value = fence()
    # Published: PV 3,000; EV 2,500; AC 2,800; BAC 4,000; CV -300; SV -500; CPI .893; SPI .833.
    assert value.planned_value == Decimal(3000)
    assert value.earned_value == Decimal(2500)
    assert value.actual_cost == Decimal(2800)
    assert value.cost_variance == Decimal(-300)
    assert value.schedule_variance == Decimal(-500)
    assert round(value.cpi or 0, 3) == 0.893
    assert round(value.spi or 0, 3) == 0.833
    # Published: EAC 4,479, ETC 1,679, VAC -479: the book divides by the CPI rounded to .893.
    # From the unrounded CPI (2,500 / 2,800) they are exactly 4,480, 1,680 and -480.
    assert value.estimate_at_completion == Decimal(4480)
    assert value.estimate_to_complete == Decimal(1680)
    assert value.variance_at_completion == Decimal(-480)
    # Worked by hand: TCPI = (BAC - EV) / (BAC - AC) = 1,500 / 1,200.
    assert value.to_complete_index == 1.25
    # Once the whole budget is spent no performance finishes on it: no TCPI, not a negative one.
    spent_out = EarnedValue(value.budget, value.planned_share, value.earned_share, Decimal(4100))
    assert spent_out.to_complete_index is None


def test_the_fence_under_each_eac_formula() -> None:
    # AC + (BAC - EV) = 2,800 + 1,500; AC + (BAC - EV) / (CPI x SPI) = 2,800 + 1,500 / (25/28 x 5/6).
    assert fence(EacMethod.BUDGET_RATE).estimate_at_completion == Decimal(4300)
    assert fence(EacMethod.CPI_SPI).estimate_at_completion == Decimal(4816)
    assert fence(EacMethod.CPI_SPI).estimate_to_complete == Decimal(2016)


def test_money_spent_before_any_value_is_earned_is_not_over_cost() -> None:
    planned_only = [WorkItem(8, 0, MON, MON + timedelta(days=4))]
    value = earned_value(
        planned_only,
        today=MON + timedelta(days=2),
        calendar=WEEKDAYS,
        budget=Decimal(1000),
        spent=Decimal(900),
    )
    assert (value.spi, value.cpi) == (None, None)  # "not yet", not 0
    # CPI would be 0: no EAC from BAC / CPI (it is not BAC), while the budget-rate formula has one.
    assert value.estimate_at_completion is None
    assert value.variance_at_completion is None
    assert value.to_complete_index == pytest.approx(1000 / 100)
    budget_rate = EarnedValue(
        value.budget, value.planned_share, 0.0, value.actual_cost, EacMethod.BUDGET_RATE
    )
    assert budget_rate.estimate_at_completion == Decimal(1900)
    facts = HealthFacts(spi=value.spi, cpi=value.cpi, budget=value.budget, spent=value.actual_cost)
    assert assess(facts).health is Health.GREEN


def test_planned_value_counts_working_days_across_a_weekend_and_a_holiday() -> None:
    fri, tue = date(2026, 12, 4), date(2026, 12, 8)
    task = WorkItem(8, 0, fri, tue)  # Friday, Monday, Tuesday: three working days
    expected = {fri: 1 / 3, fri + timedelta(1): 1 / 3, fri + timedelta(2): 1 / 3, MON: 2 / 3, tue: 1.0}
    assert {day: planned_fraction(task, day, WEEKDAYS) for day in expected} == pytest.approx(expected)
    # With Monday a holiday the task has two working days: nothing more is planned over it.
    off = WorkCalendar(holidays=frozenset({MON}))
    assert [planned_fraction(task, day, off) for day in (fri, MON, tue)] == pytest.approx([0.5, 0.5, 1.0])


def test_a_task_with_only_a_due_date_is_planned_from_the_project_start() -> None:
    due = MON + timedelta(days=4)
    start = planned_start(None, due, MON)
    assert start == MON
    assert planned_fraction(WorkItem(8, 0, start, due), MON + timedelta(days=1), WEEKDAYS) == pytest.approx(
        0.4
    )
    assert planned_start(None, due, due + timedelta(days=1)) is None  # a project start after it: its due date
    assert planned_start(None, None, MON) is None


def test_a_task_without_dates_stays_in_the_budget_but_not_in_planned_value() -> None:
    items = [WorkItem(10, 100, MON, MON), WorkItem(10, 0, None, None)]
    value = earned_value(
        items, today=MON + timedelta(days=30), calendar=WEEKDAYS, budget=Decimal(100), spent=Decimal(10)
    )
    assert (value.undated, value.planned_value, value.earned_value) == (1, Decimal(50), Decimal(50))


def test_the_plan_rolls_up_percent_complete_as_the_status_does() -> None:
    leaves = [
        Item(2, MON, MON, parent_id=1, estimate_hours=30, percent=100),
        Item(3, MON, MON, parent_id=1, estimate_hours=10),
        Item(4, MON, MON, parent_id=1, estimate_hours=None, percent=50),  # weighs the average, 20
    ]
    rolled = rollups([Item(1, None, None), *leaves])[1]
    items = [WorkItem(leaf.estimate_hours, leaf.percent, leaf.start, leaf.due) for leaf in leaves]
    value = earned_value(items, today=MON, calendar=WEEKDAYS, budget=None, spent=Decimal(0))
    assert rolled.percent == value.percent_complete == round(100 * (30 + 10) / 60)


# An independent reading of the same rules: walk every day, count working ones, sum by hand.

HOLIDAYS = st.frozensets(st.dates(MON, MON + timedelta(days=60)), max_size=8)
DAYS = st.integers(0, 60)


@st.composite
def work(draw: st.DrawFn) -> WorkItem:
    first = MON + timedelta(days=draw(DAYS))
    length = draw(st.integers(0, 20))
    start = draw(st.sampled_from([first, None]))
    due = draw(st.sampled_from([first + timedelta(days=length), None]))
    estimate = draw(st.sampled_from([None, 0.0, 1.0, 4.0, 7.5, 40.0]))
    return WorkItem(estimate, draw(st.integers(0, 100)), start, due)


def day_by_day_fraction(item: WorkItem, today: date, off: frozenset[date]) -> float:
    if item.due is None:
        return 0.0
    if today >= item.due:
        return 1.0
    first = item.start or item.due
    days = [first + timedelta(days=n) for n in range((item.due - first).days + 1)]
    working = [day for day in days if day.weekday() < 5 and day not in off]
    return sum(1 for day in working if day <= today) / len(working) if working else 0.0


def by_hand(items: list[WorkItem], today: date, off: frozenset[date], bac: float) -> tuple[float, float]:
    estimated = [item.estimate_hours for item in items if item.estimate_hours]
    average = sum(estimated) / len(estimated) if estimated else 1.0
    weights = [item.estimate_hours or average for item in items]
    total = sum(weights)
    planned = sum(w * day_by_day_fraction(item, today, off) for w, item in zip(weights, items, strict=True))
    earned = sum(w * item.percent_complete / 100 for w, item in zip(weights, items, strict=True))
    return bac * planned / total, bac * earned / total


@given(
    items=st.lists(work(), min_size=1, max_size=12),
    today=st.dates(MON - timedelta(days=5), MON + timedelta(days=90)),
    off=HOLIDAYS,
    spent=st.integers(0, 50_000),
)
def test_earned_value_matches_a_day_by_day_sum(
    items: list[WorkItem], today: date, off: frozenset[date], spent: int
) -> None:
    bac = 10_000.0
    value = earned_value(
        items, today=today, calendar=WorkCalendar(holidays=off), budget=Decimal(10_000), spent=Decimal(spent)
    )
    pv, ev = by_hand(items, today, off, bac)
    assert float(value.planned_value or 0) == pytest.approx(pv, abs=1e-6)
    assert float(value.earned_value or 0) == pytest.approx(ev, abs=1e-6)
    assert float(value.schedule_variance or 0) == pytest.approx(ev - pv, abs=1e-6)
    assert float(value.cost_variance or 0) == pytest.approx(ev - spent, abs=1e-6)
    if ev > 1e-9 and spent:
        assert float(value.estimate_at_completion or 0) == pytest.approx(bac * spent / ev, rel=1e-9)
    else:
        assert value.cpi is None and value.estimate_at_completion is None


def test_the_forecast_finish_stretches_working_days_and_lands_on_one() -> None:
    target = MON + timedelta(days=11)  # Friday Dec 18: ten working days from Monday Dec 7
    # SPI 0.5: twenty working days, so Friday Jan 1, or Monday Jan 4 when Jan 1 is a holiday.
    assert forecast_finish(MON, target, 0.5, WEEKDAYS) == date(2027, 1, 1)
    assert forecast_finish(MON, target, 0.5, WorkCalendar(holidays=frozenset({date(2027, 1, 1)}))) == date(
        2027, 1, 4
    )
    assert forecast_finish(MON, target, 1.0, WEEKDAYS) == target
    assert forecast_finish(MON, target, None, WEEKDAYS) == target  # no SPI yet: the plan stands


def test_a_slip_moves_a_due_date_by_working_days_and_stops_at_the_last_day() -> None:
    friday = MON + timedelta(days=4)
    assert slipped(friday, 1, WEEKDAYS) == MON + timedelta(days=7)  # over the weekend to Monday
    assert slipped(friday, -3, WEEKDAYS) == friday  # finishing early does not pull it in
    assert slipped(date(9999, 12, 1), 10**7, WEEKDAYS) == date(9999, 12, 31)
    assert forecast_finish(MON, MON + timedelta(days=4), 1e-300, WEEKDAYS) == date(9999, 12, 31)
