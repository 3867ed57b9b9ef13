"""`/pmo issue [<title>]`: logging a problem from one line or in a form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot.blocks import Block, modal, option, select_input, text_input, user_input
from bot.formats import fmt_date
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reply
from handlers.slack.context import Ctx
from handlers.slack.forms import (
    DateContext,
    FormReader,
    ModalState,
    Prefill,
    date_input,
    with_deadline_warnings,
)
from handlers.slack.payloads import SubmittedView
from models.core.access import Action, require, require_open
from models.core.enums import Severity
from models.core.errors import DomainError, InvalidError
from models.core.keys import ItemKind, parse_item_key
from models.issues.log import TITLE_MAX, IssueForm, issue_key, issue_problems, raise_issue
from models.issues.tables import Issue
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project
from models.risks.register import find_risk
from models.tasks.breakdown import find_task

CALLBACK = "issue_new"


class IssueState(ModalState):
    project_id: int
    channel_id: str
    source_link: str | None = None


def issue_modal(t: Translator, state: IssueState, prefill: Prefill) -> dict[str, Any]:
    blocks: list[Block] = [
        text_input("title", t("issues.field.title"), initial=prefill.title, max_length=TITLE_MAX),
        text_input(
            "description",
            t("issues.field.description"),
            initial=prefill.description,
            multiline=True,
            optional=True,
        ),
        select_input(
            "severity",
            t("issues.field.severity"),
            [option(t(f"issues.severity.{s.value}"), s.value) for s in Severity],
            initial=Severity.MEDIUM.value,
        ),
        user_input("owner_id", t("issues.field.owner_id"), optional=True),
        date_input("due_date", t("issues.field.due_date"), t),
        text_input("linked", t("issues.field.linked"), optional=True, placeholder=t("issues.hint.linked")),
    ]
    return modal(
        callback_id=CALLBACK,
        title=t("issues.modal_title"),
        submit=t("issues.log"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def open_issue_form(ctx: Ctx, trigger_id: str, channel_id: str, prefill: Prefill) -> None:
    with ctx.db(write=False) as db:
        project = find_project(db, channel_id=channel_id)
        require(db, project, ctx.actor, Action.RAISE_ISSUE)
        require_open(project)
        state = IssueState(
            project_id=project.id, channel_id=project.channel_id, source_link=prefill.source_link
        )
    ctx.client.views_open(trigger_id=trigger_id, view=issue_modal(ctx.t, state, prefill))


def linked_ids(db: Session, project: Project, key: str | None) -> tuple[dict[str, int], DomainError | None]:
    """The task or risk an issue is about, by its key."""
    if not key:
        return {}, None
    parsed = parse_item_key(key)
    try:
        if parsed is not None and parsed.kind is ItemKind.RISK:
            return {"risk_id": find_risk(db, project, key).id}, None
        return {"task_id": find_task(db, project, key).id}, None
    except DomainError as error:
        return {}, InvalidError(error.key, field="linked", **error.params)


def logged_text(project: Project, issue: Issue, t: Translator) -> str:
    text = t("issues.logged", key=issue_key(project, issue), title=issue.title, project=project.key)
    if issue.due_date is None:
        return text
    return f"{text} {t('issues.due_on', day=fmt_date(issue.due_date, t))}"


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("issue", usage="issue [<title>]", example="issue Staging database is down")
    def issue_verb(invocation: Invocation) -> Reply | None:
        ctx, command = invocation.ctx, invocation.command
        if not invocation.words:
            open_issue_form(ctx, command.trigger_id or "", command.channel_id, Prefill())
            return None
        with ctx.db() as db:
            project = ctx.channel_project(db)
            form = IssueForm(title=" ".join(invocation.words))
            issue = raise_issue(db=db, actor=ctx.actor, project=project, form=form)
            return Reply(logged_text(project, issue, ctx.t))

    @app.view(CALLBACK)
    def on_issue(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = IssueState.decode(submitted)
        dates = DateContext.of(ctx)
        reader = FormReader(values=submitted.inputs(), dates=dates)
        severity = reader.text("severity")
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            links, link_problem = linked_ids(db, project, reader.text("linked"))
            form = IssueForm(
                title=reader.text("title") or "",
                description=reader.text("description"),
                severity=Severity(severity) if severity in set(Severity) else Severity.MEDIUM,
                owner_id=reader.text("owner_id"),
                due_date=reader.date("due_date"),
                source_link=state.source_link,
                **links,
            )
            reader.check(link_problem, *issue_problems(db, project, form))
            issue = raise_issue(db=db, actor=ctx.actor, project=project, form=form)
            text = with_deadline_warnings(
                logged_text(project, issue, ctx.t), issue.due_date, dates, project, ctx.t
            )
        ack()
        ctx.after(ctx.client.chat_postEphemeral, channel=state.channel_id, user=ctx.user_id, text=text)
