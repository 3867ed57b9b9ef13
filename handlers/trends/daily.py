"""The `trends` pass: each open project's status figures kept once a day, in its own time zone.

It sends nothing. The tick runs it every minute: a project whose day is kept costs nothing
but the one query that finds it kept, and the others are read a day's batch at a time, so the
statements a pass sends do not grow with the number of projects.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from slack_bolt import App

from bot.runtime import Runtime
from handlers.slack.command import CommandRouter
from handlers.slack.passes import PassFailure, ScheduledPass, run_in_every_workspace
from models.projects.portfolio import open_projects
from models.trends.daily import days_due, keep_snapshots, snapshot_rows


class TrendPass(ScheduledPass):
    name = "trends"

    def run(self) -> None:
        rows: list[dict[str, Any]] = []
        # Read in a read-only transaction: a status batch takes long enough that holding
        # SQLite's one write lock meanwhile would stall everyone's clicks.
        with self.runtime.database.session(self.team_id, write=False) as db:
            for day, projects in days_due(db, open_projects(db), self.now).items():
                rows += self.read_together(db, projects, partial(snapshot_rows, db, day=day)).values()
        if rows:
            with self.runtime.database.session(self.team_id) as db:
                keep_snapshots(db, rows)


def run_trends(runtime: Runtime, now: datetime) -> list[PassFailure]:
    return run_in_every_workspace(runtime, now, TrendPass)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("trends", lambda now: run_trends(runtime, now))
