"""`/pmo change`: requesting a change to schedule, cost or scope in a form."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot.blocks import Block, modal, text_input
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.changes.decisions import send_request, withdraw_or_refuse
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply
from handlers.slack.context import Ctx
from handlers.slack.forms import FormReader, ModalState, Prefill
from handlers.slack.payloads import SubmittedView
from models.changes.requests import TITLE_MAX, ChangeForm, change_problems, raise_change
from models.core.access import Action, require, require_open
from models.core.limits import DAYS
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project

CALLBACK = "change_new"
KEY_LIST = re.compile(r"[\s,]+")


class ChangeState(ModalState):
    project_id: int
    channel_id: str
    source_link: str | None = None


def change_modal(t: Translator, state: ChangeState, prefill: Prefill) -> dict[str, Any]:
    blocks: list[Block] = [
        text_input("title", t("changes.field.title"), initial=prefill.title, max_length=TITLE_MAX),
        text_input(
            "description",
            t("changes.field.description"),
            initial=prefill.description,
            multiline=True,
            optional=True,
        ),
        text_input("reason", t("changes.field.reason"), multiline=True, optional=True),
        text_input(
            "schedule_days", t("changes.field.schedule_days"), initial="0", hint=t("changes.hint.days")
        ),
        text_input("cost_impact", t("changes.field.cost_impact"), initial="0"),
        text_input("scope_impact", t("changes.field.scope_impact"), multiline=True, optional=True),
        text_input(
            "targets", t("changes.field.targets"), optional=True, placeholder=t("changes.hint.targets")
        ),
    ]
    return modal(
        callback_id=CALLBACK,
        title=t("changes.modal_title"),
        submit=t("changes.request"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def open_change_form(ctx: Ctx, trigger_id: str, channel_id: str, prefill: Prefill) -> None:
    with ctx.db(write=False) as db:
        project = find_project(db, channel_id=channel_id)
        require(db, project, ctx.actor, Action.REQUEST_CHANGE)
        require_open(project)
        state = ChangeState(
            project_id=project.id, channel_id=project.channel_id, source_link=prefill.source_link
        )
    ctx.client.views_open(trigger_id=trigger_id, view=change_modal(ctx.t, state, prefill))


def read_change(reader: FormReader, db: Session, project: Project, source_link: str | None) -> ChangeForm:
    form = ChangeForm(
        title=reader.text("title") or "",
        description=reader.text("description"),
        reason=reader.text("reason"),
        schedule_days=reader.whole("schedule_days", DAYS) or 0,
        cost_impact=reader.amount("cost_impact") or Decimal(0),
        scope_impact=reader.text("scope_impact"),
        targets=[key for key in KEY_LIST.split(reader.text("targets") or "") if key],
        source_link=source_link,
    )
    reader.check(*change_problems(db, project, form))
    return form


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "change",
        usage="change [withdraw <KEY>]",
        example="change withdraw APL-C2",
        reads=Reads.KEYED,
    )
    def change_verb(invocation: Invocation) -> Reply | None:
        if invocation.words:
            return withdraw_or_refuse(invocation)
        command = invocation.command
        open_change_form(invocation.ctx, command.trigger_id or "", command.channel_id, Prefill())
        return None

    @app.view(CALLBACK)
    def on_change(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = ChangeState.decode(submitted)
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            form = read_change(FormReader(values=submitted.inputs()), db, project, state.source_link)
            change = raise_change(db=db, actor=ctx.actor, project=project, form=form)
            change_id = change.id
        ack()
        ctx.after(send_request, ctx, project, change_id)
