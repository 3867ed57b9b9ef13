"""The people page (PMO administrators): each person's allocation summed over the open projects,
week by week, from `/pmo people`'s own query taken on each week's Monday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from handlers.slack.directory import cached_names
from models.core.access import Actor
from models.team.members import PersonAllocation, people_allocations

WEEKS = 8


@dataclass(frozen=True)
class PersonWeeks:
    user_id: str
    name: str
    weeks: list[PersonAllocation | None]  # one per week shown: None when on no open project then

    @property
    def over(self) -> bool:
        return any(week is not None and week.total > 100 for week in self.weeks)


@dataclass(frozen=True)
class PeoplePage:
    mondays: list[date]
    people: list[PersonWeeks]


def people_page(db: Session, actor: Actor, today: date) -> PeoplePage:
    """Refused (ForbiddenError) unless `actor` is a PMO administrator, as `/pmo people` is."""
    first = today - timedelta(days=today.weekday())
    mondays = [first + timedelta(weeks=week) for week in range(WEEKS)]
    by_week = [
        {person.user_id: person for person in people_allocations(db=db, actor=actor, today=monday)}
        for monday in mondays
    ]
    everyone = {user_id for week in by_week for user_id in week}
    names = cached_names(db, everyone)

    def busiest(user_id: str) -> tuple[int, str]:
        return -max(week[user_id].total for week in by_week if user_id in week), names.get(user_id, user_id)

    people = [
        PersonWeeks(user_id, names.get(user_id, user_id), [week.get(user_id) for week in by_week])
        for user_id in sorted(everyone, key=busiest)
    ]
    return PeoplePage(mondays, people)
