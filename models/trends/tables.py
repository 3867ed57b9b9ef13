"""One row per project and day: its status figures as the tick found them that day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Float, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, Money, TeamScoped
from models.core.enums import Health, stored_enum


class TrendSnapshot(TeamScoped, Base):
    """A project's status figures on one day of its own time zone, kept once and never rewritten.

    Money is None for a project without a budget, an index None while it is "not yet" (as
    `/pmo status` shows them); remaining hours None when no task has an estimate.
    """

    __tablename__ = "trend_snapshots"
    __table_args__ = (UniqueConstraint("project_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    planned_value: Mapped[Decimal | None] = mapped_column(Money)
    earned_value: Mapped[Decimal | None] = mapped_column(Money)
    actual_cost: Mapped[Decimal] = mapped_column(Money)
    spi: Mapped[float | None] = mapped_column(Float)
    cpi: Mapped[float | None] = mapped_column(Float)
    remaining_hours: Mapped[float | None] = mapped_column(Float)
    remaining_tasks: Mapped[int] = mapped_column(Integer)
    open_risks: Mapped[int] = mapped_column(Integer)
    open_issues: Mapped[int] = mapped_column(Integer)
    health: Mapped[Health] = mapped_column(stored_enum(Health))
