"""Projects, their teams and their money."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.base import Base, Money, ProjectItem, TeamScoped, UTCDateTime
from models.core.enums import EacMethod, Phase, Role, stored_enum


class Project(TeamScoped, Base):
    """A project bound to one Slack channel, from charter to archive."""

    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("team_id", "key"),
        # One open project per channel; a closed project keeps its channel for the record and
        # frees it for the next one.
        Index(
            "uq_projects_open_channel",
            "team_id",
            "channel_id",
            unique=True,
            sqlite_where=text("phase != 'closed'"),
            postgresql_where=text("phase != 'closed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(6))
    name: Mapped[str] = mapped_column(String(200))
    channel_id: Mapped[str] = mapped_column(String(32))
    phase: Mapped[Phase] = mapped_column(stored_enum(Phase), default=Phase.INITIATION)
    private: Mapped[bool] = mapped_column(default=False)

    goal: Mapped[str | None] = mapped_column(Text)
    scope_in: Mapped[str | None] = mapped_column(Text)
    scope_out: Mapped[str | None] = mapped_column(Text)
    stakeholders: Mapped[str | None] = mapped_column(Text)
    sponsor_id: Mapped[str | None] = mapped_column(String(32))
    manager_id: Mapped[str | None] = mapped_column(String(32))

    start_date: Mapped[date | None] = mapped_column(Date)
    target_end_date: Mapped[date | None] = mapped_column(Date)
    baseline_end_date: Mapped[date | None] = mapped_column(Date)
    budget: Mapped[Decimal | None] = mapped_column(Money)
    baseline_budget: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str | None] = mapped_column(String(8))

    # A change whose impact passes either threshold needs both manager and sponsor.
    change_threshold_days: Mapped[int | None] = mapped_column(Integer)
    change_threshold_amount: Mapped[Decimal | None] = mapped_column(Money)
    # How the estimate at completion is forecast; chosen by the manager with `/pmo budget eac`.
    eac_method: Mapped[EacMethod] = mapped_column(
        stored_enum(EacMethod), default=EacMethod.CPI, server_default=EacMethod.CPI.value
    )

    # The project's working week as numpy's weekmask (Monday first, 1 = working): the days its
    # schedule counts, set by the manager with `/pmo calendar week`.
    working_week: Mapped[str] = mapped_column(String(7), default="1111100", server_default="1111100")

    # Per-kind counters behind item keys (APL-12, APL-R3…), bumped atomically in SQL.
    task_seq: Mapped[int] = mapped_column(default=0)
    milestone_seq: Mapped[int] = mapped_column(default=0)
    risk_seq: Mapped[int] = mapped_column(default=0)
    issue_seq: Mapped[int] = mapped_column(default=0)
    change_seq: Mapped[int] = mapped_column(default=0)
    # Moved by every write to the project or its rows (models.core.revisions): a status is kept
    # per revision, so any replica can tell a kept one from a stale one by reading this row.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")

    # The template the project started from, and the gate checks it set per phase (copied, so a
    # template edited later cannot move a running project's gates). None: the built-in gates.
    template_name: Mapped[str | None] = mapped_column(String(40))
    gate_checks: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    # The standup's own questions (models/standups/questions.py); None: the standard three.
    standup_questions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # The template's extra closing items, each ticked by the manager (models/closing/closing_items.py).
    closing_items: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    created_by: Mapped[str] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    members: Mapped[list[Member]] = relationship(back_populates="project", cascade="all, delete-orphan")


class Member(ProjectItem, Base):
    """A person's part in a project: role, responsibility and how much of their time it has."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    role: Mapped[Role] = mapped_column(stored_enum(Role), default=Role.MEMBER)
    responsibility: Mapped[str | None] = mapped_column(Text)
    allocation_pct: Mapped[int] = mapped_column(default=100)
    allocated_from: Mapped[date | None] = mapped_column(Date)
    allocated_to: Mapped[date | None] = mapped_column(Date)
    weekly_capacity_hours: Mapped[float] = mapped_column(default=40.0)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship(back_populates="members")


class BudgetLine(ProjectItem, Base):
    """The planned amount of one budget category."""

    __tablename__ = "budget_lines"
    __table_args__ = (UniqueConstraint("project_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Money)


class CostEntry(ProjectItem, Base):
    """Money spent, logged against a category on a day."""

    __tablename__ = "cost_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    category: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    spent_on: Mapped[date] = mapped_column(Date, index=True)
    logged_by: Mapped[str] = mapped_column(String(32))
    change_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_requests.id", ondelete="SET NULL")
    )
