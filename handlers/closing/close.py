"""`/pmo close`: the closing phase, its checklist's Finish / Cancel / Carry over buttons, the archive.

Entering closing posts the checklist and asks every member for their lessons learned; moving to
`closed` (the gate waits for the checklist to be clear) releases the team and posts the final
report.
"""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.closing.checklist import (
    CANCEL_ACTION,
    CARRY_ACTION,
    FINISH_ACTION,
    ITEM_ACTION,
    parse_item_value,
    post_checklist,
    project_for_item,
    refresh_checklists,
    subject,
)
from handlers.closing.final_report import upload_report
from handlers.closing.lessons import ask_for_lessons
from handlers.issues.log import open_resolve
from handlers.projects.home import refresh_homes
from handlers.slack.command import CommandRouter, Invocation, Reply
from handlers.slack.context import Ctx
from handlers.slack.payloads import BlockActions, Clicked
from handlers.slack.shortcuts import permalink
from models.closing.closeout import as_of, settle, start_closing
from models.closing.closing_items import tick_closing_item
from models.core.access import require_visible
from models.core.deliveries import copies_of
from models.core.enums import Disposition, Phase
from models.core.keys import ItemKind, parse_item_key
from models.projects.portfolio import find_project
from models.projects.tables import Project

DISPOSITIONS = {
    FINISH_ACTION: Disposition.FINISHED,
    CANCEL_ACTION: Disposition.CANCELLED,
    CARRY_ACTION: Disposition.CARRIED_OVER,
}


def begin_closing(ctx: Ctx, project_id: int) -> None:
    """After the answer: the checklist in the channel, and the lessons DMs (each sent once)."""
    post_checklist(ctx, project_id)
    ask_for_lessons(ctx, project_id)


def after_phase_move(ctx: Ctx, project: Project, target: Phase, t: Translator) -> str | None:
    """What entering closing or closed sets going; a line to add to the answer (said in `t`), if any."""
    if target is Phase.CLOSING:
        ctx.after(begin_closing, ctx, project.id)
        return t("closing.checklist_coming")
    if target is Phase.CLOSED:
        ctx.after(upload_report, ctx, project.id, project.channel_id)
        return t("closing.archived")
    return None


def settle_click(ctx: Ctx, key: str, disposition: Disposition) -> str:
    with ctx.db() as db:
        project = project_for_item(db, ctx, key)
        settled = settle(
            db=db, actor=ctx.actor, project=project, key=key, disposition=disposition, today=as_of(project)
        )
        project_id = project.id
    refresh_checklists(ctx, project_id)
    refresh_homes(ctx, [ctx.user_id, settled.owner_id])
    word = f"finished.{settled.kind}" if disposition is Disposition.FINISHED else disposition.value
    return ctx.t(f"closing.settled.{word}", key=settled.key, title=settled.title, user=ctx.user_id)


def asks_how(action_id: str, key: str) -> bool:
    """Resolving an issue records how it was resolved: the button opens the issue's own form."""
    parsed = parse_item_key(key)
    return action_id == FINISH_ACTION and parsed is not None and parsed.kind is ItemKind.ISSUE


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("close", usage="close", example="close", takes_args=False)
    def close_verb(invocation: Invocation) -> Reply:
        ctx = invocation.ctx
        with ctx.db() as db:
            project = ctx.channel_project(db)
            moved = start_closing(db=db, actor=ctx.actor, project=project)
            posted = copies_of(db, about=subject(project))
        if moved or not posted:
            # A checklist that never reached Slack (it was down) is posted now, once.
            ctx.after(begin_closing, ctx, project.id)
        if moved:
            # Said in the channel, so in the project's language.
            started = ctx.t_project(project)("closing.started", user=ctx.user_id, key=project.key)
            return Reply(started, in_channel=True)
        if not posted:
            return Reply(ctx.t("closing.again_posting", key=project.key))
        channel, ts = posted[-1]
        link = permalink(ctx, channel, ts)
        if link is None:
            return Reply(ctx.t("closing.again_in", key=project.key, channel=channel))
        return Reply(ctx.t("closing.again", key=project.key, url=link, label=ctx.t("closing.checklist_link")))

    def on_settle(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions, respond: Respond) -> None:
        ack()
        if asks_how(clicked.action_id, clicked.value or ""):
            open_resolve(ctx, click.trigger_id, clicked.value or "", None)
            return
        text = settle_click(ctx, clicked.value or "", DISPOSITIONS[clicked.action_id])
        ctx.after(respond, text=text, response_type="ephemeral", replace_original=False)

    for action_id in DISPOSITIONS:
        app.action(action_id)(on_settle)

    @app.action(ITEM_ACTION)
    def on_item_done(ack: Ack, ctx: Ctx, clicked: Clicked, respond: Respond) -> None:
        ack()
        key, number = parse_item_value(clicked.value or "")
        with ctx.db() as db:
            project = find_project(db, channel_id=None, key=key)
            require_visible(db, project, ctx.actor)
            item = tick_closing_item(
                db=db, actor=ctx.actor, project=project, number=number, today=as_of(project)
            )
            project_id = project.id
        refresh_checklists(ctx, project_id)
        text = ctx.t("closing.item_ticked", user=ctx.user_id, text=item.text)
        ctx.after(respond, text=text, response_type="ephemeral", replace_original=False)
