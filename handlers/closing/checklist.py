"""The closing checklist post: every open item with the buttons that settle it, kept up to date.

Each copy of the post is remembered, and every settled item, acceptance or decision edits them
all, so whoever clicks next sees what is really left. Buttons carry item keys only: a click
is checked again against the database, so a stale button changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks import MESSAGE_BLOCKS_MAX, Block, actions, button, context, header, section
from bot.formats import fmt_date, fmt_list, mention
from bot.i18n import Translator
from bot.outbox import Notice, send_notice
from handlers.changes.buttons import decision_buttons
from handlers.slack.context import Ctx
from models.changes.decisions import decider_ids
from models.changes.tables import ChangeRequest
from models.closing.checklist import Checklist, Item, checklist_of, key_of, title_of
from models.core.access import require_visible
from models.core.deliveries import copies_of
from models.core.enums import Phase
from models.core.errors import NotFoundError
from models.core.keys import parse_item_key
from models.issues.tables import Issue
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project
from models.risks.tables import Risk
from models.tasks.tables import Milestone, Task

FINISH_ACTION = "closing_finish"
CANCEL_ACTION = "closing_cancel"
CARRY_ACTION = "closing_carry"
ACCEPT_ACTION = "deliverable_accept"
SEND_BACK_ACTION = "deliverable_send_back"
WAIVE_ACTION = "deliverable_waive"
ITEM_ACTION = "closing_item_done"
# Header, intro, seven group titles and the footer leave room for this many items at two blocks each.
ITEMS_SHOWN = (MESSAGE_BLOCKS_MAX - 10) // 2


def project_for_item(db: Session, ctx: Ctx, key: str) -> Project:
    """The project an item key (from a button) belongs to, if the clicker may see it."""
    parsed = parse_item_key(key)
    if parsed is None:
        raise NotFoundError("closing.bad_key", key=key)
    project = find_project(db, channel_id=None, key=parsed.project)
    require_visible(db, project, ctx.actor)
    return project


CHECKLIST_KIND = "closing_checklist"


def subject(project: Project) -> str:
    return f"checklist:{project.key}"


def settle_buttons(key: str, kind: str, t: Translator) -> Block:
    return actions(
        button(t(f"closing.finish.{kind}"), action_id=FINISH_ACTION, value=key, style="primary"),
        button(t("closing.cancel"), action_id=CANCEL_ACTION, value=key, style="danger"),
        button(t("closing.carry"), action_id=CARRY_ACTION, value=key),
    )


def deliverable_buttons(key: str, t: Translator) -> Block:
    return actions(
        button(t("acceptance.accept"), action_id=ACCEPT_ACTION, value=key, style="primary"),
        button(t("acceptance.send_back"), action_id=SEND_BACK_ACTION, value=key, style="danger"),
        button(t("acceptance.waive"), action_id=WAIVE_ACTION, value=key),
    )


def deliverable_line(project: Project, item: Task | Milestone, t: Translator) -> str:
    if isinstance(item, Task):
        state = t(f"tasks.status.{item.status.value}")
    else:
        state = t("closing.reached") if item.completed_on else t("closing.not_reached")
    note = t("acceptance.with_note", note=item.acceptance_note) if item.acceptance_note else ""
    return t(
        "acceptance.line",
        key=key_of(project, item),
        title=title_of(item),
        state=state,
        acceptance=t(f"acceptance.state.{item.acceptance.value}"),
        note=note,
    )


def item_line(project: Project, item: Item, t: Translator) -> str:
    key, title = key_of(project, item), title_of(item)
    if isinstance(item, Task):
        status = t(f"tasks.status.{item.status.value}")
        owner = mention(item.owner_id, t)
        due = fmt_date(item.due_date, t)
        return t("closing.line.task", key=key, title=title, owner=owner, status=status, due=due)
    if isinstance(item, Issue):
        severity = t(f"issues.severity.{item.severity.value}")
        return t(
            "closing.line.issue", key=key, title=title, severity=severity, owner=mention(item.owner_id, t)
        )
    if isinstance(item, Risk):
        return t("closing.line.risk", key=key, title=title, score=item.score, owner=mention(item.owner_id, t))
    if isinstance(item, ChangeRequest):
        return t("closing.line.change", key=key, title=title, user=item.requested_by)
    return t("closing.line.milestone", key=key, title=title, due=fmt_date(item.due_date, t))


def reached_button(key: str, t: Translator) -> Block:
    return actions(button(t("closing.finish.milestone"), action_id=FINISH_ACTION, value=key))


Buttons = Callable[[str, Translator], Block]


def item_button(project: Project, number: int, t: Translator) -> Block:
    """Its value leads with the project's key, as every checklist button's does."""
    value = f"{project.key}:item:{number}"
    return actions(button(t("closing.finish.pmo_item"), action_id=ITEM_ACTION, value=value, style="primary"))


def parse_item_value(value: str) -> tuple[str, int]:
    key, _, number = value.partition(":item:")
    if not key or not number.isdigit():
        raise NotFoundError("closing.item_gone")
    return key, int(number)


def _groups(project: Project, checklist: Checklist, t: Translator) -> list[tuple[str, list[Item], Buttons]]:
    def settling(kind: str) -> Buttons:
        return lambda key, tr: settle_buttons(key, kind, tr)

    deciders = sorted({user for change in checklist.changes for user in decider_ids(project, change)})
    return [
        (t("closing.group.tasks", count=len(checklist.tasks)), list(checklist.tasks), settling("task")),
        (t("closing.group.issues", count=len(checklist.issues)), list(checklist.issues), settling("issue")),
        (t("closing.group.risks", count=len(checklist.risks)), list(checklist.risks), settling("risk")),
        (
            t(
                "closing.group.changes",
                count=len(checklist.changes),
                deciders=fmt_list((mention(user, t) for user in deciders), t),
            ),
            list(checklist.changes),
            decision_buttons,
        ),
        (
            t(
                "closing.group.deliverables",
                count=len(checklist.deliverables),
                sponsor=mention(project.sponsor_id, t),
            ),
            list(checklist.deliverables),
            deliverable_buttons,
        ),
        (
            t("closing.group.milestones", count=len(checklist.milestones)),
            list(checklist.milestones),
            reached_button,
        ),
    ]


def checklist_blocks(project: Project, checklist: Checklist, t: Translator) -> tuple[str, list[Block]]:
    title = t("closing.title", key=project.key, name=project.name)
    intro = t("closing.clear", key=project.key) if checklist.clear else t("closing.intro")
    blocks: list[Block] = [header(title), section(intro)]
    shown = hidden = 0
    for group_title, items, buttons in _groups(project, checklist, t):
        if not items:
            continue
        blocks.append(section(group_title))
        for item in items:
            if shown >= ITEMS_SHOWN:
                hidden += 1
                continue
            line = (
                deliverable_line(project, item, t)
                if buttons is deliverable_buttons and isinstance(item, Task | Milestone)
                else item_line(project, item, t)
            )
            blocks += [section(line), buttons(key_of(project, item), t)]
            shown += 1
    if checklist.pmo_items:
        blocks.append(section(t("closing.group.pmo_items", count=len(checklist.pmo_items))))
        for number, text in checklist.pmo_items:
            if shown >= ITEMS_SHOWN:
                hidden += 1
                continue
            blocks += [
                section(t("closing.line.pmo_item", n=number, text=text)),
                item_button(project, number, t),
            ]
            shown += 1
    footer = [t("closing.footer")]
    if hidden:
        footer.insert(0, t("closing.more", count=hidden))
    blocks.append(context(*footer))
    return f"{title}\n{intro}", blocks


def render(db: Session, project: Project, t: Translator) -> tuple[str, list[Block]]:
    """The checklist in `t`'s language: the project's, as every copy is read in its channel."""
    return checklist_blocks(project, checklist_of(db, project), t)


def post_checklist(ctx: Ctx, project_id: int) -> None:
    """Post a fresh copy to the project's channel, recorded as a copy for later edits."""
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        text, blocks = render(db, project, ctx.t_project(project))
    notice = Notice.new(
        CHECKLIST_KIND,
        project.key,
        channel=project.channel_id,
        text=text,
        blocks=blocks,
        about=subject(project),
    )
    # Not kept for the `notices` pass: a copy that never arrived is posted by `/pmo close` again.
    send_notice(ctx.runtime, ctx.team_id, replace(notice, kept=False))


def refresh_checklists(ctx: Ctx, project_id: int) -> None:
    """Edit every copy of the project's checklist to show what is left now, after the answer."""
    ctx.after(edit_checklists, ctx, project_id)


def edit_checklists(ctx: Ctx, project_id: int) -> None:
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        if project.phase is not Phase.CLOSING:
            return
        text, blocks = render(db, project, ctx.t_project(project))
        copies = copies_of(db, about=subject(project))
    for channel, ts in copies:
        try:
            ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError:
            continue  # a deleted copy must not keep the others stale
