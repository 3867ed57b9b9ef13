"""The issue log: problems that have happened and need an owner."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, ProjectItem, UTCDateTime
from models.core.enums import Disposition, IssueStatus, Severity, stored_enum


class Issue(ProjectItem, Base):
    __tablename__ = "issues"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[Severity] = mapped_column(stored_enum(Severity), default=Severity.MEDIUM)
    owner_id: Mapped[str | None] = mapped_column(String(32), index=True)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[IssueStatus] = mapped_column(
        stored_enum(IssueStatus), default=IssueStatus.OPEN, index=True
    )
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    disposition: Mapped[Disposition | None] = mapped_column(stored_enum(Disposition))
    # Where the issue came from: a blocked task, an occurred risk, a failed review…
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="SET NULL"))
    risk_id: Mapped[int | None] = mapped_column(ForeignKey("risks.id", ondelete="SET NULL"))
    origin: Mapped[str | None] = mapped_column(String(40))
    source_link: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(32))
