"""Health rules, each at its boundary; earned value has its own tests (test_earned_value)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from models.budget.spend import WARN_SHARE
from models.core.enums import Health
from models.status.health import (
    AMBER_INDEX,
    AMBER_RISK_SCORE,
    RED_INDEX,
    RED_RISK_SCORE,
    HealthFacts,
    assess,
    shown_below,
)


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


@pytest.mark.parametrize(
    ("value", "shown"), [(0.7996, "0.7996"), (0.79, "0.79"), (0.7949, "0.79"), (0.79999999, "0.799999")]
)
def test_an_index_just_under_its_limit_is_not_shown_as_the_limit(value: float, shown: str) -> None:
    assert shown_below(value, 0.8) == shown
    assert assess(HealthFacts(cpi=value)).reasons[0].params["value"] == shown


def test_readme_writes_down_the_thresholds_the_rules_apply() -> None:
    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text().split())
    section = readme[readme.index("### Earned value and health") : readme.index("### Limits")]
    for said in (
        f"SPI or CPI is under {RED_INDEX:.2f}",
        f"SPI or CPI is under {AMBER_INDEX:.2f}",
        f"an open risk is scored {RED_RISK_SCORE} or more with no response",
        f"an open risk is scored {AMBER_RISK_SCORE} or more;",
        f"spent more than {WARN_SHARE:.0%} of its plan",
    ):
        assert said in section
