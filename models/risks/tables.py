"""The risk register and every assessment a risk went through."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, ProjectItem, TeamScoped, UTCDateTime
from models.core.enums import Disposition, RiskStatus, RiskStrategy, stored_enum

SCALE = range(1, 6)


class Risk(ProjectItem, Base):
    __tablename__ = "risks"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        CheckConstraint("probability BETWEEN 1 AND 5", name="probability_scale"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100))
    probability: Mapped[int]
    impact: Mapped[int]
    owner_id: Mapped[str | None] = mapped_column(String(32), index=True)
    strategy: Mapped[RiskStrategy | None] = mapped_column(stored_enum(RiskStrategy))
    response_actions: Mapped[str | None] = mapped_column(Text)
    trigger: Mapped[str | None] = mapped_column(Text)
    contingency: Mapped[str | None] = mapped_column(Text)
    review_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[RiskStatus] = mapped_column(stored_enum(RiskStatus), default=RiskStatus.OPEN, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disposition: Mapped[Disposition | None] = mapped_column(stored_enum(Disposition))
    source_link: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(32))

    @hybrid_property
    def score(self) -> int:
        """Probability × impact, 1 to 25; works in Python and in SQL (ORDER BY Risk.score)."""
        return self.probability * self.impact


class RiskAssessment(TeamScoped, Base):
    """One scoring of a risk, kept so the register can show each risk's trend."""

    __tablename__ = "risk_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risks.id", ondelete="CASCADE"), index=True)
    probability: Mapped[int]
    impact: Mapped[int]
    assessed_by: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
