"""The sponsor's Accept, Send back and Waive buttons, each with a note; `/pmo deliverables`."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.blocks import (
    MESSAGE_BLOCKS_MAX,
    Block,
    context,
    fit,
    header,
    section,
)
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.closing.checklist import (
    ACCEPT_ACTION,
    SEND_BACK_ACTION,
    WAIVE_ACTION,
    deliverable_buttons,
    deliverable_line,
    project_for_item,
    refresh_checklists,
)
from handlers.projects.home import refresh_homes
from handlers.slack.command import CommandRouter, Invocation, Reply
from handlers.slack.context import Ctx
from handlers.slack.forms import ModalState, NoteForm, note_modal
from handlers.slack.payloads import BlockActions, Clicked, SubmittedView
from models.closing.checklist import UNSETTLED, key_of
from models.closing.closeout import as_of
from models.issues.log import issue_key
from models.projects.portfolio import project_by_id
from models.projects.tables import Project
from models.quality.acceptance import (
    NOTE_MAX,
    Accepted,
    Verdict,
    decide_deliverable,
    deliverable_for_decision,
    project_deliverables,
)

CALLBACK = "deliverable_decision"
VERDICTS = {ACCEPT_ACTION: Verdict.ACCEPT, SEND_BACK_ACTION: Verdict.SEND_BACK, WAIVE_ACTION: Verdict.WAIVE}


class AcceptanceState(ModalState):
    project_id: int
    key: str
    verdict: Verdict


def acceptance_form(t: Translator, verdict: Verdict, line: str) -> NoteForm:
    return NoteForm(
        callback_id=CALLBACK,
        title=t(f"acceptance.title.{verdict.value}"),
        submit=t(f"acceptance.{verdict.value}"),
        intro=line,
        label=t(f"acceptance.field.note.{verdict.value}"),
        optional=verdict is Verdict.ACCEPT,
        max_length=NOTE_MAX,
    )


def ask_for_note(ctx: Ctx, key: str, trigger_id: str, verdict: Verdict) -> None:
    with ctx.db(write=False) as db:
        project = project_for_item(db, ctx, key)
        item = deliverable_for_decision(db, project, ctx.actor, key, verdict)
        state = AcceptanceState(project_id=project.id, key=key_of(project, item), verdict=verdict)
        line = deliverable_line(project, item, ctx.t)
    ctx.client.views_open(
        trigger_id=trigger_id, view=note_modal(acceptance_form(ctx.t, verdict, line), state, ctx.t)
    )


def outcome_text(project: Project, outcome: Accepted, note: str | None, user: str, t: Translator) -> str:
    text = t(
        f"acceptance.done.{outcome.verdict.value}",
        user=user,
        key=outcome.key,
        title=outcome.title,
        note=t("acceptance.with_note", note=note) if note else "",
    )
    if outcome.issue is not None:
        owner = outcome.issue.owner_id or project.manager_id or ""
        text += "\n" + t("acceptance.issue_opened", key=issue_key(project, outcome.issue), owner=owner)
    return text


def deliverables_reply(invocation: Invocation) -> Reply:
    """Every deliverable with its acceptance; buttons on those still waiting for the sponsor."""
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        items = project_deliverables(db, project)
    title = ctx.t("acceptance.list_title", key=project.key, name=project.name)
    if not items:
        return Reply(ctx.t("acceptance.none", key=project.key))
    blocks: list[Block] = [header(title)]
    lines = []
    for item in items:
        line = deliverable_line(project, item, ctx.t)
        lines.append(line)
        blocks.append(section(line))
        if item.acceptance in UNSETTLED:
            blocks.append(deliverable_buttons(key_of(project, item), ctx.t))
    overflow = context(ctx.t("status.cut"))
    return Reply("\n".join([title, *lines]), blocks=fit(blocks, limit=MESSAGE_BLOCKS_MAX, overflow=overflow))


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "deliverables", usage="deliverables", example="deliverables", takes_args=False, shareable=True
    )
    def deliverables_verb(invocation: Invocation) -> Reply:
        return deliverables_reply(invocation)

    def on_click(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        ask_for_note(ctx, clicked.value or "", click.trigger_id, VERDICTS[clicked.action_id])

    for action_id in VERDICTS:
        app.action(action_id)(on_click)

    @app.view(CALLBACK)
    def on_decision(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = AcceptanceState.decode(submitted)
        note = submitted.inputs().get("note")
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            # The channel and the issue log read the project's language, whoever decided.
            t = ctx.t_project(project)
            outcome = decide_deliverable(
                db=db,
                actor=ctx.actor,
                project=project,
                key=state.key,
                verdict=state.verdict,
                note=note,
                today=as_of(project),
                rework_title=lambda key, said: t("acceptance.rework_title", key=key, note=said),
            )
            text = outcome_text(project, outcome, note, ctx.user_id, t)
        ack()
        ctx.notify(Notice.new("acceptance", project.key, channel=project.channel_id, text=text))
        refresh_checklists(ctx, project.id)
        refresh_homes(ctx, [project.sponsor_id, outcome.owner_id])
