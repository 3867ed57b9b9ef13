"""Slack workspaces and what Slack told us about the people in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.core.base import Base, TeamScoped, Timestamped, UTCDateTime


class Workspace(Timestamped, Base):
    """One Slack workspace (team). Every other row hangs off one of these."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))


class SlackUser(TeamScoped, Base):
    """What Slack told us about a person (users.info), cached: time zone, locale, status."""

    __tablename__ = "slack_users"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    status_text: Mapped[str | None] = mapped_column(String(200))
    status_emoji: Mapped[str | None] = mapped_column(String(100))
    is_bot: Mapped[bool] = mapped_column(default=False)
    deleted: Mapped[bool] = mapped_column(default=False)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)


def stored_profile(db: Session, user_id: str) -> SlackUser | None:
    """The person's row in the profile cache, fresh or not."""
    return db.scalar(select(SlackUser).where(SlackUser.user_id == user_id))
