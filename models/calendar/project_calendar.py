"""Each project's calendar: its own working week, and its holidays on top of the workspace's.

Every engine figure of a project (CPM, reschedules, planned value, forecasts, change impacts)
is counted on this calendar, so a Sunday-to-Thursday team's plan never lands on its Friday.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.tables import Holiday, ProjectHoliday
from models.calendar.working_days import WorkCalendar, weekmask_of
from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.claims import claim
from models.core.limits import column_limit
from models.projects.tables import Project

NAME_MAX = column_limit(ProjectHoliday.name)


def project_calendars(db: Session, projects: Sequence[Project]) -> dict[int, WorkCalendar]:
    """Each project's calendar, in two queries however many projects there are."""
    shared = frozenset(db.scalars(select(Holiday.day)))
    own: dict[int, set[date]] = {project.id: set() for project in projects}
    rows = db.execute(
        select(ProjectHoliday.project_id, ProjectHoliday.day).where(ProjectHoliday.project_id.in_(own))
    )
    for project_id, day in rows:
        own[project_id].add(day)
    return {project.id: WorkCalendar(project.working_week, shared | own[project.id]) for project in projects}


def project_calendar(db: Session, project: Project) -> WorkCalendar:
    return project_calendars(db, [project])[project.id]


def working_weekdays(project: Project) -> list[int]:
    """The project's working days of the week, Monday = 0 as `date.weekday()`."""
    return [day for day, flag in enumerate(project.working_week) if flag == "1"]


def set_working_week(*, db: Session, actor: Actor, project: Project, weekdays: Collection[int]) -> str:
    """Set the days the project works (the manager's call); the week before is audited and returned."""
    require(db, project, actor, Action.EDIT_CHARTER)
    require_open(project)
    before, project.working_week = project.working_week, weekmask_of(weekdays)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="calendar.week",
        before={"week": before},
        after={"week": project.working_week},
    )
    return before


def add_project_holiday(*, db: Session, actor: Actor, project: Project, day: date, name: str | None) -> bool:
    """True when the day was added; False when it already was one of the project's holidays."""
    require(db, project, actor, Action.EDIT_CHARTER)
    require_open(project)
    kept = (name or None) and name[:NAME_MAX]
    values = {"team_id": project.team_id, "project_id": project.id, "day": day, "name": kept}
    if not claim(db, ProjectHoliday, values, conflict=["project_id", "day"]):
        return False
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="calendar.holiday",
        subject=day.isoformat(),
        after={"name": name},
    )
    return True


def project_holidays(db: Session, project: Project, today: date) -> list[ProjectHoliday]:
    return list(
        db.scalars(
            select(ProjectHoliday)
            .where(ProjectHoliday.project_id == project.id, ProjectHoliday.day >= today)
            .order_by(ProjectHoliday.day)
        )
    )
