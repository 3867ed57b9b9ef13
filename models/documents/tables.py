"""The document register's table."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, ProjectItem


class Document(ProjectItem, Base):
    """An entry of the document register (charter, specs, minutes, sign-offs…)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(60))
    added_by: Mapped[str] = mapped_column(String(32))
