"""A form submitted twice, a button pressed twice or a command sent twice saves once.

A double click on Save, Slack sending a view_submission again, or two quick presses of one
button reach the app as two requests. Each request that can save is named by a key (what was
submitted, not when), and the first write session of its listener claims that key with
`INSERT … ON CONFLICT DO NOTHING` in the same transaction as the save (`Ctx.db`). So:

- the second copy finds the key taken, changes nothing and gets the first one's answer;
- a save refused by the domain rolls its claim back with it, so the corrected retry works;
- two copies at once wait on one another in the database, on SQLite and PostgreSQL alike.

The key of a form is its view id and its submitted values (an edited resubmission after a
validation error is a new submission); of a click, where the button was (message or view,
as the person saw it), the action without its timestamp and who pressed it; of a command,
its trigger id, which Slack gives each command once. Keys are kept a day, then pruned by
the tick.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.context.ack import Ack
from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.runtime import RUNTIME_KEY, Runtime
from models.core.claims import claim
from models.core.records import HandledSubmission

if TYPE_CHECKING:
    from handlers.slack.command import CommandRouter
    from models.core.database import Database

log = logging.getLogger(__name__)

ONCE_KEY = "pmo_once"
# Slack gives up on an answer after seconds, and a person double-clicks within one: a day is
# far more than any copy of a request needs to be recognised.
KEEP_KEYS = timedelta(days=1)
VIEW_ID_MAX = 64

Outcome = dict[str, Any]


class AlreadyHandledError(Exception):
    """This submission was saved before: answer what the first one answered, do nothing else."""

    def __init__(self, key: str, outcome: Outcome | None) -> None:
        super().__init__(key)
        self.key = key
        self.outcome = outcome

    def answer(self) -> BoltResponse:
        """The first answer. None was kept when it was empty, as every form and button answers a
        save; or when the first copy is still answering, and then it closes the modal as well."""
        if not self.outcome:
            return BoltResponse(status=200, body="")
        return BoltResponse(
            status=200,
            body=str(self.outcome.get("body", "")),
            headers={"content-type": str(self.outcome.get("content_type") or "application/json")},
        )


@dataclass
class Once:
    """One request's key, claimed by the first write session of its listener."""

    team_id: str
    key: str
    held: bool = False

    @contextmanager
    def claimed(self, db: Session) -> Iterator[None]:
        """Claim the key in `db`'s transaction; held only while that transaction may commit."""
        if self.held:
            yield
            return
        values = {"team_id": self.team_id, "key": self.key}
        if not claim(db, HandledSubmission, values, conflict=["team_id", "key"]):
            raise AlreadyHandledError(self.key, self._outcome(db))
        self.held = True
        try:
            yield
        except BaseException:
            self.held = False  # rolled back with the save: a retry may claim it again
            raise

    def refuse_if_handled(self, database: Database) -> None:
        """A copy of a saved request is told so from a read, before it queues for the write lock.

        SQLite has one write lock: a copy that waited for it behind a long write would be told
        "busy, nothing was changed" about a save that was in fact made.
        """
        if self.held:
            return
        with database.session(self.team_id, write=False) as db:
            if db.scalar(select(HandledSubmission.key).where(*self.row())) is not None:
                raise AlreadyHandledError(self.key, self._outcome(db))

    def _outcome(self, db: Session) -> Outcome | None:
        return db.scalar(select(HandledSubmission.outcome).where(*self.row()))

    def row(self) -> tuple[ColumnElement[bool], ...]:
        return HandledSubmission.team_id == self.team_id, HandledSubmission.key == self.key


class RecordingAck(Ack):
    """Bolt's ack, which also keeps a saved request's answer for the copies that follow it."""

    def __init__(self, once: Once, runtime: Runtime) -> None:
        super().__init__()
        self.once = once
        self.runtime = runtime

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = super().__call__(*args, **kwargs)
        if self.once.held and response.body:
            self._record(response)
        return response

    def _record(self, response: BoltResponse) -> None:
        outcome = {"body": response.body, "content_type": first(response.headers.get("content-type"))}
        try:
            with self.runtime.database.session(self.once.team_id) as db:
                db.execute(update(HandledSubmission).where(*self.once.row()).values(outcome=outcome))
        except SQLAlchemyError:
            # The save is committed; a copy of it will still save nothing, only answer emptily.
            log.warning("could not keep the answer to %s", self.once.key, exc_info=True)


def first(values: Any) -> str | None:
    """The first value of a header, as Bolt keeps every header as a list."""
    if isinstance(values, list | tuple):
        return str(values[0]) if values else None
    return None if values is None else str(values)


def digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def submission_key(body: dict[str, Any]) -> str | None:
    """What names this request however often it is sent; None for a request that is no save."""
    kind = body.get("type")
    if kind == "view_submission":
        return form_key(body)
    if kind == "block_actions":
        return click_key(body)
    if body.get("command") and body.get("trigger_id"):
        return f"command:{digest(body['trigger_id'])}"
    return None


def form_key(body: dict[str, Any]) -> str | None:
    view = body.get("view") or {}
    view_id = view.get("id")
    if not isinstance(view_id, str) or not view_id:
        return None
    values = (view.get("state") or {}).get("values")
    return f"view:{view_id[:VIEW_ID_MAX]}:{digest(values)}"


def click_key(body: dict[str, Any]) -> str | None:
    actions = body.get("actions") or []
    container = body.get("container") or {}
    where = container.get("message_ts") or container.get("view_id")
    if not where or not actions or not isinstance(actions[0], dict):
        return None
    # A double click differs only in its action_ts. What the person saw (the message's blocks,
    # the view's hash) is part of the key, so a press after the message changed is a new one.
    action = {name: value for name, value in actions[0].items() if name != "action_ts"}
    seen = (body.get("message") or {}).get("blocks") or (body.get("view") or {}).get("hash")
    user = (body.get("user") or {}).get("id")
    return f"click:{digest(container.get('channel_id'), where, action, seen, user)}"


def prune_keys(runtime: Runtime, now: datetime) -> None:
    with runtime.database.system_session() as db:
        db.execute(delete(HandledSubmission).where(HandledSubmission.created_at < now - KEEP_KEYS))


def name_each_submission(body: dict[str, Any], context: BoltContext, next: Callable[[], None]) -> None:
    """Middleware: the request's submission key, claimed by its first write, and an ack that records."""
    key = submission_key(body)
    team_id = context.team_id or body.get("team_id") or (body.get("team") or {}).get("id")
    if key is not None and team_id:
        once = Once(team_id=team_id, key=key)
        context[ONCE_KEY] = once
        context["ack"] = RecordingAck(once, context[RUNTIME_KEY])
    next()


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("prune_handled_submissions", lambda now: prune_keys(runtime, now))
