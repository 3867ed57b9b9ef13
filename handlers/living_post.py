"""A post made once and then edited as its content grows: a standup summary, a retrospective."""

from __future__ import annotations

from contextlib import suppress

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.blocks import Block
from bot.outbox import send_once
from handlers.context import Ctx
from models.base import utcnow
from models.records import Delivery


def post_or_edit(ctx: Ctx, *, key: str, kind: str, channel: str, text: str, blocks: list[Block]) -> None:
    """Post under `key` the first time (once, whoever races), then edit that one post."""
    with ctx.db(write=False) as db:
        posted = db.scalar(select(Delivery).where(Delivery.key == key))
        ts, where = (posted.message_ts, posted.channel_id) if posted else (None, None)
    if ts:
        # A deleted post is not re-posted: what it showed is still recorded.
        with suppress(SlackApiError):
            ctx.client.chat_update(channel=where or channel, ts=ts, text=text, blocks=blocks)
        return
    send_once(
        ctx.runtime,
        team_id=ctx.team_id,
        key=key,
        kind=kind,
        now=utcnow(),
        send=lambda client: client.chat_postMessage(channel=channel, text=text, blocks=blocks),
    )
