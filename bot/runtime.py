"""What every listener and job needs at hand: settings, the database and the scheduled jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.settings import Settings
from models.database import Database

# A scheduled pass: given the (UTC) time it runs as, it finds what is due and does it.
Job = Callable[[datetime], None]


@dataclass
class Runtime:
    settings: Settings
    database: Database
    jobs: dict[str, Job] = field(default_factory=dict)
    _known_teams: set[str] = field(default_factory=set)

    def add_job(self, name: str, job: Job) -> None:
        if name in self.jobs:
            raise ValueError(f"a job named {name!r} is already registered")
        self.jobs[name] = job

    def ensure_workspace(self, team_id: str, enterprise_id: str | None = None) -> None:
        """Record a workspace on its first request; remembered so later requests cost nothing."""
        if team_id in self._known_teams:
            return
        self.database.ensure_workspace(team_id, enterprise_id=enterprise_id)
        self._known_teams.add(team_id)

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.settings.pmo_admins
