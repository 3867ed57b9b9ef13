"""The `reminders` pass and its buttons: overdue work chased once a working day, at the owner's 09:00.

One DM per owner lists their overdue tasks and issues, each with Done (or Resolve), Snooze
1 day and New date. Each project's manager gets a summary of what is more than three days
late, and of the overdue work of people who are away. Nobody is chased on a holiday or while
away. What time and which days come from each project's communication plan.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext, Respond
from sqlalchemy.orm import Session

from bot.blocks import Block, actions, button, modal, section, submitted_values
from bot.formats import fmt_date
from bot.i18n import Translator
from bot.outbox import Dm
from bot.runtime import Runtime
from handlers.command import CommandRouter
from handlers.context import ctx_from
from handlers.forms import DateContext, FormReader, ModalState, date_input
from handlers.issue_log import RESOLVE_ACTION
from handlers.passes import ScheduledPass, run_in_every_workspace
from handlers.task_actions import DONE_ACTION
from models.errors import InvalidError
from models.issue import Issue
from models.issues import find_issue
from models.keys import ItemKind, parse_item_key
from models.overdue import TASK, OverdueItem, move_due, overdue_candidates, snooze
from models.portfolio import find_project
from models.project import Project
from models.tasks import find_task
from models.work import Task

SNOOZE_ACTION = "reminder_snooze"
NEW_DATE_ACTION = "reminder_new_date"
NEW_DATE_CALLBACK = "reminder_new_date_form"
ITEMS_SHOWN = 15
SUMMARY_AFTER_DAYS = 3


class NewDateState(ModalState):
    key: str


def item_blocks(item: OverdueItem, today: date, t: Translator) -> list[Block]:
    line = t(
        "reminders.item",
        key=item.key,
        title=item.title,
        project=item.project.key,
        due=fmt_date(item.due, t),
        days=(today - item.due).days,
    )
    finish = (
        button(t("updates.done_button"), action_id=DONE_ACTION, value=item.key, style="primary")
        if item.kind == TASK
        else button(t("issues.resolve"), action_id=RESOLVE_ACTION, value=item.key, style="primary")
    )
    return [
        section(line),
        actions(
            finish,
            button(t("reminders.snooze"), action_id=SNOOZE_ACTION, value=f"{item.key}:{today.isoformat()}"),
            button(t("reminders.new_date"), action_id=NEW_DATE_ACTION, value=item.key),
        ),
    ]


def reminder_blocks(items: list[OverdueItem], today: date, t: Translator) -> tuple[str, list[Block]]:
    text = t("reminders.title", count=len(items))
    blocks: list[Block] = [section(text)]
    for item in items[:ITEMS_SHOWN]:
        blocks += item_blocks(item, today, t)
    return text, blocks


def summary_text(project: Project, items: list[OverdueItem], today: date, t: Translator) -> str:
    lines = [t("reminders.summary_title", key=project.key, name=project.name, count=len(items))]
    lines += [
        t(
            "reminders.summary_item",
            key=item.key,
            title=item.title,
            owner=item.owner_id,
            days=(today - item.due).days,
        )
        for item in items
    ]
    return "\n".join(lines)


class ReminderPass(ScheduledPass):
    def run(self) -> None:
        latest = (self.now + timedelta(days=1)).date()
        with self.runtime.database.session(self.team_id, write=False) as db:
            by_owner: dict[str, list[OverdueItem]] = defaultdict(list)
            for item in overdue_candidates(db, latest):
                by_owner[item.owner_id].append(item)
            outgoing = [
                dm for owner, items in sorted(by_owner.items()) if (dm := self.for_owner(db, owner, items))
            ]
            outgoing += self.summaries(db, by_owner)
        self.send_all(outgoing)

    def due_today(self, items: list[OverdueItem], user: str) -> tuple[date | None, list[OverdueItem]]:
        """The user's reminder day, if their reminder is due now, and the items overdue on it."""
        tz = self.time_zone(user)
        days = [item.recurrence.due_on(self.now, tz) for item in items]
        today = max((day for day in days if day is not None), default=None)
        if today is None:
            return None, []
        due = [item for item, day in zip(items, days, strict=True) if day == today and item.due_for(day)]
        return today, due

    def for_owner(self, db: Session, owner: str, items: list[OverdueItem]) -> Dm | None:
        today, due = self.due_today(items, owner)
        if today is None or not due or self.off(db, owner, today):
            return None
        text, blocks = reminder_blocks(due, today, self.ctx.t_for(owner))
        return Dm(f"reminder:{owner}:{today}", "reminder", owner, text, blocks)

    def summaries(self, db: Session, by_owner: dict[str, list[OverdueItem]]) -> list[Dm]:
        by_project: dict[int, list[OverdueItem]] = defaultdict(list)
        for owner, items in by_owner.items():
            owner_today = self.now.astimezone(ZoneInfo(self.time_zone(owner))).date()
            away = self.away(db, owner, owner_today)
            for item in items:
                if item.due_for(owner_today) and (away or (owner_today - item.due).days > SUMMARY_AFTER_DAYS):
                    by_project[item.project.id].append(item)
        dms = []
        for items in by_project.values():
            project = items[0].project
            manager = project.manager_id
            if manager is None:
                continue
            today = items[0].recurrence.due_on(self.now, self.time_zone(manager))
            if today is None or self.off(db, manager, today):
                continue
            text = summary_text(project, items, today, self.ctx.t_for(manager))
            key = f"overdue_summary:{project.id}:{today}"
            dms.append(Dm(key, "overdue_summary", manager, text, [section(text)]))
        return dms


def run_reminders(runtime: Runtime, now: datetime) -> None:
    run_in_every_workspace(runtime, now, ReminderPass)


def snooze_value(value: str) -> tuple[str, date | None]:
    """`APL-3:2026-12-07`: the item and the day of the reminder it was snoozed from.

    "Snooze 1 day" quiets the reminder after that one, whenever the button is clicked.
    """
    key, _, day = value.partition(":")
    try:
        return key, date.fromisoformat(day) if day else None
    except ValueError:
        raise InvalidError("reminders.stale") from None


def item_by_key(db: Session, key: str) -> tuple[Project, Task | Issue]:
    parsed = parse_item_key(key)
    project = find_project(db, channel_id=None, key=parsed.project if parsed else "")
    if parsed is not None and parsed.kind is ItemKind.ISSUE:
        return project, find_issue(db, project, key)
    return project, find_task(db, project, key)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("reminders", lambda now: run_reminders(runtime, now))

    @app.action(SNOOZE_ACTION)
    def on_snooze(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        ack()
        ctx = ctx_from(context, body)
        key, reminded_on = snooze_value(body["actions"][0].get("value", ""))
        tomorrow = (reminded_on or DateContext.of(ctx).today()) + timedelta(days=1)
        with ctx.db() as db:
            project, thing = item_by_key(db, key)
            snooze(db, actor=ctx.actor, project=project, thing=thing, key=key, until=tomorrow)
        text = ctx.t("reminders.snoozed", key=key, day=fmt_date(tomorrow, ctx.t))
        if body.get("response_url"):
            respond(text=text, response_type="ephemeral", replace_original=False)
        else:
            ctx.client.chat_postMessage(channel=ctx.user_id, text=text)

    @app.action(NEW_DATE_ACTION)
    def on_new_date(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        ctx = ctx_from(context, body)
        key = body["actions"][0].get("value", "")
        with ctx.db(write=False) as db:
            item_by_key(db, key)  # a stale button is refused before a form opens
        view = modal(
            callback_id=NEW_DATE_CALLBACK,
            title=ctx.t("reminders.new_date"),
            submit=ctx.t("updates.save"),
            close=ctx.t("charter.cancel"),
            blocks=[
                section(ctx.t("reminders.new_date_intro", key=key)),
                date_input("due_date", ctx.t("updates.field.due_date"), ctx.t),
            ],
            private_metadata=NewDateState(key=key).encode(),
        )
        ctx.client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(NEW_DATE_CALLBACK)
    def on_new_date_saved(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        ctx = ctx_from(context, body)
        state = NewDateState.decode(view)
        dates = DateContext.of(ctx)
        reader = FormReader(values=submitted_values(view), dates=dates)
        due = reader.date("due_date")
        reader.check()
        if due is None:
            raise InvalidError("reminders.new_date_needed", field="due_date")
        with ctx.db() as db:
            project, thing = item_by_key(db, state.key)
            move_due(
                db, actor=ctx.actor, project=project, thing=thing, key=state.key, due=due, today=dates.today()
            )
        ack()
        ctx.client.chat_postMessage(
            channel=ctx.user_id, text=ctx.t("reminders.moved", key=state.key, day=fmt_date(due, ctx.t))
        )
