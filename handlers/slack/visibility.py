"""The visibility rule for clicks and message shortcuts, checked once on the way in.

Commands are checked by the router (each verb declares what it reads). A button or shortcut
names its project by a key in its value (APL, APL-12, "APL:standup") or by the channel it was
clicked in; either way, a private project's records reach only its team, its sponsor and PMO
administrators, in its own channel, DMs and Home, before any listener reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from handlers.slack.command import require_seen
from handlers.slack.context import ctx_of
from handlers.slack.errors import refusal
from models.core.errors import ForbiddenError

GUARDED = frozenset({"block_actions", "message_action"})


def named_keys(body: dict[str, Any]) -> list[str]:
    """What the clicked buttons' values start with: a key when the button is about an item."""
    values = [action.get("value") for action in body.get("actions") or [] if isinstance(action, dict)]
    return [value.partition(":")[0] for value in values if isinstance(value, str)]


def refuse_unseen(
    body: dict[str, Any], context: BoltContext, next: Callable[[], None]
) -> BoltResponse | None:
    """Middleware: a click or shortcut about a project the person may not see is refused here."""
    if body.get("type") not in GUARDED:
        next()
        return None
    ctx = ctx_of(context)
    try:
        # No channel on the Home tab and in a modal, where only the person's own view is shown.
        require_seen(ctx, named_keys(body))
    except ForbiddenError as error:
        return refusal(error, body, ctx.t, context.client, settings=ctx.runtime.settings)
    next()
    return None
