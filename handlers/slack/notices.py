"""The `notices` pass: notifications a listener queued after its answer and Slack refused, sent again."""

from __future__ import annotations

from slack_bolt import App

from bot.outbox import retry_notices
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("notices", lambda now: retry_notices(runtime, now))
