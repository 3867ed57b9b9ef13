"""Scheduled sends, each made once: claim the key, send, record what happened.

A Slack error after slack-sdk's own retries (429 with Retry-After, 5xx) is a failure, tried
again later with back-off. A dropped connection is uncertain: Slack may have posted, so the
send is not repeated blindly and stays visible in `pmo-bot jobs status`. So is a claim whose
process died before it could record the outcome (see models.deliveries.STALE_CLAIM).
Posts are paced per channel (bot.pacing) so a pass with many sends stays under Slack's limits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.runtime import Runtime
from models.deliveries import claim_delivery, mark_failed, mark_sent, mark_uncertain

log = logging.getLogger(__name__)

Send = Callable[[WebClient], SlackResponse]
UNCERTAIN_ERRORS = (URLError, TimeoutError, ConnectionError)


def send_once(
    runtime: Runtime, *, team_id: str, key: str, kind: str, now: datetime, channel: str, send: Send
) -> bool:
    """Send to `channel` unless another process or an earlier pass already did; True when this call sent."""
    with runtime.database.session(team_id) as db:
        delivery_id = claim_delivery(db, team_id=team_id, key=key, kind=kind, now=now)
    if delivery_id is None:
        return False
    try:
        with runtime.pacer.slot(team_id, channel):
            answer = send(runtime.client_for(team_id))
    except SlackApiError as error:
        reason = str(error.response.get("error") or error)
        log.warning("send %s failed: %s", key, reason)
        with runtime.database.session(team_id) as db:
            mark_failed(db, delivery_id, now=now, error=reason)
        return False
    except UNCERTAIN_ERRORS as error:
        log.warning("send %s may or may not have reached Slack: %s", key, error)
        with runtime.database.session(team_id) as db:
            mark_uncertain(db, delivery_id, error=str(error))
        return False
    with runtime.database.session(team_id) as db:
        mark_sent(db, delivery_id, now=now, channel_id=answer.get("channel"), ts=answer.get("ts"))
    return True


@dataclass(frozen=True)
class Dm:
    """One direct message to send once: its delivery key, kind, recipient and content."""

    key: str
    kind: str
    user: str
    text: str
    blocks: list[dict[str, Any]]


def send_dm(runtime: Runtime, *, team_id: str, now: datetime, dm: Dm) -> bool:
    return send_once(
        runtime,
        team_id=team_id,
        key=dm.key,
        kind=dm.kind,
        now=now,
        channel=dm.user,
        send=lambda client: client.chat_postMessage(channel=dm.user, text=dm.text, blocks=dm.blocks),
    )
