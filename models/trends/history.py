"""A project's trend as its charts read it: the snapshots as kept, and the baseline's curve.

The lines are the snapshots; only the baseline's planned value, which is the plan and not
history, is worked out, to the plan's end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from models.budget.curves import planned_curve
from models.projects.tables import Project
from models.trends.daily import trend_of
from models.trends.tables import TrendSnapshot

# A trend is a line between days: one snapshot is a point, which the text answer gives instead.
FEWEST = 2


@dataclass(frozen=True)
class TrendData:
    """What the charts are drawn from: the snapshots, oldest first, and the baseline's curve."""

    project: Project
    snapshots: Sequence[TrendSnapshot]
    baseline: Sequence[tuple[date, Decimal]]

    @property
    def drawable(self) -> bool:
        return len(self.snapshots) >= FEWEST


def trend_data(db: Session, project: Project) -> TrendData:
    """The project's snapshots and, once there are enough to draw, its baseline's curve."""
    snapshots = trend_of(db, project)
    if len(snapshots) < FEWEST:
        return TrendData(project, snapshots, [])
    return TrendData(project, snapshots, planned_curve(db, project, snapshots[-1].day, baseline=True))
