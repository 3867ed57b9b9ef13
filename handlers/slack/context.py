"""The per-request view of the runtime that listeners work with."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.i18n import Translator
from bot.outbox import Notice, send_notice
from bot.runtime import Runtime
from handlers.slack.directory import language_of
from handlers.slack.once import ONCE_KEY, Once
from models.core.access import Actor

if TYPE_CHECKING:
    from models.projects.tables import Project

RUNTIME_KEY = "pmo_runtime"


@dataclass
class Ctx:
    """Who is asking, from where, in which language, and the means to answer."""

    runtime: Runtime
    team_id: str
    user_id: str
    channel_id: str | None
    client: WebClient
    # Fixed by the caller (a scheduled pass speaks each recipient's language); None means the
    # asking person's own, from their Slack locale.
    language: str | None = None
    # The form, click or command this request is, claimed by its first write (handlers.slack.once).
    once: Once | None = None

    @cached_property
    def t(self) -> Translator:
        """Answers in the asking person's language."""
        return Translator(self.language or language_of(self, self.user_id))

    def t_for(self, user_id: str | None) -> Translator:
        """Someone else's language, for a message sent to them alone (a DM, their Home tab)."""
        return Translator(language_of(self, user_id) if user_id else self.runtime.settings.pmo_language)

    def t_project(self, project: Project) -> Translator:
        """The project's language, for what its channel reads."""
        return project_translator(self.runtime, project)

    @contextmanager
    def db(self, *, write: bool = True, claim: bool = True) -> Iterator[Session]:
        """One session for this listener call, scoped to the request's workspace.

        A write session claims the request's submission in its own transaction, so a second
        copy of the request saves nothing (`claim=False` for bookkeeping that is no save).
        """
        self.runtime.ensure_workspace(self.team_id)
        once = self.once if write and claim else None
        if once is not None:
            once.refuse_if_handled(self.runtime.database)
        with (
            self.runtime.database.session(self.team_id, write=write) as session,
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


def ctx_from(context: BoltContext, body: dict[str, Any]) -> Ctx:
    runtime = runtime_of(context)
    team_id = context.team_id or body.get("team_id") or (body.get("team") or {}).get("id")
    if not team_id:
        raise ValueError("a Slack request without a workspace (team id)")
    ctx = Ctx(
        runtime=runtime,
        team_id=team_id,
        user_id=context.user_id or "",
        channel_id=context.channel_id,
        client=context.client,
        once=context.get(ONCE_KEY),
    )
    # Settled now, before a listener opens a write transaction: looking the person up may
    # write to the people cache, which must not wait on the listener's own lock (SQLite).
    _ = ctx.t
    return ctx
