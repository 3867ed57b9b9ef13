"""A post made once and then edited as its content grows: a standup summary, a retrospective."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from slack_sdk.errors import SlackApiError

from bot.blocks import Block
from bot.outbox import Notice, send_notice
from handlers.slack.context import Ctx
from models.core.deliveries import delivery_by_key

# The post's text and blocks as the database says now.
Render = Callable[[], tuple[str, list[Block]]]
EDIT_ROUNDS = 3


def post_or_edit(ctx: Ctx, *, key: str, kind: str, channel: str, render: Render) -> None:
    """Post under `key` the first time (once, whoever races), then edit that one post.

    Answers arriving together race: one may be saved while the first post is on its way, and
    edits may reach Slack out of order. So whoever posts or edits reads the content again
    afterwards and edits while it changed: the post ends up showing everything saved.
    """
    content = render()
    where = posted_at(ctx, key)
    if where is None:
        text, blocks = content
        # A notice, so a first post Slack refused is made by the `notices` pass, then edited.
        sent = send_notice(ctx.runtime, ctx.team_id, Notice(key, kind, channel, text, blocks))
        latest = render()
        if sent and latest == content:
            return
        content, where = latest, posted_at(ctx, key)
    for _ in range(EDIT_ROUNDS):
        if where is None:
            return  # still on its way: its poster reads the content again once it is posted
        text, blocks = content
        # A deleted post is not re-posted: what it showed is still recorded.
        with suppress(SlackApiError):
            ctx.client.chat_update(channel=where[0] or channel, ts=where[1], text=text, blocks=blocks)
        latest = render()
        if latest == content:
            return
        content = latest


def posted_at(ctx: Ctx, key: str) -> tuple[str | None, str] | None:
    """The channel and ts of the post made under `key`, once it has been posted."""
    with ctx.db(write=False) as db:
        posted = delivery_by_key(db=db, key=key)
    if posted is None or not posted.message_ts:
        return None
    return posted.channel_id, posted.message_ts
