"""The communication plan: the one source of what the bot sends on its own, to whom and when."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, ProjectItem
from models.core.enums import Channel, CommKind, stored_enum


class CommPlanLine(ProjectItem, Base):
    __tablename__ = "comm_plan_lines"
    __table_args__ = (UniqueConstraint("project_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CommKind] = mapped_column(stored_enum(CommKind))
    audience: Mapped[str] = mapped_column(Text)
    channel: Mapped[Channel] = mapped_column(stored_enum(Channel))
    # Weekday names ("mon,tue,wed"), never numbers: cron libraries disagree on where weeks start.
    days: Mapped[str] = mapped_column(String(40), default="mon,tue,wed,thu,fri")
    local_time: Mapped[str] = mapped_column(String(5), default="09:00")
    # "member": each person's own time zone; "project": the project's.
    time_zone_of: Mapped[str] = mapped_column(String(10), default="project")
    enabled: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str | None] = mapped_column(Text)
