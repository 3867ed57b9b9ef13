"""`/pmo <verb> …`: one slash command, a registry of verbs, and the answers they give.

Capabilities add their verbs with `CommandRouter.verb`; `/pmo help` lists whatever is
registered, so help can never fall behind the commands.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks import BUTTON_VALUE_MAX, MESSAGE_BLOCKS_MAX, Block, actions, button, fallback
from bot.markup import escape
from bot.runtime import Runtime
from handlers.slack.context import Ctx
from handlers.slack.payloads import BlockActions, Clicked, SlashCommand
from handlers.slack.usage import form_for
from models.core.access import require_visible
from models.core.errors import DomainError, InvalidError
from models.projects.portfolio import project_in_channel, project_keys, projects_named
from models.projects.tables import Project

SLASH_COMMAND = "/pmo"
SHARE_ACTION = "pmo_share_reply"
# Longer than anyone types after /pmo: refused before it is read (and echoed back in answers).
COMMAND_TEXT_MAX = 4000


@dataclass(frozen=True)
class Reply:
    """An answer to a command: ephemeral unless the user asked to share it."""

    text: str
    blocks: list[Block] | None = None
    in_channel: bool = False

    def ack_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {
            "text": fallback(self.text),
            "response_type": "in_channel" if self.in_channel else "ephemeral",
        }
        if self.blocks:
            args["blocks"] = self.blocks
        return args


@dataclass(frozen=True)
class Invocation:
    ctx: Ctx
    command: SlashCommand
    verb: str
    args: str
    # The projects the visibility rule checked before the verb ran, as their rows stood in its
    # session: a verb that only reads may answer from them without loading them again.
    readable: tuple[Project, ...] = ()

    @property
    def words(self) -> list[str]:
        return self.args.split()


# A verb answers with a Reply, or with None when it has answered another way (a modal).
VerbHandler = Callable[[Invocation], Reply | None]


class Reads(StrEnum):
    """Whose records a verb shows or touches: the router applies the visibility rule before it runs."""

    NOTHING = "nothing"  # nobody's, or a list that leaves out what the reader may not see
    CHANNEL = "channel"  # the channel's project
    KEYED = "keyed"  # the project a key among its words names (APL, APL-12), else the channel's


@dataclass(frozen=True)
class Verb:
    name: str
    usage: str
    example: str
    run: VerbHandler
    shareable: bool = False
    takes_args: bool = True
    reads: Reads = Reads.CHANNEL

    @property
    def summary_key(self) -> str:
        return f"verbs.{self.name}"


class UsageError(Exception):
    """Arguments a verb cannot read; the answer shows how to write the command."""

    def __init__(self, detail_key: str, **params: Any) -> None:
        super().__init__(detail_key)
        self.detail_key = detail_key
        self.params = params


class CommandRouter:
    def __init__(self) -> None:
        self._verbs: dict[str, Verb] = {}

    def verb(
        self,
        name: str,
        *,
        usage: str,
        example: str,
        shareable: bool = False,
        takes_args: bool = True,
        reads: Reads = Reads.CHANNEL,
    ) -> Callable[[VerbHandler], VerbHandler]:
        """Register a verb; a shareable one's answers carry a "Share in channel" button. `reads`
        names the project whose records it shows, so nobody reaches them where they may not."""

        def add(run: VerbHandler) -> VerbHandler:
            if name in self._verbs:
                raise ValueError(f"/pmo {name} is registered twice")
            self._verbs[name] = Verb(
                name=name,
                usage=usage,
                example=example,
                run=run,
                shareable=shareable,
                takes_args=takes_args,
                reads=reads,
            )
            return run

        return add

    @property
    def verbs(self) -> list[Verb]:
        return list(self._verbs.values())

    def find(self, name: str) -> Verb | None:
        return self._verbs.get(name)

    def suggest(self, name: str) -> str | None:
        matches = difflib.get_close_matches(name, self._verbs, n=1, cutoff=0.5)
        return matches[0] if matches else None

    def dispatch(self, ctx: Ctx, command: SlashCommand) -> Reply | None:
        if len(command.text) > COMMAND_TEXT_MAX:
            return Reply(
                ctx.t("command.too_long", length=f"{len(command.text):,}", limit=f"{COMMAND_TEXT_MAX:,}")
            )
        verb_name, _, args = command.text.strip().partition(" ")
        verb_name = verb_name.lower() or "help"
        verb = self.find(verb_name)
        if verb is None:
            return self._unknown(ctx, verb_name)
        if args.strip() and not verb.takes_args:
            return usage_reply(ctx, verb, ctx.t("command.takes_nothing", verb=verb.name))
        reply = self._run(verb, Invocation(ctx=ctx, command=command, verb=verb_name, args=args.strip()))
        # The button carries the command as Slack sent it, so running it again reads it the same.
        sent = escape(command.text)
        if reply is not None and verb.shareable and reply.blocks and len(sent) <= BUTTON_VALUE_MAX:
            return with_share_button(reply, ctx, sent)
        return reply

    @staticmethod
    def _run(verb: Verb, invocation: Invocation) -> Reply | None:
        """The verb's answer, or what was wrong: with the command's form when the input was."""
        ctx = invocation.ctx
        try:
            return verb.run(require_readable(verb, invocation))
        except UsageError as error:
            return usage_reply(ctx, verb, ctx.t(error.detail_key, **error.params), invocation.words)
        except InvalidError as error:
            return usage_reply(ctx, verb, ctx.t(error.key, **error.params), invocation.words)
        except DomainError as error:
            return Reply(ctx.t(error.key, **error.params))

    def _unknown(self, ctx: Ctx, verb_name: str) -> Reply:
        suggestion = self.suggest(verb_name)
        if suggestion is None:
            return Reply(ctx.t("command.unknown", verb=verb_name))
        return Reply(ctx.t("command.unknown_suggest", verb=verb_name, suggestion=suggestion))


def require_readable(verb: Verb, invocation: Invocation) -> Invocation:
    """The one visibility rule for commands, checked here before any verb reads a record; the
    invocation with the projects it checked."""
    if verb.reads is Reads.NOTHING:
        return invocation
    keys = invocation.words if verb.reads is Reads.KEYED else []
    return replace(invocation, readable=tuple(require_seen(invocation.ctx, keys)))


def require_seen(ctx: Ctx, keys: list[str]) -> list[Project]:
    """A private project's records only for its people, and only in its own channel, DMs and
    Home: the projects `keys` name (APL, APL-12), else the channel's (none on Home and in
    modals). Answers with the projects it checked."""
    seen = ctx.project_as_read
    if seen is not None and not seen.private and project_keys(keys) <= {seen.key}:
        # A public project is anyone's to read, anywhere: nothing to look up again when the
        # keys name no other (`done APL-12` in APL's channel, the commonest command of all).
        return [seen]
    with ctx.db(write=False) as db:
        named = projects_named(db, keys)
        here = [ctx.channel_project(db)] if ctx.channel_project_id() is not None else []
        for project in named or here:
            require_visible(db, project, ctx.actor, ctx.channel_id)
        return named or here


def usage_reply(ctx: Ctx, verb: Verb, detail: str, words: list[str] | None = None) -> Reply:
    """What was wrong with the arguments, and the form of the command that fits what was typed."""
    usage = form_for(verb.usage, words or [])
    return Reply(ctx.t("command.usage", detail=detail, usage=f"{SLASH_COMMAND} {usage}"))


def with_share_button(reply: Reply, ctx: Ctx, command_text: str) -> Reply:
    share = actions(button(ctx.t("command.share"), action_id=SHARE_ACTION, value=command_text))
    blocks = [*(reply.blocks or [])[: MESSAGE_BLOCKS_MAX - 1], share]
    return Reply(text=reply.text, blocks=blocks, in_channel=reply.in_channel)


def shared(reply: Reply) -> Reply:
    """The same answer for everyone in the channel, without the button that shared it."""
    blocks = [block for block in reply.blocks or [] if not _is_share_row(block)]
    return Reply(text=reply.text, blocks=blocks, in_channel=True)


def _is_share_row(block: Block) -> bool:
    return block.get("type") == "actions" and any(
        element.get("action_id") == SHARE_ACTION for element in block.get("elements", [])
    )


def in_channel_language(ctx: Ctx, channel_id: str) -> Ctx:
    """The same request, speaking the language of the project whose channel will read it."""
    with ctx.db(write=False) as db:
        project = project_in_channel(db, channel_id)
        if project is None:
            return ctx
        return ctx.speaking(ctx.t_project(project).language)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @app.action(SHARE_ACTION)
    def on_share(ack: Ack, ctx: Ctx, click: BlockActions, clicked: Clicked, respond: Respond) -> None:
        """Run the command again for whoever clicked, and post the fresh answer in the channel."""
        if click.channel is None or clicked.value is None:
            raise InvalidError("errors.unreadable")  # the button only ever sits on a channel's answer
        ack()
        channel_id = click.channel.id
        ctx = in_channel_language(ctx.in_channel(channel_id), channel_id)
        command = SlashCommand(
            team_id=ctx.team_id,
            user_id=ctx.user_id,
            channel_id=channel_id,
            command=SLASH_COMMAND,
            text=clicked.value,
        )
        reply = router.dispatch(ctx, command)
        if reply is not None:
            ctx.after(respond, **shared(reply).ack_args(), replace_original=False)

    @app.command(SLASH_COMMAND)
    def on_pmo(ack: Ack, ctx: Ctx, slash_command: SlashCommand) -> None:
        reply = router.dispatch(ctx, slash_command)
        if reply is None:
            ack()
        else:
            ack(**reply.ack_args())
