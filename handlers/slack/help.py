"""`/pmo help`: every verb with a one-line example; `/pmo help <verb>` that verb in depth."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import context, header, sections
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.slack.command import SLASH_COMMAND, CommandRouter, Invocation, Reads, Reply, UsageError, Verb


def verb_line(verb: Verb, t: Translator) -> str:
    return t(
        "help.line",
        usage=f"{SLASH_COMMAND} {verb.usage}",
        summary=t(verb.summary_key),
        example=f"{SLASH_COMMAND} {verb.example}",
    )


def topic_reply(verb: Verb, t: Translator) -> Reply:
    """One verb's line and, where the catalog has one, its topic: what it shows and how it is worked out."""
    topic = f"help.topic.{verb.name}"
    lines = [verb_line(verb, t), *(t(topic).splitlines() if t.has(topic) else [])]
    return Reply(text="\n".join(lines), blocks=sections(lines))


def help_reply(invocation: Invocation, router: CommandRouter) -> Reply:
    t = invocation.ctx.t
    words = invocation.words
    if words:
        verb = router.find(words[0].lower())
        if verb is None or len(words) > 1:
            raise UsageError("help.unknown_topic", given=" ".join(words))
        return topic_reply(verb, t)
    lines = [verb_line(verb, t) for verb in sorted(router.verbs, key=lambda verb: verb.name)]
    blocks = [header(t("help.title")), *sections(lines), context(t("help.footer"))]
    return Reply(text=t("help.title") + "\n" + "\n".join(lines), blocks=blocks)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("help", usage="help [verb]", example="help status", reads=Reads.NOTHING)
    def help_verb(invocation: Invocation) -> Reply:
        return help_reply(invocation, router)
