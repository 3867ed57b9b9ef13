"""`/pmo comms`: the communication plan as a table, each line edited in its own modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks import (
    MESSAGE_BLOCKS_MAX,
    Block,
    button,
    checkbox_input,
    choices_input,
    context,
    fit,
    header,
    modal,
    option,
    section,
    select_input,
    text_input,
)
from bot.formats import fmt_list
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import FormReader, ModalState
from handlers.slack.payloads import BlockActions, Clicked, SubmittedView
from handlers.standups.questions import question_blocks, question_list, read_questions
from models.comms.plan import (
    AUDIENCE_MAX,
    TIME_ZONE_OWNERS,
    WEEKDAYS,
    WORKDAYS,
    CommLineForm,
    edit_line,
    find_line,
    plan_lines,
)
from models.comms.tables import CommPlanLine
from models.core.access import Action, require, require_open
from models.core.enums import Channel, CommKind
from models.core.errors import NotFoundError
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project
from models.standups.questions import Question, questions_of, set_questions

EDIT_ACTION = "comms_edit"
EDIT_CALLBACK = "comms_line"
EVERY_DAY = ",".join(WEEKDAYS)


class CommsState(ModalState):
    project_id: int
    line_id: int
    channel_id: str


def days_text(days: str, t: Translator) -> str:
    if days == WORKDAYS:
        return t("comms.workdays")
    if days == EVERY_DAY:
        return t("comms.every_day")
    return fmt_list((t(f"formats.weekday.{day}") for day in days.split(",") if day), t)


def line_text(line: CommPlanLine, t: Translator) -> str:
    return t(
        "comms.line",
        state="✅" if line.enabled else "⏸️",
        what=t(f"comms.kind.{line.kind.value}"),
        audience=line.audience,
        way=t(f"comms.channel.{line.channel.value}"),
        days=days_text(line.days, t),
        time=line.local_time,
        zone=t(f"comms.zone.{line.time_zone_of}"),
        off="" if line.enabled else t("comms.off"),
        notes=t("comms.notes", notes=line.notes) if line.notes else "",
    )


def plan_blocks(project: Project, lines: list[CommPlanLine], t: Translator) -> list[Block]:
    rows = [
        section(
            line_text(line, t),
            accessory=button(
                t("comms.edit"), action_id=EDIT_ACTION, value=f"{project.key}:{line.kind.value}"
            ),
        )
        for line in lines
    ]
    return fit(
        [header(t("comms.title", key=project.key, name=project.name)), *rows, context(t("comms.footer"))],
        limit=MESSAGE_BLOCKS_MAX,
        overflow=context(t("comms.too_many", count=len(lines))),
    )


def comms_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        lines = plan_lines(db, project)
        text = "\n".join(
            [
                ctx.t("comms.title", key=project.key, name=project.name),
                *(line_text(line, ctx.t) for line in lines),
            ]
        )
        return Reply(text, blocks=plan_blocks(project, lines, ctx.t))


def line_modal(
    t: Translator, state: CommsState, line: CommPlanLine, questions: list[Question] | None
) -> dict[str, Any]:
    blocks: list[Block] = [
        section(t("comms.editing", what=t(f"comms.kind.{line.kind.value}"))),
        checkbox_input("enabled", t("comms.field.enabled"), t("comms.enabled_choice"), checked=line.enabled),
        text_input("audience", t("comms.field.audience"), initial=line.audience, max_length=AUDIENCE_MAX),
        select_input(
            "channel",
            t("comms.field.channel"),
            [option(t(f"comms.channel.{way.value}"), way.value) for way in Channel],
            initial=line.channel.value,
        ),
        choices_input(
            "days",
            t("comms.field.days"),
            [option(t(f"formats.weekday.{day}"), day) for day in WEEKDAYS],
            initial=line.days.split(","),
            optional=False,
        ),
        text_input(
            "local_time",
            t("comms.field.local_time"),
            initial=line.local_time,
            hint=t("comms.hint.local_time"),
        ),
        select_input(
            "time_zone_of",
            t("comms.field.time_zone_of"),
            [option(t(f"comms.zone.{owner}"), owner) for owner in TIME_ZONE_OWNERS],
            initial=line.time_zone_of,
        ),
        text_input("notes", t("comms.field.notes"), initial=line.notes, multiline=True, optional=True),
    ]
    if line.kind is CommKind.STANDUP:
        blocks += question_blocks(t, questions)
    return modal(
        callback_id=EDIT_CALLBACK,
        title=t("comms.modal_title"),
        submit=t("comms.save"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def open_line_modal(ctx: Ctx, trigger_id: str, kind: str, *, channel_id: str | None, key: str | None) -> None:
    with ctx.db(write=False) as db:
        project = find_project(db, channel_id=channel_id, key=key)
        require(db, project, ctx.actor, Action.EDIT_COMMS)
        require_open(project)
        line = find_line(db, project, kind)
        state = CommsState(project_id=project.id, line_id=line.id, channel_id=project.channel_id)
        view = line_modal(ctx.t, state, line, questions_of(project))
    ctx.client.views_open(trigger_id=trigger_id, view=view)


def read_line_form(reader: FormReader) -> CommLineForm:
    channel = reader.text("channel")
    form = CommLineForm(
        audience=reader.text("audience") or "",
        channel=Channel(channel) if channel in set(Channel) else Channel.CHANNEL,
        days=[day for day in (reader.text("days") or "").split(",") if day],
        local_time=reader.text("local_time") or "",
        time_zone_of=reader.text("time_zone_of") or "",
        enabled=reader.text("enabled") == "yes",
        notes=reader.text("notes"),
    )
    reader.check()
    return form


def parse_edit_value(value: str) -> tuple[str, str]:
    key, _, kind = value.partition(":")
    if not key or not kind:
        raise NotFoundError("comms.bad_args", given=value)
    return key, kind


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("comms", usage="comms [edit <line>]", example="comms edit standup", shareable=True)
    def comms_verb(invocation: Invocation) -> Reply | None:
        words = invocation.words
        if not words:
            return comms_reply(invocation)
        if words[0].lower() != "edit" or len(words) != 2:
            raise UsageError("comms.bad_args", given=" ".join(words))
        command = invocation.command
        open_line_modal(
            invocation.ctx, command.trigger_id or "", words[1], channel_id=command.channel_id, key=None
        )
        return None

    @app.action(EDIT_ACTION)
    def on_edit_click(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        key, kind = parse_edit_value(clicked.value or "")
        open_line_modal(ctx, click.trigger_id, kind, channel_id=None, key=key)

    @app.view(EDIT_CALLBACK)
    def on_save(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = CommsState.decode(submitted)
        reader = FormReader(values=submitted.inputs())
        form = read_line_form(reader)
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            line = next((line for line in plan_lines(db, project) if line.id == state.line_id), None)
            if line is None:
                raise NotFoundError("comms.gone")
            changes = edit_line(db=db, actor=ctx.actor, project=project, line=line, form=form)
            asked = line.kind is CommKind.STANDUP and set_questions(
                db=db, actor=ctx.actor, project=project, questions=read_questions(reader)
            )
            t = ctx.t_project(project)
            text = line_text(line, t)
            if asked:
                text += "\n" + t(
                    "standups.questions_changed", questions=question_list(t, questions_of(project))
                )
        ack()
        if changes or asked:
            changed = t("comms.changed", user=ctx.user_id) + "\n" + text
            ctx.notify(Notice.new("comms_changed", project.key, channel=project.channel_id, text=changed))
