"""Message shortcuts: capture a task, risk, issue or change request from any message.

Each opens the matching form prefilled with the message's text and a link back to it.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.markup import unescape
from bot.runtime import Runtime
from handlers.changes.request_form import open_change_form
from handlers.issues.new import open_issue_form
from handlers.risks.register import open_risk_form
from handlers.slack.command import CommandRouter
from handlers.slack.context import Ctx
from handlers.slack.forms import Prefill
from handlers.slack.payloads import MessageShortcut
from handlers.tasks.breakdown import open_task_form

TITLE_MAX = 150

Opener = Callable[[Ctx, str, str, Prefill], None]
SHORTCUTS: dict[str, Opener] = {
    "create_task": open_task_form,
    "log_risk": lambda ctx, trigger, channel, prefill: open_risk_form(ctx, trigger, channel, None, prefill),
    "log_issue": open_issue_form,
    "request_change": open_change_form,
}


def permalink(ctx: Ctx, channel_id: str, message_ts: str) -> str | None:
    try:
        return ctx.client.chat_getPermalink(channel=channel_id, message_ts=message_ts).get("permalink")
    except SlackApiError:
        return None  # the form is still worth opening without the link


def prefill_from(ctx: Ctx, shortcut: MessageShortcut) -> Prefill:
    # A message's text comes escaped as mrkdwn; the form shows (and the record keeps) what was typed.
    text = unescape(shortcut.message.text.strip())
    first_line = text.splitlines()[0] if text else ""
    title = first_line if len(first_line) <= TITLE_MAX else first_line[: TITLE_MAX - 1] + "…"
    link = permalink(ctx, shortcut.channel.id, shortcut.message_ts)
    description = f"{text}\n\n{link}" if link else text
    return Prefill(title=title or None, description=description or None, source_link=link)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    for callback_id, opener in SHORTCUTS.items():
        app.shortcut(callback_id)(capture(opener))


def capture(opener: Opener) -> Callable[..., None]:
    def on_shortcut(ack: Ack, ctx: Ctx, message_shortcut: MessageShortcut) -> None:
        ack()
        opener(
            ctx, message_shortcut.trigger_id, message_shortcut.channel.id, prefill_from(ctx, message_shortcut)
        )

    return on_shortcut
