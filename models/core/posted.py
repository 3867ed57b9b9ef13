"""Where the bot posted a message about something, so every copy can be edited later."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.records import PostedMessage


def remember_post(*, db: Session, subject: str, channel_id: str, ts: str) -> None:
    db.add(PostedMessage(subject=subject, channel_id=channel_id, ts=ts))


def posted_copies(*, db: Session, subject: str) -> list[tuple[str, str]]:
    """The channel and ts of every message posted about `subject`."""
    rows = db.scalars(select(PostedMessage).where(PostedMessage.subject == subject))
    return [(copy.channel_id, copy.ts) for copy in rows]
