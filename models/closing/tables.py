"""Lessons learned: what each member says at closing."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, ProjectItem


class Lesson(ProjectItem, Base):
    """One member's lessons learned at closing."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    went_well: Mapped[str | None] = mapped_column(Text)
    went_badly: Mapped[str | None] = mapped_column(Text)
    next_time: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None]
