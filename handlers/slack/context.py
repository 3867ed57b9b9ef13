"""The per-request view of the runtime that listeners work with."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.i18n import Translator
from bot.outbox import Notice, send_notice
from bot.runtime import RUNTIME_KEY, Runtime
from handlers.slack.directory import language_of, lookup
from handlers.slack.once import ONCE_KEY, Once
from models.core.access import Actor
from models.core.errors import NotFoundError
from models.projects.portfolio import asker_and_channel, project_by_id, project_of_channel

if TYPE_CHECKING:
    from models.core.workspace import SlackUser
    from models.projects.tables import Project

# Bolt hands every key of its context to a listener that names it, so listeners take `ctx: Ctx`.
CTX_KEY = "ctx"


@dataclass
class Ctx:
    """Who is asking, from where, in which language, and the means to answer.

    Built once per request by `build_request_context` (or `job_ctx` for a scheduled pass) with
    its language settled: reading `t` never calls Slack or the database.
    """

    runtime: Runtime
    team_id: str
    user_id: str
    channel_id: str | None
    client: WebClient
    # The asking person's language (their Slack locale's), or what the caller fixed: a
    # scheduled pass speaks the workspace default, a shared answer its channel's project's.
    language: str
    # The form, click or command this request is, claimed by its first write (handlers.slack.once).
    once: Once | None = None
    # The channel's project (open, else the one it last closed), looked up once by the middleware;
    # a listener loads it in its own session with `channel_project`.
    project_id: int | None = None
    # The database was away when the middleware looked the channel's project up: a listener that
    # needs it asks again (and meets the outage), one that doesn't (help) still answers.
    project_unknown: bool = False
    # The channel's project row as the middleware read it, detached from any session: what the
    # visibility check and a read-only answer may use as it stood; a listener that writes loads
    # its own with `channel_project`.
    project_as_read: Project | None = None
    # Answers in `language`; derived, so `replace(ctx, language=…)` speaks the new one.
    t: Translator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.t = Translator(self.language)

    def speaking(self, language: str) -> Ctx:
        """The same request answered in another language."""
        return replace(self, language=language)

    def t_for(self, user_id: str | None) -> Translator:
        """Someone else's language, for a message sent to them alone (a DM, their Home tab)."""
        return Translator(language_of(self, user_id) if user_id else self.runtime.settings.pmo_language)

    def t_project(self, project: Project) -> Translator:
        """The project's language, for what its channel reads."""
        return project_translator(self.runtime, project)

    def channel_project(self, db: Session) -> Project:
        """The project of the channel the request came from, in the listener's session `db`."""
        project_id = self.channel_project_id()
        if project_id is None:
            raise NotFoundError("project.none_in_channel")
        return project_by_id(db, project_id)

    def channel_project_id(self) -> int | None:
        """The channel's project id, looked up again when the database was away at first."""
        if not self.project_unknown:
            return self.project_id
        project = self._project_of(self.channel_id)
        return None if project is None else project.id

    def in_channel(self, channel_id: str) -> Ctx:
        """The same request, asked about another channel (a shared answer posted there)."""
        project = self._project_of(channel_id)
        return replace(
            self,
            channel_id=channel_id,
            project_id=None if project is None else project.id,
            project_as_read=project,
        )

    def _project_of(self, channel_id: str | None) -> Project | None:
        if not channel_id:
            return None
        with self.db(write=False) as db:
            return project_of_channel(db, channel_id)

    @contextmanager
    def db(self, *, write: bool = True, claim: bool = True, apart: bool = False) -> Iterator[Session]:
        """One session for this listener call, scoped to the request's workspace.

        A write session claims the request's submission in its own transaction, so a second
        copy of the request saves nothing (`claim=False` for bookkeeping that is no save).
        `apart`: reads that need no snapshot in common (models.core.database).
        """
        self.runtime.ensure_workspace(self.team_id)
        once = self.once if write and claim else None
        if once is not None:
            once.refuse_if_handled(self.runtime.database)
        with (
            self.runtime.database.session(self.team_id, write=write, apart=apart) as session,
            once.claimed(session) if once is not None else nullcontext(),
        ):
            yield session

    def after(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Notify once Slack has its answer: channel posts, DMs, copies kept in step, Home tabs.

        A listener commits, answers, then queues what tells other people; a failure there is
        logged (bot.runtime) and never changes what the user was told about their save.
        """
        self.runtime.after_answer(work, *args, **kwargs)

    def notify(self, notice: Notice) -> None:
        """After the answer, send a message people depend on through the delivery log.

        An approval request, an assignment, a channel announcement: if Slack refuses it, the
        `notices` pass sends it again after its back-off (bot.outbox).
        """
        self.after(send_notice, self.runtime, self.team_id, notice)

    @property
    def is_admin(self) -> bool:
        return self.runtime.is_admin(self.user_id)

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, is_admin=self.is_admin)


def runtime_of(context: BoltContext) -> Runtime:
    runtime: Runtime = context[RUNTIME_KEY]
    return runtime


def project_translator(runtime: Runtime, project: Project) -> Translator:
    """A project speaks the language its charter names; older projects the workspace default."""
    return Translator(project.language or runtime.settings.pmo_language)


def translator_for(runtime: Runtime) -> Translator:
    """The workspace default (PMO_LANGUAGE), for what no person or project owns."""
    return Translator(runtime.settings.pmo_language)


def job_ctx(runtime: Runtime, team_id: str) -> Ctx:
    """A context for a scheduled pass: nobody asked, so nobody's language is assumed."""
    return Ctx(
        runtime=runtime,
        team_id=team_id,
        user_id="",
        channel_id=None,
        client=runtime.client_for(team_id),
        language=runtime.settings.pmo_language,
    )


def team_of(context: BoltContext, body: dict[str, Any]) -> str | None:
    """The request's workspace: Bolt's, else the body's (a slash command's or an interaction's)."""
    return context.team_id or body.get("team_id") or (body.get("team") or {}).get("id")


def request_ctx(runtime: Runtime, context: BoltContext, body: dict[str, Any]) -> Ctx | None:
    """The request's context with the asking person's language and the channel's project settled;
    None without a workspace.

    Settled here, before any listener opens a write transaction: looking the person up may
    write to the people cache, which must not wait on the listener's own lock (SQLite). An
    event has nobody waiting on an answer (its listeners speak to people by `t_for`), so it
    keeps the workspace default and costs no lookup.
    """
    ctx = unsettled_ctx(runtime, context, body)
    if ctx is None or body.get("type") == "event_callback":
        return ctx
    try:
        profile, project = first_look(ctx)
    except SQLAlchemyError:
        # Language only changes how things are said; help still answers without the database.
        return replace(ctx, project_unknown=True)
    return replace(
        ctx,
        language=language_of(ctx, ctx.user_id, find=partial(lookup, ctx, stored=lambda: profile)),
        project_id=None if project is None else project.id,
        project_as_read=project,
    )


def first_look(ctx: Ctx) -> tuple[SlackUser | None, Project | None]:
    """The asking person's cached profile and the channel's project, in one session: each its
    own session was a connection (and a pre-ping on PostgreSQL) per fact, on every request."""
    with ctx.db(write=False, apart=True) as db:
        return asker_and_channel(db, ctx.user_id, ctx.channel_id)


def unsettled_ctx(runtime: Runtime, context: BoltContext, body: dict[str, Any]) -> Ctx | None:
    """The request's context in the workspace default language, looking nobody up."""
    team_id = team_of(context, body)
    if not team_id:
        return None
    return Ctx(
        runtime=runtime,
        team_id=team_id,
        user_id=context.user_id or "",
        channel_id=context.channel_id,
        client=context.client,
        language=runtime.settings.pmo_language,
        once=context.get(ONCE_KEY),
    )


def ctx_of(context: BoltContext) -> Ctx:
    """The request's context, for middleware after `build_request_context` (listeners take `ctx`)."""
    ctx = context.get(CTX_KEY)
    if not isinstance(ctx, Ctx):
        raise ValueError("a Slack request without a workspace (team id)")
    return ctx


def build_request_context(context: BoltContext, body: dict[str, Any], next: Callable[[], None]) -> None:
    """Middleware: who asks, in which workspace, language and project, once, for every listener after it."""
    ctx = request_ctx(runtime_of(context), context, body)
    if ctx is not None:
        context[CTX_KEY] = ctx
    next()
