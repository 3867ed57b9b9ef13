"""Recording the workspace's holidays and people's absences."""

from __future__ import annotations

from collections.abc import Iterable
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


def require_calendar_admin(actor: Actor) -> None:
    """The workspace's holidays stop every project's prompts: PMO administrators set them."""
    if not actor.is_admin:
        raise ForbiddenError("calendar.admins_only")


def add_holiday(db: Session, *, actor: Actor, team_id: str, day: date, name: str | None) -> bool:
    """True when the day was added; False when it already was a holiday."""
    return bool(add_holidays(db, actor=actor, team_id=team_id, days=[(day, name)]))


def add_holidays(
    db: Session,
    *,
    actor: Actor,
    team_id: str,
    days: Iterable[tuple[date, str | None]],
    source: str | None = None,
) -> list[tuple[date, str | None]]:
    """The days added, in the order given; a day that already is a holiday keeps its own name, so
    importing a country's list twice, or over days added by hand, adds nothing."""
    require_calendar_admin(actor)
    added: list[tuple[date, str | None]] = []
    for day, name in days:
        kept = (name or None) and name[:NAME_MAX]
        if claim(db, Holiday, {"team_id": team_id, "day": day, "name": kept}, conflict=["team_id", "day"]):
            after = {"name": name} | ({"source": source} if source else {})
            record(
                db,
                project_id=None,
                actor_id=actor.user_id,
                action="holiday.add",
                subject=day.isoformat(),
                after=after,
            )
            added.append((day, kept))
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
