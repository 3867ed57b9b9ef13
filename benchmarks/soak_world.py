"""The soak's workspace: projects whose people live in several time zones, and the week they work.

Projects are built through the domain layer (benchmarks/scenario.py); the fake Slack's
directory gives each person a time zone, so standups, reminders and digests fall at each one's
own local morning.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from benchmarks.scenario import ProjectBuilder, Shape, people, project_keys
from models.core.database import Database
from tests.support.fakeslack import FakeSlack

# Whole-hour zones on four continents: each one's 09:40 is a pass of its own.
ZONES = ("Asia/Shanghai", "Europe/Madrid", "Europe/London", "America/New_York", "America/Los_Angeles")
MORNING = time(9, 40)  # after the 09:30 standup prompt and the 09:00 reminders and digests
MEMBERS = 4  # the manager and three others
TASKS = 6


@dataclass(frozen=True)
class Person:
    user: str
    zone: str
    project: Project


@dataclass(frozen=True)
class Project:
    id: int
    key: str
    channel: str
    zone: str
    manager: str


@dataclass(frozen=True)
class World:
    projects: list[Project]
    people: list[Person]

    def zone_of(self) -> dict[str, str]:
        """Where each recipient of a scheduled message lives: people, and projects' channels."""
        zones = {person.user: person.zone for person in self.people}
        return zones | {project.channel: project.zone for project in self.projects}

    def expected_sends(self) -> set[str]:
        """Key prefixes the week must claim: each project's digest, each person's standup prompts."""
        digests = {f"digest:{project.id}:" for project in self.projects}
        return digests | {f"standup:{person.project.id}:{person.user}:" for person in self.people}


def build_world(database: Database, fake: FakeSlack, team: str, *, projects: int, seed: int) -> World:
    rng = random.Random(seed)
    database.ensure_workspace(team)
    today = datetime.now(UTC).date()
    built: list[Project] = []
    everyone: list[Person] = []
    for number, key in zip(range(projects), project_keys(), strict=False):
        zone = ZONES[number % len(ZONES)]
        manager, *team_members = people(f"{number:04d}", MEMBERS)
        channel = f"CSOAK{number:04d}"
        shape = Shape(
            tasks=TASKS,
            members=MEMBERS,
            milestones=2,
            risks=2,
            costs=2,
            past_days=10,
            future_days=20,
            timezone=zone,
            checked_tasks=TASKS,
        )
        with database.session(team) as db:
            made = ProjectBuilder(db, shape, today, rng).build(
                key=key, channel=channel, manager=manager, team=tuple(team_members)
            )
            db.flush()
            project = Project(made.id, key, channel, zone, manager)
        built.append(project)
        for user in (manager, *team_members):
            person = Person(user, rng.choice(ZONES), project)
            fake.add_user(team, user, tz=person.zone)
            everyone.append(person)
    return World(built, everyone)


def week_slots(days: int, today: date | None = None) -> list[datetime]:
    """Each zone's 09:40 on each day of the week from next Monday, in UTC, in order."""
    today = today or datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())
    moments = [
        datetime.combine(monday + timedelta(days=day), MORNING, tzinfo=ZoneInfo(zone)).astimezone(UTC)
        for day in range(days)
        for zone in ZONES
    ]
    return sorted(moments)
