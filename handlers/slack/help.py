"""`/pmo help`: every verb with a one-line example."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import context, header, sections
from bot.runtime import Runtime
from handlers.slack.command import SLASH_COMMAND, CommandRouter, Invocation, Reads, Reply


def help_reply(invocation: Invocation, router: CommandRouter) -> Reply:
    t = invocation.ctx.t
    lines = [
        t(
            "help.line",
            usage=f"{SLASH_COMMAND} {verb.usage}",
            summary=t(verb.summary_key),
            example=f"{SLASH_COMMAND} {verb.example}",
        )
        for verb in sorted(router.verbs, key=lambda verb: verb.name)
    ]
    blocks = [header(t("help.title")), *sections(lines), context(t("help.footer"))]
    return Reply(text=t("help.title") + "\n" + "\n".join(lines), blocks=blocks)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("help", usage="help", example="help", reads=Reads.NOTHING)
    def help_verb(invocation: Invocation) -> Reply:
        return help_reply(invocation, router)
