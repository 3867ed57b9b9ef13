"""What a project leaves behind: documents and lessons learned."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, ProjectItem


class Document(ProjectItem, Base):
    """An entry of the document register (charter, specs, minutes, sign-offs…)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(60))
    added_by: Mapped[str] = mapped_column(String(32))


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
