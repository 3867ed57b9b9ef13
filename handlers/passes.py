"""What every scheduled pass shares: one workspace at a time, who is off, and each DM sent once.

A pass gathers what is due inside one read session and sends after it closes, so no
transaction stays open while Slack is called.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.outbox import Dm, send_dm
from bot.runtime import Runtime
from handlers.context import Ctx, job_ctx
from handlers.directory import lookup, time_zone
from models.away import absent_on, is_holiday, status_says_away
from models.workspace import Workspace


def away_on(ctx: Ctx, db: Session, user_id: str, day: date) -> bool:
    """Away by a recorded absence or by a Slack status that says so."""
    return absent_on(db, user_id, day) or status_says_away(lookup(ctx, user_id))


def off_on(ctx: Ctx, db: Session, user_id: str, day: date) -> bool:
    """Not to be prompted or reminded on `day`: a workspace holiday, or away."""
    return is_holiday(db, day) or away_on(ctx, db, user_id, day)


class ScheduledPass:
    """One pass over one workspace, as if the clock read `now`."""

    def __init__(self, runtime: Runtime, team_id: str, now: datetime) -> None:
        self.runtime, self.team_id, self.now = runtime, team_id, now
        self.ctx = job_ctx(runtime, team_id)

    def run(self) -> None:
        raise NotImplementedError

    def time_zone(self, user_id: str) -> str:
        return time_zone(self.ctx, user_id)

    def away(self, db: Session, user_id: str, day: date) -> bool:
        return away_on(self.ctx, db, user_id, day)

    def off(self, db: Session, user_id: str, day: date) -> bool:
        return is_holiday(db, day) or self.away(db, user_id, day)

    def send(self, dm: Dm) -> bool:
        return send_dm(self.runtime, team_id=self.team_id, now=self.now, dm=dm)

    def send_all(self, dms: list[Dm]) -> None:
        for dm in dms:
            self.send(dm)


PassFactory = Callable[[Runtime, str, datetime], ScheduledPass]


def workspaces(runtime: Runtime) -> list[str]:
    """Every workspace's team id: a pass runs once for each, in its own sessions."""
    with runtime.database.system_session(write=False) as db:
        return list(db.scalars(select(Workspace.team_id)))


def run_in_every_workspace(runtime: Runtime, now: datetime, make: PassFactory) -> None:
    for team_id in workspaces(runtime):
        make(runtime, team_id, now).run()
