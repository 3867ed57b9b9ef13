"""The `reminders` pass and its buttons: overdue work chased once a working day, at the owner's 09:00.

One DM per owner lists their overdue tasks and issues, each with Done (or Resolve), Snooze
1 day and New date. Each project's manager gets a summary of what is more than three days
late, and of the overdue work of people who are away. Nobody is chased on a holiday or while
away. What time and which days come from each project's communication plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, Respond
from sqlalchemy.orm import Session

from bot.blocks import Block, actions, button, context, modal, section, sections
from bot.formats import fmt_date
from bot.i18n import Translator
from bot.outbox import Content, Notice
from bot.runtime import Runtime
from handlers.issues.log import RESOLVE_ACTION
from handlers.projects.home import refresh_homes
from handlers.slack.command import CommandRouter
from handlers.slack.context import Ctx
from handlers.slack.forms import DateContext, FormReader, ModalState, date_input
from handlers.slack.passes import PassFailure, ScheduledPass, project_subject, run_in_every_workspace
from handlers.slack.payloads import BlockActions, Clicked, SubmittedView
from handlers.tasks.buttons import DONE_ACTION
from models.calendar.away import DaysOff
from models.core.access import require_visible
from models.core.errors import InvalidError
from models.core.keys import ItemKind, parse_item_key
from models.issues.log import find_issue
from models.issues.tables import Issue
from models.projects.portfolio import find_project
from models.projects.tables import Project
from models.reminders.overdue import TASK, OverdueItem, move_due, overdue_candidates, snooze
from models.tasks.breakdown import find_task
from models.tasks.tables import Task

SNOOZE_ACTION = "reminder_snooze"
NEW_DATE_ACTION = "reminder_new_date"
NEW_DATE_CALLBACK = "reminder_new_date_form"
ITEMS_SHOWN = 15
SUMMARY_SHOWN = 30  # one line each: a few sections, well within a message's blocks
SUMMARY_AFTER_DAYS = 3


Message = tuple[str, list[Block]]


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
    if len(items) > ITEMS_SHOWN:
        blocks.append(context(t("reminders.more", count=len(items) - ITEMS_SHOWN)))
    return text, blocks


def summary_message(project: Project, items: list[OverdueItem], today: date, t: Translator) -> Message:
    lines = [t("reminders.summary_title", key=project.key, name=project.name, count=len(items))]
    lines += [
        t(
            "reminders.summary_item",
            key=item.key,
            title=item.title,
            owner=item.owner_id,
            days=(today - item.due).days,
        )
        for item in items[:SUMMARY_SHOWN]
    ]
    if len(items) > SUMMARY_SHOWN:
        # A list cut to fit says so, and where the rest is, rather than ending in "…".
        lines.append(t("reminders.summary_more", count=len(items) - SUMMARY_SHOWN, key=project.key))
    return "\n".join(lines), sections(lines)


class ReminderPass(ScheduledPass):
    """The people and their days off are read once for the whole pass (what was already sent
    too, by the sender), and each DM is written only when it is sent: the pass runs every minute
    over every overdue task of the workspace, and must find what is due in well under a second."""

    name = "reminders"

    def run(self) -> None:
        # A reminder gathers an owner's overdue work across projects; each is written when it
        # is sent, so one whose rows fail is that one send's failure, not the pass's.
        self.send_all(self.due())

    def due(self) -> list[Notice]:
        """Every reminder and manager summary due now (the sender leaves out those already sent)."""
        latest = (self.now + timedelta(days=1)).date()
        with self.runtime.database.session(self.team_id, write=False) as db:
            by_owner: dict[str, list[OverdueItem]] = defaultdict(list)
            for item in overdue_candidates(db, latest):
                by_owner[item.owner_id].append(item)
            managers = {item.project.manager_id for items in by_owner.values() for item in items}
            people = list(by_owner.keys() | {user for user in managers if user})
            self.people.load(people)
            days = {self.local_today(user) for user in people}
            # A reminder's day may be the one before a person's today: its window outlasts midnight.
            off = self.read_days_off(db, people, days | {day - timedelta(days=1) for day in days})
            reminders = [self.for_owner(off, owner, items) for owner, items in sorted(by_owner.items())]
            return [dm for dm in reminders if dm] + self.summaries(off, by_owner)

    def local_today(self, user_id: str) -> date:
        return self.now.astimezone(ZoneInfo(self.time_zone(user_id))).date()

    def in_language_of(self, user_id: str, write: Callable[..., Message], *args: Any) -> Content:
        """A DM written in its reader's language, when it is sent (not while the pass looks)."""
        return Content(*write(*args, self.t_for(user_id)))

    def due_today(self, items: list[OverdueItem], user: str) -> tuple[date | None, list[OverdueItem]]:
        """The user's reminder day, if their reminder is due now, and the items overdue on it."""
        tz = self.time_zone(user)
        days = [item.recurrence.due_on(self.now, tz) for item in items]
        today = max((day for day in days if day is not None), default=None)
        if today is None:
            return None, []
        due = [item for item, day in zip(items, days, strict=True) if day == today and item.due_for(day)]
        return today, due

    def for_owner(self, off: DaysOff, owner: str, items: list[OverdueItem]) -> Notice | None:
        today, due = self.due_today(items, owner)
        if today is None or not due or self.off(off, owner, today):
            return None
        write = partial(self.in_language_of, owner, reminder_blocks, due, today)
        subject = f"{', '.join(sorted({item.project.key for item in due}))} (reminder to {owner})"
        return Notice.due(f"reminder:{owner}:{today}", "reminder", owner, write=write, subject=subject)

    def summaries(self, off: DaysOff, by_owner: dict[str, list[OverdueItem]]) -> list[Notice]:
        by_project: dict[int, list[OverdueItem]] = defaultdict(list)
        for owner, items in by_owner.items():
            owner_today = self.local_today(owner)
            away = self.away(off, owner, owner_today)
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
            if today is None or self.off(off, manager, today):
                continue
            write = partial(self.in_language_of, manager, summary_message, project, items, today)
            key, subject = f"overdue_summary:{project.id}:{today}", project_subject(project)
            dms.append(Notice.due(key, "overdue_summary", manager, write=write, subject=subject))
        return dms


def run_reminders(runtime: Runtime, now: datetime) -> list[PassFailure]:
    return run_in_every_workspace(runtime, now, ReminderPass)


def snooze_value(value: str) -> tuple[str, date | None]:
    """`APL-3:2026-12-07`: the item and the day of the reminder it was snoozed from.

    "Snooze 1 day" quiets the reminder after that one, whenever the button is clicked.
    """
    key, _, day = value.partition(":")
    try:
        return key, date.fromisoformat(day) if day else None
    except ValueError:
        raise InvalidError("reminders.stale") from None


def item_by_key(db: Session, ctx: Ctx, key: str) -> tuple[Project, Task | Issue]:
    """The task or issue a reminder's button names; a private project's only for its people."""
    parsed = parse_item_key(key)
    project = find_project(db, channel_id=None, key=parsed.project if parsed else "")
    require_visible(db, project, ctx.actor)
    if parsed is not None and parsed.kind is ItemKind.ISSUE:
        return project, find_issue(db, project, key)
    return project, find_task(db, project, key)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("reminders", lambda now: run_reminders(runtime, now))

    @app.action(SNOOZE_ACTION)
    def on_snooze(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions, respond: Respond) -> None:
        ack()
        key, reminded_on = snooze_value(clicked.value or "")
        tomorrow = (reminded_on or DateContext.of(ctx).today()) + timedelta(days=1)
        with ctx.db() as db:
            project, thing = item_by_key(db, ctx, key)
            snooze(db, actor=ctx.actor, project=project, thing=thing, key=key, until=tomorrow)
        text = ctx.t("reminders.snoozed", key=key, day=fmt_date(tomorrow, ctx.t))
        if click.response_url:
            ctx.after(respond, text=text, response_type="ephemeral", replace_original=False)
        else:
            ctx.after(ctx.client.chat_postMessage, channel=ctx.user_id, text=text)

    @app.action(NEW_DATE_ACTION)
    def on_new_date(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        key = clicked.value or ""
        with ctx.db(write=False) as db:
            item_by_key(db, ctx, key)  # a stale button is refused before a form opens
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
        ctx.client.views_open(trigger_id=click.trigger_id, view=view)

    @app.view(NEW_DATE_CALLBACK)
    def on_new_date_saved(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = NewDateState.decode(submitted)
        dates = DateContext.of(ctx)
        reader = FormReader(values=submitted.inputs(), dates=dates)
        due = reader.date("due_date")
        reader.check()
        if due is None:
            raise InvalidError("reminders.new_date_needed", field="due_date")
        with ctx.db() as db:
            project, thing = item_by_key(db, ctx, state.key)
            move_due(
                db, actor=ctx.actor, project=project, thing=thing, key=state.key, due=due, today=dates.today()
            )
            owner = thing.owner_id
        ack()
        refresh_homes(ctx, [ctx.user_id, owner])
        moved = ctx.t("reminders.moved", key=state.key, day=fmt_date(due, ctx.t))
        ctx.after(ctx.client.chat_postMessage, channel=ctx.user_id, text=moved)
