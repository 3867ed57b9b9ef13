"""The workspace's holidays, each project's own, and people's absences."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, ProjectItem, TeamScoped


class Holiday(TeamScoped, Base):
    """A workspace-wide day off: nobody is prompted or reminded on it."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("team_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str | None] = mapped_column(String(200))


class Absence(TeamScoped, Base):
    """A person away from `start` to `end` inclusive."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)


class ProjectHoliday(ProjectItem, Base):
    """A day off for one project only (a site closure, a client's holiday), on top of the
    workspace's: its schedule skips it, other projects do not."""

    __tablename__ = "project_holidays"
    __table_args__ = (UniqueConstraint("project_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str | None] = mapped_column(String(200))
