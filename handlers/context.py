"""The per-request view of the runtime that listeners work with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.i18n import Translator
from bot.runtime import Runtime
from models.access import Actor

RUNTIME_KEY = "pmo_runtime"


@dataclass
class Ctx:
    """Who is asking, from where, in which language, and the means to answer."""

    runtime: Runtime
    team_id: str
    user_id: str
    channel_id: str | None
    t: Translator
    client: WebClient

    @contextmanager
    def db(self, *, write: bool = True) -> Iterator[Session]:
        """One session for this listener call, scoped to the request's workspace."""
        self.runtime.ensure_workspace(self.team_id)
        with self.runtime.database.session(self.team_id, write=write) as session:
            yield session

    @property
    def is_admin(self) -> bool:
        return self.runtime.is_admin(self.user_id)

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, is_admin=self.is_admin)


def runtime_of(context: BoltContext) -> Runtime:
    return context[RUNTIME_KEY]


def translator_for(runtime: Runtime) -> Translator:
    # The user's Slack locale takes over once it is looked up (users.info); until then the
    # workspace default.
    return Translator(runtime.settings.pmo_language)


def ctx_from(context: BoltContext, body: dict[str, Any]) -> Ctx:
    runtime = runtime_of(context)
    team_id = context.team_id or body.get("team_id") or (body.get("team") or {}).get("id")
    if not team_id:
        raise ValueError("a Slack request without a workspace (team id)")
    return Ctx(
        runtime=runtime,
        team_id=team_id,
        user_id=context.user_id or "",
        channel_id=context.channel_id,
        t=translator_for(runtime),
        client=context.client,
    )
