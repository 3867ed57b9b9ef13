"""The quality plan: acceptance criteria per deliverable, reviews and their results."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, ProjectItem, TeamScoped, UTCDateTime
from models.core.enums import ReviewStatus, stored_enum


class AcceptanceCriterion(ProjectItem, Base):
    """One standard a deliverable (a task or a milestone) must meet."""

    __tablename__ = "acceptance_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class QualityReview(ProjectItem, Base):
    """A planned review of a deliverable by a reviewer on a date."""

    __tablename__ = "quality_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    reviewer_id: Mapped[str] = mapped_column(String(32))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[ReviewStatus] = mapped_column(stored_enum(ReviewStatus), default=ReviewStatus.PLANNED)
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QualityResult(TeamScoped, Base):
    """Pass or fail against one criterion in one review."""

    __tablename__ = "quality_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("quality_reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("acceptance_criteria.id", ondelete="CASCADE"))
    passed: Mapped[bool]
    note: Mapped[str | None] = mapped_column(Text)
