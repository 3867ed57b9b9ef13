"""The directory of people kept current by Slack's events rather than by asking Slack again.

Someone who changes their time zone or language (`user_change`), or joins (`team_join`), is
read that way from the next message on, though their cached profile is not yet a day old.
"""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from handlers.slack.command import CommandRouter
from handlers.slack.context import Ctx
from handlers.slack.directory import profile_changed
from handlers.slack.payloads import ProfileChanged


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @app.event("user_change")
    @app.event("team_join")
    def on_profile(ctx: Ctx, slack_event: ProfileChanged) -> None:
        # Cached after the answer: Slack resends an event not acknowledged within 3 s.
        ctx.after(profile_changed, ctx, slack_event.user.model_dump())
