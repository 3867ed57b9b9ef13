"""`/pmo issues [open|mine|all]` and resolving an issue, which asks for its resolution."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks import (
    MESSAGE_BLOCKS_MAX,
    Block,
    button,
    context,
    fit,
    header,
    modal,
    section,
    text_input,
)
from bot.formats import fmt_date, mention
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.closing.checklist import refresh_checklists
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import DateContext, ModalState
from handlers.slack.payloads import BlockActions, Clicked, SubmittedView
from models.core.access import Action, require
from models.core.enums import IssueStatus, Severity
from models.core.errors import DomainError
from models.core.keys import parse_item_key
from models.issues.log import (
    IssueFilter,
    find_issue,
    is_overdue,
    issue_in,
    issue_key,
    list_issues,
    resolve_issue,
)
from models.issues.tables import Issue
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project

RESOLVE_ACTION = "issue_resolve"
RESOLVE_CALLBACK = "issue_resolution"
SEVERITY_MARK = {Severity.CRITICAL: "🔴", Severity.HIGH: "🟠", Severity.MEDIUM: "🟡", Severity.LOW: "⚪"}
SHOWN = 40


class ResolveState(ModalState):
    project_id: int
    issue_id: int
    channel_id: str


def issue_line(project: Project, issue: Issue, overdue: bool, t: Translator) -> str:
    return t(
        "issues.line",
        mark="✅" if issue.status is IssueStatus.RESOLVED else SEVERITY_MARK[issue.severity],
        key=issue_key(project, issue),
        title=issue.title,
        severity=t(f"issues.severity.{issue.severity.value}"),
        owner=mention(issue.owner_id, t),
        due=fmt_date(issue.due_date, t),
        late=t("issues.overdue") if overdue else "",
    )


def issues_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    words = [word.lower() for word in invocation.words]
    if len(words) > 1 or (words and words[0] not in set(IssueFilter)):
        raise UsageError("issues.bad_filter", given=" ".join(invocation.words))
    which = IssueFilter(words[0]) if words else IssueFilter.OPEN
    today = DateContext.of(ctx).today()
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        found = list_issues(db, project, which=which, user_id=ctx.user_id)[:SHOWN]
        rows = [(issue, issue_line(project, issue, is_overdue(issue, today), ctx.t)) for issue in found]
        title = ctx.t(f"issues.title.{which.value}", key=project.key, name=project.name)
        blocks: list[Block] = [header(title)]
        for issue, line in rows:
            resolvable = issue.status is IssueStatus.OPEN
            accessory = (
                button(ctx.t("issues.resolve"), action_id=RESOLVE_ACTION, value=issue_key(project, issue))
                if resolvable
                else None
            )
            blocks.append(section(line, accessory=accessory))
    if not rows:
        return Reply(ctx.t("issues.none", title=title))
    text = title + "\n" + "\n".join(line for _, line in rows)
    return Reply(text, blocks=fit(blocks, limit=MESSAGE_BLOCKS_MAX, overflow=context(ctx.t("status.cut"))))


def resolve_modal(t: Translator, state: ResolveState, key: str, title: str) -> dict[str, Any]:
    return modal(
        callback_id=RESOLVE_CALLBACK,
        title=t("issues.resolve_title"),
        submit=t("issues.resolve"),
        close=t("charter.cancel"),
        blocks=[
            section(t("issues.resolve_intro", key=key, title=title)),
            text_input("resolution", t("issues.field.resolution"), multiline=True),
        ],
        private_metadata=state.encode(),
    )


def open_resolve(ctx: Ctx, trigger_id: str, key: str, channel_id: str | None) -> None:
    parsed = parse_item_key(key)
    with ctx.db(write=False) as db:
        project = find_project(db, channel_id=channel_id, key=parsed.project if parsed else None)
        require(db, project, ctx.actor, Action.UPDATE_TASK)
        issue = find_issue(db, project, key)
        if issue.status is IssueStatus.RESOLVED:
            raise DomainError("issues.already_resolved", key=issue_key(project, issue))
        state = ResolveState(project_id=project.id, issue_id=issue.id, channel_id=project.channel_id)
        view = resolve_modal(ctx.t, state, issue_key(project, issue), issue.title)
    ctx.client.views_open(trigger_id=trigger_id, view=view)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("issues", usage="issues [open|mine|all]", example="issues mine", shareable=True)
    def issues_verb(invocation: Invocation) -> Reply:
        return issues_reply(invocation)

    @router.verb("resolve", usage="resolve <KEY>", example="resolve APL-I2", reads=Reads.KEYED)
    def resolve_verb(invocation: Invocation) -> None:
        if len(invocation.words) != 1:
            raise UsageError("issues.resolve_form")
        command = invocation.command
        open_resolve(invocation.ctx, command.trigger_id or "", invocation.words[0], command.channel_id)

    @app.action(RESOLVE_ACTION)
    def on_resolve_click(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        open_resolve(ctx, click.trigger_id, clicked.value or "", None)

    @app.view(RESOLVE_CALLBACK)
    def on_resolution(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = ResolveState.decode(submitted)
        resolution = submitted.inputs().get("resolution") or ""
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            issue = issue_in(db=db, project=project, issue_id=state.issue_id)
            resolve_issue(db=db, actor=ctx.actor, project=project, issue=issue, resolution=resolution)
            t = ctx.t_project(project)
            text = t("issues.resolved", user=ctx.user_id, key=issue_key(project, issue), title=issue.title)
            text += "\n" + t("issues.resolution", text=issue.resolution)
        ack()
        ctx.notify(Notice.new("issue_resolved", project.key, channel=project.channel_id, text=text))
        refresh_checklists(ctx, project.id)
