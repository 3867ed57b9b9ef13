"""Health rules and earned value with worked numbers: each rule at its boundary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.budget.earned_value import WorkItem, earned_value, forecast_finish, planned_fraction
from models.core.enums import Health
from models.status.health import HealthFacts, assess

DEC = {day: date(2026, 12, day) for day in range(1, 32)}


def test_earned_value_worked_example() -> None:
    items = [
        WorkItem(10, 100, DEC[1], DEC[10]),  # done: planned and earned in full
        WorkItem(30, 20, DEC[6], DEC[15]),  # day 5 of 10: half planned, a fifth earned
        WorkItem(None, 0, DEC[16], DEC[20]),  # unestimated: weighs the average, 20 h
    ]
    value = earned_value(items, today=DEC[10], budget=Decimal("10000"), spent=Decimal("3000"))
    # Weights 10 + 30 + 20 = 60; planned 10 + 15 = 25; earned 10 + 6 = 16.
    assert value.planned_value == Decimal("4166.67")
    assert value.earned_value == Decimal("2666.67")
    assert value.spi == 0.64
    assert value.cpi == 0.89
    assert value.estimate_at_completion == Decimal("11235.96")
    # 19 planned days stretched by 1 / 0.64 are 30 days from the start.
    assert forecast_finish(DEC[1], DEC[20], value.spi) == DEC[31]


def test_earned_value_without_budget_or_spend_gives_indices_it_can() -> None:
    value = earned_value([WorkItem(8, 50, DEC[1], DEC[2])], today=DEC[2], budget=None, spent=Decimal(0))
    assert (value.planned_value, value.earned_value, value.cpi, value.estimate_at_completion) == (
        None,
        None,
        None,
        None,
    )
    assert value.spi == 0.5
    nothing = earned_value([], today=DEC[2], budget=Decimal(100), spent=Decimal(0))
    assert (nothing.spi, nothing.estimate_at_completion) == (None, Decimal(100))


@pytest.mark.parametrize(
    ("today", "fraction"),
    [(DEC[5], 0.0), (DEC[6], 0.2), (DEC[8], 0.6), (DEC[10], 1.0), (DEC[20], 1.0)],
)
def test_planned_value_grows_linearly_from_start_to_due(today: date, fraction: float) -> None:
    assert planned_fraction(WorkItem(5, 0, DEC[6], DEC[10]), today) == pytest.approx(fraction)


def test_a_task_without_dates_is_not_planned_yet() -> None:
    assert planned_fraction(WorkItem(5, 0, None, None), DEC[6]) == 0.0
    assert planned_fraction(WorkItem(5, 0, None, DEC[6]), DEC[6]) == 1.0


@pytest.mark.parametrize(
    ("facts", "health", "first_reason"),
    [
        (HealthFacts(), Health.GREEN, None),
        (HealthFacts(late_milestones=1), Health.RED, "health.late_milestones"),
        (HealthFacts(spi=0.79), Health.RED, "health.low_spi"),
        (HealthFacts(spi=0.80), Health.AMBER, "health.low_spi"),
        (HealthFacts(spi=0.94), Health.AMBER, "health.low_spi"),
        (HealthFacts(spi=0.95), Health.GREEN, None),
        (HealthFacts(cpi=0.79), Health.RED, "health.low_cpi"),
        (HealthFacts(cpi=0.80), Health.AMBER, "health.low_cpi"),
        (HealthFacts(cpi=0.95), Health.GREEN, None),
        (HealthFacts(unanswered_red_risks=1, high_risks=1), Health.RED, "health.unanswered_risks"),
        (HealthFacts(high_risks=1), Health.AMBER, "health.high_risks"),
        (HealthFacts(critical_issues=1), Health.RED, "health.critical_issues"),
        (HealthFacts(high_issues=1), Health.AMBER, "health.high_issues"),
        (HealthFacts(overdue_tasks=1), Health.AMBER, "health.overdue_tasks"),
        (HealthFacts(overdue_issues=1), Health.AMBER, "health.overdue_issues"),
        (HealthFacts(slipping_milestones=1), Health.AMBER, "health.slipping_milestones"),
        (HealthFacts(categories_over_warning=1), Health.AMBER, "health.categories_over"),
        (HealthFacts(budget=Decimal(100), spent=Decimal(100)), Health.GREEN, None),
        (HealthFacts(budget=Decimal(100), spent=Decimal("100.01")), Health.RED, "health.over_budget"),
    ],
)
def test_each_health_rule_at_its_boundary(
    facts: HealthFacts, health: Health, first_reason: str | None
) -> None:
    assessment = assess(facts)
    assert assessment.health is health
    assert (assessment.reasons[0].key if assessment.reasons else None) == first_reason


def test_red_lists_every_reason_red_first_then_amber() -> None:
    assessment = assess(HealthFacts(spi=0.7, cpi=0.9, overdue_tasks=3, late_milestones=2))
    assert [reason.key for reason in assessment.reasons] == [
        "health.late_milestones",
        "health.low_spi",
        "health.low_cpi",
        "health.overdue_tasks",
    ]
    assert assessment.reasons[0].params == {"count": 2}
