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
SPI and CPI are compared unrounded, and count only once there is earned value ("not yet"
before that), so money spent before any work is earned is not "over cost".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from models.core.enums import Health

RED_INDEX = 0.8
AMBER_INDEX = 0.95
RED_RISK_SCORE = 20
AMBER_RISK_SCORE = 15
SHOWN_DECIMALS = 6


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


def shown_below(value: float, limit: float) -> str:
    """`value` with as few decimals (two at least) as show it under `limit`: 0.7996 is "0.7996",
    not a "0.80" that would read as no reason at all."""
    for decimals in range(2, SHOWN_DECIMALS):
        if round(value, decimals) < limit:
            return f"{value:.{decimals}f}"
    scale = 10**SHOWN_DECIMALS  # closer still: cut, never round up to the limit
    return f"{math.floor(value * scale) / scale:.{SHOWN_DECIMALS}f}"


def _index_reasons(facts: HealthFacts, limit: float) -> list[Reason]:
    """Indices under `limit`, compared unrounded; SPI or CPI still "not yet" is no reason."""
    found = []
    for name in ("spi", "cpi"):
        value = getattr(facts, name)
        if value is not None and value < limit:
            found.append(
                Reason(f"health.low_{name}", {"value": shown_below(value, limit), "limit": f"{limit:.2f}"})
            )
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
