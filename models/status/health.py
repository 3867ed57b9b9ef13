"""Project health: the one place its rules are written down.

Red when any of:
- a milestone is late (its due date has passed and it is not completed);
- SPI or CPI is under 0.8;
- an open risk is scored 20 or more and has no response strategy;
- an open issue is critical;
- more has been spent than the whole budget.

Amber when none of those but any of:
- SPI or CPI is under 0.95;
- a task or an issue is overdue;
- a milestone's forecast is after its due date;
- an open risk is scored 15 or more;
- an open issue is high;
- a budget category has spent more than 90% of its plan.

Green otherwise. Every rule that fired is given as a reason, so the colour can be argued with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from models.core.enums import Health

RED_INDEX = 0.8
AMBER_INDEX = 0.95
RED_RISK_SCORE = 20
AMBER_RISK_SCORE = 15


@dataclass(frozen=True)
class HealthFacts:
    """What the rules look at, gathered by the status query."""

    late_milestones: int = 0
    slipping_milestones: int = 0
    spi: float | None = None
    cpi: float | None = None
    unanswered_red_risks: int = 0
    high_risks: int = 0
    critical_issues: int = 0
    high_issues: int = 0
    overdue_tasks: int = 0
    overdue_issues: int = 0
    budget: Decimal | None = None
    spent: Decimal = Decimal(0)
    categories_over_warning: int = 0


@dataclass(frozen=True)
class Reason:
    """A rule that fired: a message key with what it needs."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    health: Health
    reasons: list[Reason]


def _index_reasons(facts: HealthFacts, limit: float) -> list[Reason]:
    found = []
    for name in ("spi", "cpi"):
        value = getattr(facts, name)
        if value is not None and value < limit:
            found.append(Reason(f"health.low_{name}", {"value": f"{value:.2f}", "limit": f"{limit:.2f}"}))
    return found


def red_reasons(facts: HealthFacts) -> list[Reason]:
    found = []
    if facts.late_milestones:
        found.append(Reason("health.late_milestones", {"count": facts.late_milestones}))
    found += _index_reasons(facts, RED_INDEX)
    if facts.unanswered_red_risks:
        found.append(
            Reason("health.unanswered_risks", {"count": facts.unanswered_red_risks, "score": RED_RISK_SCORE})
        )
    if facts.critical_issues:
        found.append(Reason("health.critical_issues", {"count": facts.critical_issues}))
    if facts.budget is not None and facts.spent > facts.budget:
        found.append(Reason("health.over_budget"))
    return found


def amber_reasons(facts: HealthFacts) -> list[Reason]:
    red_keys = {reason.key for reason in _index_reasons(facts, RED_INDEX)}
    found = [reason for reason in _index_reasons(facts, AMBER_INDEX) if reason.key not in red_keys]
    counted = (
        ("health.overdue_tasks", facts.overdue_tasks),
        ("health.overdue_issues", facts.overdue_issues),
        ("health.slipping_milestones", facts.slipping_milestones),
        ("health.high_risks", facts.high_risks),
        ("health.high_issues", facts.high_issues),
        ("health.categories_over", facts.categories_over_warning),
    )
    found += [Reason(key, {"count": count}) for key, count in counted if count]
    return found


def assess(facts: HealthFacts) -> Assessment:
    red = red_reasons(facts)
    amber = amber_reasons(facts)
    if red:
        return Assessment(Health.RED, red + amber)
    if amber:
        return Assessment(Health.AMBER, amber)
    return Assessment(Health.GREEN, [])
