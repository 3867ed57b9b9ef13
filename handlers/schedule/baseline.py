"""`/pmo baseline save <reason>`: the manager makes the plan as it is now the promise."""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from models.projects.portfolio import find_project
from models.schedule.baseline import save_baseline

SAVE_WORD = "save"


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("baseline", usage="baseline save <reason>", example="baseline save vendor slipped a month")
    def baseline_verb(invocation: Invocation) -> Reply:
        words = invocation.words
        if not words or words[0].lower() != SAVE_WORD:
            raise UsageError("baseline.form")
        ctx = invocation.ctx
        with ctx.db() as db:
            project = find_project(db, channel_id=invocation.command.channel_id)
            count = save_baseline(db=db, actor=ctx.actor, project=project, reason=" ".join(words[1:]))
            key = project.key
        return Reply(ctx.t("baseline.saved", key=key, count=count))
