"""Standup answers: one member's answer for one local day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, ProjectItem, UTCDateTime


class StandupReport(ProjectItem, Base):
    """One member's answer for one local day; a second answer that day replaces the first."""

    __tablename__ = "standup_reports"
    __table_args__ = (UniqueConstraint("project_id", "user_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    local_date: Mapped[date] = mapped_column(Date, index=True)
    yesterday: Mapped[str | None] = mapped_column(Text)
    today: Mapped[str | None] = mapped_column(Text)
    blockers: Mapped[str | None] = mapped_column(Text)
    # Answers to the project's own questions, each with the question as it was asked.
    answers: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    blocker_issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
