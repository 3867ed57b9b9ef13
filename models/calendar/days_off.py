"""Recording the workspace's holidays and people's absences."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.tables import Absence, Holiday
from models.core.access import Actor
from models.core.audit import record
from models.core.claims import claim
from models.core.errors import ForbiddenError, InvalidError
from models.core.limits import column_limit

NAME_MAX = column_limit(Holiday.name)


def add_holiday(db: Session, *, actor: Actor, team_id: str, day: date, name: str | None) -> bool:
    """True when the day was added; False when it already was a holiday."""
    if not actor.is_admin:
        raise ForbiddenError("calendar.admins_only")
    added = claim(
        db,
        Holiday,
        {"team_id": team_id, "day": day, "name": (name or None) and name[:NAME_MAX]},
        conflict=["team_id", "day"],
    )
    if added:
        record(
            db,
            project_id=None,
            actor_id=actor.user_id,
            action="holiday.add",
            subject=day.isoformat(),
            after={"name": name},
        )
    return added


def upcoming_holidays(db: Session, today: date) -> list[Holiday]:
    return list(db.scalars(select(Holiday).where(Holiday.day >= today).order_by(Holiday.day)))


def add_absence(db: Session, *, actor: Actor, team_id: str, start: date, end: date) -> Absence:
    if end < start:
        raise InvalidError("calendar.away_backwards", start=start, end=end)
    absence = Absence(team_id=team_id, user_id=actor.user_id, start=start, end=end)
    db.add(absence)
    record(
        db,
        project_id=None,
        actor_id=actor.user_id,
        action="absence.add",
        subject=actor.user_id,
        after={"start": start, "end": end},
    )
    return absence
