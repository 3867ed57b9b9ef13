"""What every scheduled pass shares: one workspace at a time, who is off, each send made once,
and one bad project never stopping the others.

A pass gathers what is due inside one read session and sends after it closes, so no
transaction stays open while Slack is called. The projects are read together, in one savepoint
(if that fails, each alone in its own), and each send made on its own: an error in one
project's rows or one channel's send is logged, kept for `pmo-bot jobs status`
(models.core.pass_failures) and counted, and the pass goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import ClassVar, TypeVar

from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import BatchTranslator, Translator
from bot.outbox import UNCERTAIN_ERRORS, Notice, WriteAll, send_all
from bot.per_tick import shared
from bot.runtime import Runtime
from handlers.slack.context import Ctx, job_ctx
from handlers.slack.directory import directory_if_stale, fresh_profiles, language_of, lookup, zone_of
from models.calendar.away import NONE_READ, DaysOff, absent_on, days_off, is_holiday, status_says_away
from models.core.clock import utcnow
from models.core.pass_failures import record_failure
from models.core.workspace import SlackUser, Workspace
from models.projects.portfolio import open_projects
from models.projects.tables import Project

log = logging.getLogger(__name__)

T = TypeVar("T")

# The subject of a failure that stopped a workspace's pass before it reached any project.
WHOLE_PASS = "(the whole pass)"


def away_on(ctx: Ctx, db: Session, user_id: str, day: date) -> bool:
    """Away by a recorded absence or by a Slack status that says so."""
    return absent_on(db, user_id, day) or status_says_away(lookup(ctx, user_id))


def off_on(ctx: Ctx, db: Session, user_id: str, day: date) -> bool:
    """Not to be prompted or reminded on `day`: a workspace holiday, or away."""
    return is_holiday(db, day) or away_on(ctx, db, user_id, day)


class People:
    """The people a pass meets, each looked up once, handed down instead of asked for again.

    A pass asks about one person many times (their time zone for when a prompt is due, their
    status for whether they are away, their locale for the language of the DM), and each ask
    was a read of the profile cache or a `users.info` call. Whom the cache does not hold fresh
    is found in the whole directory, read in pages by whichever pass of the tick meets the
    first of them: on the first tick of a day that is everyone, and a call a person would cost
    thousands of calls.
    """

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        # Sends write their messages on several threads; two looking up one person at once
        # costs a second read, never a wrong answer, so no lock.
        self._known: dict[str, SlackUser | None] = {}
        self._translators: dict[str, Translator] = {}
        # The directory is the exception: a second read of it would cost many pages.
        self._listed: Mapping[str, SlackUser] | None = None
        self._listing = threading.Lock()

    def get(self, user_id: str) -> SlackUser | None:
        if user_id not in self._known:
            self._known[user_id] = lookup(self.ctx, user_id, listed=self._directory)
        return self._known[user_id]

    def load(self, user_ids: Collection[str]) -> None:
        """Many people at once (the cached ones in one query), ahead of a pass that needs them all."""
        missing = [user_id for user_id in user_ids if user_id not in self._known]
        if not missing:
            return
        self._known.update(fresh_profiles(self.ctx, missing))
        if any(user_id not in self._known for user_id in missing):
            self._directory()

    def _directory(self) -> Mapping[str, SlackUser]:
        """Everyone the directory lists, read at most once for the tick, each then known.

        A read Slack refuses (after the client's own retries) is not tried again this tick:
        each person then costs a call of their own, where retrying from the first page for
        every person met would cost the whole directory each time.
        """
        with self._listing:
            if self._listed is None:
                try:
                    self._listed = directory_if_stale(self.ctx)
                except (SlackApiError, *UNCERTAIN_ERRORS) as error:
                    log.warning("could not read the directory of %s: %s", self.ctx.team_id, error)
                    self._listed = {}
                self._known.update(self._listed)
            return self._listed

    def time_zone(self, user_id: str) -> str:
        return zone_of(self.get(user_id))

    def status_away(self, user_id: str) -> bool:
        return status_says_away(self.get(user_id))

    def t_for(self, user_id: str | None) -> Translator:
        """The person's language, for a message sent to them alone; one translator a language,
        so what the tick's messages say alike (dates, buttons, titles) is written once."""
        if not user_id:
            return self._speaking(self.ctx.runtime.settings.pmo_language)
        return self._speaking(language_of(self.ctx, user_id, find=self.get))

    def _speaking(self, language: str) -> Translator:
        if language not in self._translators:
            self._translators[language] = BatchTranslator(language)
        return self._translators[language]


@dataclass(frozen=True)
class PassFailure:
    """One project (or person) a pass could not serve, and why."""

    team_id: str
    subject: str
    error: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.error}"


class ScheduledPass:
    """One pass over one workspace, as if the clock read `now`.

    By default a pass is `for_projects` run over every open project at once, then its sends
    made one by one; passes that work across projects override `run` and use `isolated` (or
    `read_together`) and `send_all` for the same guarantees.
    """

    name: ClassVar[str] = ""

    def __init__(self, runtime: Runtime, team_id: str, now: datetime) -> None:
        self.runtime, self.team_id, self.now = runtime, team_id, now
        self.ctx = job_ctx(runtime, team_id)
        # The tick's other passes met most of the same people as of the same minute.
        self.people = shared((People, team_id), lambda: People(self.ctx))
        self.failures: list[PassFailure] = []
        self._failures_lock = threading.Lock()  # sends fail on several threads at once

    def run(self) -> None:
        self.send_all(self.gather())

    def for_projects(self, db: Session, projects: Sequence[Project]) -> dict[int, list[Notice]]:
        """The sends due for these projects, by project id, read for all of them at once: a pass
        over a thousand projects must not ask the database a thousand times."""
        raise NotImplementedError

    def gather(self) -> list[Notice]:
        """Every open project's sends; a project whose reading fails is left out and recorded."""
        with self.runtime.database.session(self.team_id, write=False) as db:
            projects = open_projects(db)
            if not projects:
                return []
            due = self.read_together(db, projects, lambda batch: self.for_projects(db, batch))
            return [
                about(notice, project_subject(project))
                for project in projects
                for notice in due.get(project.id, [])
            ]

    @contextmanager
    def isolated(self, subject: str, db: Session | None = None) -> Iterator[None]:
        """One project's (or person's) work: what fails in it is recorded, and the pass goes on.

        Inside `db` it runs in a savepoint, so a database error (which on PostgreSQL aborts the
        whole transaction) is rolled back to where this project began, not past it.
        """
        try:
            with db.begin_nested() if db is not None else nullcontext():
                yield
        except Exception as error:
            self.failed(subject, repr(error), exc_info=True)

    def read_together(
        self, db: Session, projects: Sequence[Project], read: Callable[[Sequence[Project]], dict[int, T]]
    ) -> dict[int, T]:
        """What `read` finds for the projects read together, by project id; if that fails, each
        alone, so only the faulty project is left out (and recorded)."""
        try:
            with db.begin_nested():
                return read(projects)
        except Exception:
            log.warning("%s pass: %d projects failed together; reading each alone", self.name, len(projects))
        found: dict[int, T] = {}
        for project in projects:
            with self.isolated(project_subject(project), db):
                found |= read([project])
        return found

    def failed(self, subject: str, error: str, *, exc_info: bool = False) -> None:
        log.error("%s pass: %s in %s failed: %s", self.name, subject, self.team_id, error, exc_info=exc_info)
        with self._failures_lock:
            self.failures.append(PassFailure(self.team_id, subject, error))

    def time_zone(self, user_id: str) -> str:
        return self.people.time_zone(user_id)

    def t_for(self, user_id: str | None) -> Translator:
        return self.people.t_for(user_id)

    def read_days_off(self, db: Session, people: Collection[str], days: Collection[date]) -> DaysOff:
        """The holidays on `days` and the absences of `people` then, read at once for the pass."""
        return days_off(db, people, min(days), max(days)) if days else NONE_READ

    def away(self, days: DaysOff, user_id: str, day: date) -> bool:
        """Away by a recorded absence or by a Slack status that says so."""
        return days.absent(user_id, day) or self.people.status_away(user_id)

    def off(self, days: DaysOff, user_id: str, day: date) -> bool:
        """Not to be prompted or reminded on `day`: a workspace holiday, or away."""
        return days.is_holiday(day) or self.away(days, user_id, day)

    def send_all(self, notices: Sequence[Notice], write_all: WriteAll | None = None, batch: int = 0) -> int:
        """Send each once; a send that fails is recorded against its subject, the rest go on."""
        return send_all(
            self.runtime,
            team_id=self.team_id,
            now=self.now,
            notices=list(notices),
            on_failure=lambda notice, reason: self.failed(
                notice.subject or notice.key, f"{notice.key}: {reason}"
            ),
            write_all=write_all,
            batch=batch,
        )


def project_subject(project: Project) -> str:
    """A project as an operator finds it in Slack: its key and its channel."""
    return f"{project.key} (#{project.channel_id})"


def about(notice: Notice, subject: str) -> Notice:
    """The notice, its failures counted against `subject` unless it names its own."""
    return notice if notice.subject else replace(notice, subject=subject)


PassFactory = Callable[[Runtime, str, datetime], ScheduledPass]


def workspaces(runtime: Runtime) -> list[str]:
    """Every workspace's team id: a pass runs once for each, in its own sessions."""
    with runtime.database.system_session(write=False) as db:
        return list(db.scalars(select(Workspace.team_id)))


def run_in_every_workspace(runtime: Runtime, now: datetime, make: PassFactory) -> list[PassFailure]:
    """Run the pass in each workspace; what failed, recorded for `jobs status` and returned."""
    failures: list[PassFailure] = []
    for team_id in workspaces(runtime):
        scheduled = make(runtime, team_id, now)
        try:
            scheduled.run()
        except Exception as error:  # before any project was reached: the workspace's pass
            scheduled.failed(WHOLE_PASS, repr(error), exc_info=True)
        keep(runtime, scheduled.name, scheduled.failures)
        failures += scheduled.failures
    return failures


def keep(runtime: Runtime, pass_name: str, failures: list[PassFailure]) -> None:
    """Record the failures where `jobs status` shows them; a database down too only logs them."""
    try:
        for failure in failures:
            with runtime.database.session(failure.team_id) as db:
                record_failure(
                    db,
                    team_id=failure.team_id,
                    pass_name=pass_name,
                    subject=failure.subject,
                    error=failure.error,
                    at=utcnow(),
                )
    except Exception:
        log.exception("could not record the %s pass's failures", pass_name)
