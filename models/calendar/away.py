"""Who is away on a day: a workspace holiday, a recorded absence, or a Slack status saying so."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.tables import Absence, Holiday
from models.core.workspace import SlackUser

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


@dataclass(frozen=True)
class DaysOff:
    """Holidays and people's absences from `first` to `last`, read once for a whole pass."""

    first: date
    last: date
    holidays: frozenset[date] = frozenset()
    absences: dict[str, list[tuple[date, date]]] = field(default_factory=dict)

    def is_holiday(self, day: date) -> bool:
        return self._read(day) in self.holidays

    def absent(self, user_id: str, day: date) -> bool:
        day = self._read(day)
        return any(start <= day <= end for start, end in self.absences.get(user_id, []))

    def _read(self, day: date) -> date:
        # Outside the days read, "nobody is off" would be a guess, and a prompt sent on a holiday.
        if not self.first <= day <= self.last:
            raise ValueError(f"days off were read from {self.first} to {self.last}, not for {day}")
        return day


# What a pass knows before it reads any day: asked about one, it raises rather than guess.
NONE_READ = DaysOff(first=date.max, last=date.min)


def days_off(db: Session, user_ids: Collection[str], first: date, last: date) -> DaysOff:
    """Holidays from `first` to `last`, and the absences of `user_ids` that touch those days."""
    holidays = db.scalars(select(Holiday.day).where(Holiday.day >= first, Holiday.day <= last))
    absences: dict[str, list[tuple[date, date]]] = defaultdict(list)
    rows = db.execute(
        select(Absence.user_id, Absence.start, Absence.end).where(
            Absence.user_id.in_(user_ids), Absence.start <= last, Absence.end >= first
        )
    )
    for user_id, start, end in rows:
        absences[user_id].append((start, end))
    return DaysOff(first, last, frozenset(holidays), dict(absences))
