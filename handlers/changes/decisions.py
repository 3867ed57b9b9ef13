"""Change requests as messages with Approve and Reject, every copy kept up to date; `/pmo changes`."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks import (
    MESSAGE_BLOCKS_MAX,
    Block,
    context,
    fit,
    header,
    section,
    sections,
)
from bot.formats import fmt_date, fmt_list, fmt_money, mention
from bot.i18n import Translator
from bot.outbox import Notice, send_notice
from bot.runtime import Runtime
from handlers.changes.buttons import APPROVE_ACTION, REJECT_ACTION, decision_buttons
from handlers.closing.checklist import refresh_checklists
from handlers.projects.home import refresh_homes
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import DateContext, ModalState, NoteForm, note_modal
from handlers.slack.payloads import BlockActions, Clicked, SubmittedView
from handlers.tasks.breakdown import carried
from models.changes.decisions import (
    Outcome,
    allowed_ids,
    decide,
    decider_ids,
    decisions_of,
    ensure_can_decide,
    withdraw,
)
from models.changes.requests import change_by_id, change_key, find_change, list_changes
from models.changes.tables import ChangeDecision, ChangeRequest
from models.core.access import require_visible
from models.core.deliveries import copies_of
from models.core.enums import ChangeStatus, Verdict
from models.core.keys import parse_item_key
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project
from models.schedule.milestones import milestone_key, project_milestones
from models.tasks.breakdown import task_key

DECISION_CALLBACK = "change_decision"
# The delivery kind of a change request's copies (channel post, deciders' DMs); their keys
# start with the kind and the request's key, so every copy sent can be found and kept in step.
COPY_KIND = "change_request"
STATUS_MARK = {
    ChangeStatus.PENDING: "⏳",
    ChangeStatus.APPROVED: "✅",
    ChangeStatus.REJECTED: "❌",
    ChangeStatus.WITHDRAWN: "↩️",
}


class DecisionState(ModalState):
    project_id: int
    change_id: int
    verdict: Verdict


def decision_line(decision: ChangeDecision, t: Translator) -> str:
    return t(
        f"changes.decided.{decision.verdict.value}",
        user=decision.user_id,
        seat=t(f"role.{decision.role.value}") if decision.role else "",
        note=t("changes.with_note", note=decision.note) if decision.note else "",
    )


def change_text(project: Project, change: ChangeRequest, t: Translator) -> str:
    return t(
        "changes.headline",
        mark=STATUS_MARK[change.status],
        key=change_key(project, change),
        title=change.title,
        status=t(f"changes.status.{change.status.value}"),
    )


def change_blocks(
    project: Project, change: ChangeRequest, decisions: list[ChangeDecision], t: Translator
) -> list[Block]:
    key = change_key(project, change)
    lines = [
        t("changes.requested_by", user=change.requested_by),
        t(
            "changes.impact",
            days=change.schedule_days,
            cost=fmt_money(change.cost_impact, project.currency, t),
            scope=change.scope_impact or t("changes.no_scope"),
        ),
    ]
    if change.description:
        lines.append(t("changes.details", description=change.description))
    if change.reason:
        lines.append(t("changes.reason", reason=change.reason))
    lines.append(deciders_line(project, change, t))
    lines += [decision_line(decision, t) for decision in decisions]
    blocks = [section(change_text(project, change, t)), section("\n".join(lines))]
    if change.status is ChangeStatus.PENDING:
        blocks.append(decision_buttons(key, t))
    return blocks


def deciders_line(project: Project, change: ChangeRequest, t: Translator) -> str:
    """Past a threshold every required seat decides; below it any one of those allowed."""
    if change.needs_sponsor:
        deciders = fmt_list((mention(user, t) for user in decider_ids(project, change)), t)
        return t("changes.deciders", deciders=deciders or "—")
    allowed = fmt_list((mention(user, t) for user in allowed_ids(project, change)), t)
    return t("changes.deciders_any", deciders=allowed or "—")


def send_request(ctx: Ctx, project: Project, change_id: int) -> None:
    """Post the request to the channel and DM it to everyone allowed to decide (after the answer).

    Each copy is a notice in the delivery log: a decider whose DM Slack refused gets it from
    the `notices` pass, and every copy sent, first time or later, is kept in step by its key.
    """
    with ctx.db(write=False) as db:
        change = change_by_id(db=db, change_id=change_id)
        if change is None:
            return
        # Every copy is one message kept in step, so all speak the project's language.
        t = ctx.t_project(project)
        text, blocks = change_text(project, change, t), change_blocks(project, change, [], t)
        # PMO administrators may decide any request, so each gets a copy with the buttons too.
        # Never the requester, who may not decide their own request.
        admins = sorted(set(ctx.runtime.settings.pmo_admins) - {change.requested_by})
        deciders = allowed_ids(project, change)
        where = [project.channel_id, *deciders, *admins]
        key = change_key(project, change)
    for channel in dict.fromkeys(where):
        notice = Notice.once(COPY_KIND, key, channel=channel, text=text, blocks=blocks, about=key)
        send_notice(ctx.runtime, ctx.team_id, notice)
    refresh_homes(ctx, deciders)


def update_copies(ctx: Ctx, project_id: int, change_id: int) -> None:
    """Edit every copy of the request to show where it stands now (after the answer)."""
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        change = change_by_id(db=db, change_id=change_id)
        if change is None:
            return
        key = change_key(project, change)
        t = ctx.t_project(project)
        text = change_text(project, change, t)
        blocks = change_blocks(project, change, decisions_of(db, change), t)
        # The channel's, the deciders' and the chasing DMs: all sent about this request.
        copies = copies_of(db, about=key)
    for channel, ts in copies:
        try:
            ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError:
            continue  # a deleted copy must not keep the others stale


def change_by_key(db: Session, ctx: Ctx, key: str, channel_id: str | None) -> tuple[Project, ChangeRequest]:
    parsed = parse_item_key(key)
    project = find_project(db, channel_id=channel_id, key=parsed.project if parsed else None)
    require_visible(db, project, ctx.actor)
    return project, find_change(db, project, key)


def decision_form(t: Translator, verdict: Verdict, key: str) -> NoteForm:
    return NoteForm(
        callback_id=DECISION_CALLBACK,
        title=t(f"changes.note_title.{verdict.value}"),
        submit=t(f"changes.{verdict.value}"),
        intro=t("changes.note_intro", key=key),
        label=t("changes.field.note"),
    )


def ask_for_note(ctx: Ctx, key: str, trigger_id: str, verdict: Verdict) -> None:
    with ctx.db(write=False) as db:
        project, change = change_by_key(db, ctx, key, None)
        ensure_can_decide(db, project, change, ctx.actor)
        state = DecisionState(project_id=project.id, change_id=change.id, verdict=verdict)
    ctx.client.views_open(
        trigger_id=trigger_id, view=note_modal(decision_form(ctx.t, verdict, key), state, ctx.t)
    )


def tell_requester(ctx: Ctx, project: Project, change: ChangeRequest) -> None:
    t = ctx.t_for(change.requested_by)
    text = t(
        f"changes.outcome.{change.status.value}",
        key=change_key(project, change),
        title=change.title,
        user=ctx.user_id,
    )
    outcome = Notice.once(
        "change_outcome", change_key(project, change), channel=change.requested_by, text=text
    )
    send_notice(ctx.runtime, ctx.team_id, outcome)


def tell_requester_waiting(ctx: Ctx, project: Project, change: ChangeRequest, waiting: list[str]) -> None:
    """One approval of two: the requester hears of it, and whose decision is still missing."""
    t = ctx.t_for(change.requested_by)
    text = t(
        "changes.partly.approved",
        key=change_key(project, change),
        title=change.title,
        user=ctx.user_id,
        waiting=fmt_list((mention(user, t) for user in waiting), t) or "—",
    )
    # One word per approval: a resent click or a retried pass does not tell the requester twice.
    approval = Notice.once(
        "change_partly", change_key(project, change), ctx.user_id, channel=change.requested_by, text=text
    )
    send_notice(ctx.runtime, ctx.team_id, approval)


def tell_about_decision(ctx: Ctx, project_id: int, change_id: int, settled: bool) -> None:
    """After a decision is answered: every copy edited, the requester told, Home tabs refreshed."""
    update_copies(ctx, project_id, change_id)
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        change = change_by_id(db=db, change_id=change_id)
        if change is None:
            return
        deciders = decider_ids(project, change)
        if settled:
            tell_requester(ctx, project, change)
        else:
            decided = {decision.user_id for decision in decisions_of(db, change)}
            tell_requester_waiting(ctx, project, change, [user for user in deciders if user not in decided])
    refresh_homes(ctx, deciders)
    if settled:
        refresh_checklists(ctx, project.id)


def moved_text(db: Session, project: Project, outcome: Outcome, t: Translator) -> str | None:
    """What an approved change moved, in the words of a `task move` answer: each task it named,
    the work that followed, whether the finish moved, and the milestones it named."""
    if not (outcome.moved or outcome.milestones):
        return None
    lines = [t("changes.moved_title", key=change_key(project, outcome.change))]
    for move in outcome.moved:
        task = move.task
        lines.append(
            t(
                "changes.moved_task",
                key=task_key(project, task),
                days=move.days,
                start=fmt_date(task.start_date, t),
                due=fmt_date(task.due_date, t),
            )
        )
        lines += carried(db, project, move.followed, t)[0]
    milestones = {found.id: found for found in project_milestones(db, project)}
    lines += [
        t(
            "plan.milestone_moved",
            key=milestone_key(project, milestones[shift.id]),
            name=milestones[shift.id].name,
            was=fmt_date(shift.was, t),
            due=fmt_date(shift.now, t),
        )
        for shift in outcome.milestones
    ]
    return "\n".join(lines)


def tell_what_moved(ctx: Ctx, project: Project, change: ChangeRequest, text: str) -> None:
    notice = Notice.once("change_moves", change_key(project, change), channel=project.channel_id, text=text)
    send_notice(ctx.runtime, ctx.team_id, notice)


def change_list_line(project: Project, change: ChangeRequest, dates: DateContext, t: Translator) -> str:
    # Both ends in the reader's time zone: a request made late yesterday UTC may be today's there.
    zone = ZoneInfo(dates.tz)
    created = change.created_at.astimezone(zone).date()
    shown = {
        "mark": STATUS_MARK[change.status],
        "key": change_key(project, change),
        "title": change.title,
        "status": t(f"changes.status.{change.status.value}"),
    }
    if change.status is ChangeStatus.PENDING:
        return t("changes.list_line", **shown, age=(dates.today() - created).days)
    # A settled request's age stopped when it was settled: how long the decision took, then.
    decided = change.decided_at.astimezone(zone).date() if change.decided_at else created
    return t("changes.list_line_settled", **shown, date=fmt_date(decided, t), days=(decided - created).days)


def changes_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        dates = DateContext.of(ctx)
        lines = [change_list_line(project, change, dates, ctx.t) for change in list_changes(db, project)]
    title = ctx.t("changes.list_title", key=project.key, name=project.name)
    if not lines:
        return Reply(ctx.t("changes.none", title=title))
    blocks = fit(
        [header(title), *sections(lines)], limit=MESSAGE_BLOCKS_MAX, overflow=context(ctx.t("status.cut"))
    )
    return Reply(title + "\n" + "\n".join(lines), blocks=blocks)


def withdraw_reply(invocation: Invocation, key: str) -> Reply:
    ctx = invocation.ctx
    with ctx.db() as db:
        project, change = change_by_key(db, ctx, key, invocation.command.channel_id)
        withdraw(db=db, actor=ctx.actor, project=project, change_id=change.id)
        text = change_text(project, change, ctx.t)
        deciders = decider_ids(project, change)
    ctx.after(update_copies, ctx, project.id, change.id)
    refresh_homes(ctx, deciders)
    return Reply(text)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("changes", usage="changes", example="changes", shareable=True, takes_args=False)
    def changes_verb(invocation: Invocation) -> Reply:
        return changes_reply(invocation)

    @app.action(APPROVE_ACTION)
    def on_approve(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        ask_for_note(ctx, clicked.value or "", click.trigger_id, Verdict.APPROVE)

    @app.action(REJECT_ACTION)
    def on_reject(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        ask_for_note(ctx, clicked.value or "", click.trigger_id, Verdict.REJECT)

    @app.view(DECISION_CALLBACK)
    def on_decision(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = DecisionState.decode(submitted)
        note = submitted.inputs().get("note")
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            outcome = decide(
                db=db,
                actor=ctx.actor,
                project=project,
                change_id=state.change_id,
                verdict=state.verdict,
                note=note,
            )
            settled = outcome.settled
            moves = moved_text(db, project, outcome, ctx.t_project(project))
        # Slack is told once the decision is committed and answered, never while it is locked.
        ack()
        ctx.after(tell_about_decision, ctx, state.project_id, state.change_id, settled)
        if moves:
            ctx.after(tell_what_moved, ctx, project, outcome.change, moves)


def withdraw_or_refuse(invocation: Invocation) -> Reply:
    words = invocation.words
    if len(words) != 2 or words[0].lower() != "withdraw":
        raise UsageError("changes.bad_args", given=" ".join(words))
    return withdraw_reply(invocation, words[1])
