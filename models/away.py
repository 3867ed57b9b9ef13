"""Who is away on a day: a workspace holiday, a recorded absence, or a Slack status saying so."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.workspace import Absence, Holiday, SlackUser

AWAY_EMOJI = frozenset({":palm_tree:", ":desert_island:", ":airplane:"})
AWAY_WORDS = re.compile(r"vacation|holiday|\booo\b|out of office|休假|度假", re.IGNORECASE)


def is_holiday(db: Session, day: date) -> bool:
    return db.scalar(select(Holiday.id).where(Holiday.day == day)) is not None


def status_says_away(user: SlackUser | None) -> bool:
    if user is None:
        return False
    return (user.status_emoji or "") in AWAY_EMOJI or bool(AWAY_WORDS.search(user.status_text or ""))


def absent_on(db: Session, user_id: str, day: date) -> bool:
    return (
        db.scalar(
            select(Absence.id).where(Absence.user_id == user_id, Absence.start <= day, Absence.end >= day)
        )
        is not None
    )
