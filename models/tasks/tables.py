"""The work breakdown: tasks (nested to any depth), their dependencies and milestones."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, ProjectItem, TeamScoped, UTCDateTime
from models.core.enums import Acceptance, Disposition, LinkKind, TaskStatus, stored_enum


class Deliverable:
    """Columns shared by everything a sponsor accepts at closing."""

    is_deliverable: Mapped[bool] = mapped_column(default=False)
    acceptance: Mapped[Acceptance] = mapped_column(stored_enum(Acceptance), default=Acceptance.PENDING)
    acceptance_note: Mapped[str | None] = mapped_column(Text)
    accepted_by: Mapped[str | None] = mapped_column(String(32))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Task(Deliverable, ProjectItem, Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[TaskStatus] = mapped_column(stored_enum(TaskStatus), default=TaskStatus.TODO, index=True)
    percent_complete: Mapped[int] = mapped_column(default=0)
    start_date: Mapped[date | None] = mapped_column(Date)
    # Pinned: the start is held where it was set (start no earlier than, and moves never carry
    # it), so a move that now needs it later shows as negative float instead.
    start_pinned: Mapped[bool] = mapped_column(default=False, server_default=false())
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    baseline_start: Mapped[date | None] = mapped_column(Date)
    baseline_due: Mapped[date | None] = mapped_column(Date)
    estimate_hours: Mapped[float | None]
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    disposition: Mapped[Disposition | None] = mapped_column(stored_enum(Disposition))
    source_link: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(32))


class TaskDependency(TeamScoped, Base):
    """`task` waits for `depends_on`: finish-to-start (the default), start-to-start or
    finish-to-finish, `lag_days` working days later (negative: a lead)."""

    __tablename__ = "task_dependencies"
    __table_args__ = (UniqueConstraint("task_id", "depends_on_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    depends_on_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LinkKind] = mapped_column(
        stored_enum(LinkKind), default=LinkKind.FINISH_TO_START, server_default=LinkKind.FINISH_TO_START.value
    )
    lag_days: Mapped[int] = mapped_column(default=0, server_default="0")


class Milestone(Deliverable, ProjectItem, Base):
    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[date] = mapped_column(Date)
    baseline_due: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(32))


class MilestoneLink(TeamScoped, Base):
    """A milestone that follows tasks: its due date is the latest finish the schedule gives them,
    kept in step when they move."""

    __tablename__ = "milestone_links"
    __table_args__ = (UniqueConstraint("milestone_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
