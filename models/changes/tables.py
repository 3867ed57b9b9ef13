"""Change requests, who decided them, and what they touch."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, Money, ProjectItem, TeamScoped, UTCDateTime
from models.core.enums import ChangeStatus, Role, Verdict, stored_enum


class ChangeRequest(ProjectItem, Base):
    __tablename__ = "change_requests"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    schedule_days: Mapped[int] = mapped_column(default=0)
    cost_impact: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    scope_impact: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ChangeStatus] = mapped_column(
        stored_enum(ChangeStatus), default=ChangeStatus.PENDING, index=True
    )
    # Fixed when the request is raised, so later threshold edits don't change who must decide.
    needs_sponsor: Mapped[bool] = mapped_column(default=False)
    requested_by: Mapped[str] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_link: Mapped[str | None] = mapped_column(String(500))


class ChangeDecision(TeamScoped, Base):
    """One decider's verdict; unique per person so a double click records one decision."""

    __tablename__ = "change_decisions"
    __table_args__ = (UniqueConstraint("change_request_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[Role | None] = mapped_column(stored_enum(Role))
    as_admin: Mapped[bool] = mapped_column(default=False)
    verdict: Mapped[Verdict] = mapped_column(stored_enum(Verdict))
    note: Mapped[str | None] = mapped_column(Text)


class ChangeTarget(TeamScoped, Base):
    """A task or milestone that a change request moves when approved."""

    __tablename__ = "change_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_request_id: Mapped[int] = mapped_column(
        ForeignKey("change_requests.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
