"""A workspace's own project templates, each kept as the file it was written as."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, TeamScoped


class ProjectTemplate(TeamScoped, Base):
    """One template, kept as its TOML text so an export gives back what was imported,
    comments included; it is validated again on every read."""

    __tablename__ = "project_templates"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(32))
