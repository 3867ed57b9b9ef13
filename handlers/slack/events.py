"""Events API housekeeping: each event handled once, uninstalls noted.

Slack re-sends an event it thinks was not acknowledged (X-Slack-Retry-Num), and a first
attempt may have done its work and only answered late; so every event id is claimed once and
a re-delivery is answered without running the listeners again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from sqlalchemy import delete

from bot.runtime import Runtime
from handlers.slack.command import CommandRouter
from handlers.slack.context import Ctx, runtime_of
from handlers.slack.payloads import AppRemoved
from models.core.claims import claim
from models.core.records import InboundEvent

log = logging.getLogger(__name__)

# Slack retries for about an hour at most; a few days covers it with room to spare.
KEEP_EVENT_IDS = timedelta(days=3)


def claim_event(runtime: Runtime, team_id: str, event_id: str) -> bool:
    runtime.ensure_workspace(team_id)
    with runtime.database.session(team_id) as db:
        values = {"team_id": team_id, "event_id": event_id}
        return claim(db, InboundEvent, values, conflict=["team_id", "event_id"])


def prune_event_ids(runtime: Runtime, now: datetime) -> None:
    with runtime.database.system_session() as db:
        db.execute(delete(InboundEvent).where(InboundEvent.created_at < now - KEEP_EVENT_IDS))


def handle_each_event_once(
    body: dict[str, Any], context: BoltContext, next: Callable[[], None]
) -> BoltResponse | None:
    """Middleware: an event id already claimed is answered 200 without running the listeners."""
    event_id = body.get("event_id")
    team_id = context.team_id or body.get("team_id")
    if body.get("type") != "event_callback" or not event_id or not team_id:
        next()
        return None
    if not claim_event(runtime_of(context), team_id, event_id):
        log.info("event %s of %s already handled; answering the re-delivery only", event_id, team_id)
        return BoltResponse(status=200, body="")
    next()
    return None


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("prune_event_ids", lambda now: prune_event_ids(runtime, now))

    if app.installation_store is not None:
        # Bolt deletes the installation (and so the token) when a workspace uninstalls the app.
        app.enable_token_revocation_listeners()
        return

    @app.event("app_uninstalled")
    @app.event("tokens_revoked")
    def on_uninstalled(ctx: Ctx, slack_event: AppRemoved) -> None:
        log.warning(
            "workspace %s: %s; its data is kept until an operator removes it", ctx.team_id, slack_event.type
        )
