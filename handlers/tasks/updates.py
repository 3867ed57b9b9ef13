"""`/pmo done`, `/pmo update`, `/pmo assign`, `/pmo history`, and the Done and Update buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from sqlalchemy.orm import Session

from bot.blocks import (
    Block,
    context,
    header,
    modal,
    option,
    section,
    sections,
    select_input,
    text_input,
)
from bot.formats import fmt_date, fmt_list, fmt_moment, mention
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.projects.home import refresh_homes
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import DateContext, FormReader, ModalState, date_input, read_person
from handlers.slack.payloads import BlockActions, Clicked, SubmittedView
from handlers.tasks.breakdown import carried
from handlers.tasks.buttons import DONE_ACTION, UPDATE_ACTION
from models.core.access import Action, require, require_open, require_visible
from models.core.audit import history
from models.core.enums import TaskStatus
from models.core.keys import parse_item_key
from models.core.records import AuditEntry
from models.issues.log import issue_key
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project
from models.tasks.breakdown import find_task, task_in, task_key
from models.tasks.tables import Task
from models.tasks.updates import TaskUpdate, Updated, assign_task, update_task

UPDATE_CALLBACK = "task_update_form"
HISTORY_MAX = 30
USER_FIELDS = frozenset({"owner_id", "manager_id", "sponsor_id"})
# The audit log keeps dates as ISO text; shown, they read like every other date.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class UpdateState(ModalState):
    project_id: int
    task_id: int
    channel_id: str


def locate(db: Session, ctx: Ctx, key: str, channel_id: str | None) -> tuple[Project, Task]:
    """The task a key names: in this channel's project, or in the project its key starts with."""
    parsed = parse_item_key(key)
    project = find_project(db, channel_id=channel_id, key=parsed.project if parsed else None)
    require_visible(db, project, ctx.actor)
    return project, find_task(db, project, key)


@dataclass(frozen=True)
class Answer:
    text: str
    touched: set[str | None]  # whose Home tab the change alters


def answer(db: Session, project: Project, task: Task, result: Updated, ctx: Ctx) -> Answer:
    """The confirmation of an update, with the work a new due date carried along, as `task move` says."""
    lines = [updated_text(project, task, result, ctx.t)]
    touched = touched_by(project, task, ctx.user_id)
    if result.followed is not None:
        also, owners = carried(db, project, result.followed, ctx.t)
        lines += also
        touched |= owners
    return Answer("\n".join(lines), touched)


def updated_text(project: Project, task: Task, result: Updated, t: Translator) -> str:
    if not result.changes:
        return t("updates.nothing_changed", key=task_key(project, task))
    lines = [
        t(
            "updates.updated",
            key=task_key(project, task),
            title=task.title,
            status=t(f"tasks.status.{task.status.value}"),
            percent=task.percent_complete,
            due=fmt_date(task.due_date, t),
        )
    ]
    if result.issue is not None:
        lines.append(
            t("updates.issue_opened", key=issue_key(project, result.issue), title=result.issue.title)
        )
    return "\n".join(lines)


def mark_done(ctx: Ctx, key: str, channel_id: str | None) -> str:
    with ctx.db() as db:
        project, task = locate(db, ctx, key, channel_id)
        result = update_task(
            db=db, actor=ctx.actor, project=project, task=task, update=TaskUpdate(status=TaskStatus.DONE)
        )
        done = answer(db, project, task, result, ctx)
    refresh_homes(ctx, done.touched)
    return done.text


def touched_by(project: Project, task: Task, actor_id: str) -> set[str | None]:
    """Whose Home tab a task's change alters: the actor's, the owner's, and the sponsor's once
    a deliverable is finished and waits for acceptance."""
    finished = task.is_deliverable and task.status is TaskStatus.DONE
    return {actor_id, task.owner_id, project.sponsor_id if finished else None}


def status_options(t: Translator) -> list[dict[str, Any]]:
    return [option(t(f"tasks.status.{status.value}"), status.value) for status in TaskStatus]


def update_modal(t: Translator, state: UpdateState, project: Project, task: Task) -> dict[str, Any]:
    blocks: list[Block] = [
        section(t("updates.modal_intro", key=task_key(project, task), title=task.title)),
        select_input("status", t("updates.field.status"), status_options(t), initial=task.status.value),
        text_input(
            "percent_complete", t("updates.field.percent_complete"), initial=str(task.percent_complete)
        ),
        date_input("due_date", t("updates.field.due_date"), t, initial=task.due_date),
        text_input(
            "blocker",
            t("updates.field.blocker"),
            optional=True,
            multiline=True,
            hint=t("updates.hint.blocker"),
        ),
        text_input("note", t("updates.field.note"), optional=True, multiline=True),
    ]
    return modal(
        callback_id=UPDATE_CALLBACK,
        title=t("updates.modal_title"),
        submit=t("updates.save"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def open_update(ctx: Ctx, trigger_id: str, key: str, channel_id: str | None) -> None:
    with ctx.db(write=False) as db:
        project, task = locate(db, ctx, key, channel_id)
        # Refused before the form opens, not after it was filled in.
        require_open(project)
        require(db, project, ctx.actor, Action.UPDATE_TASK)
        state = UpdateState(project_id=project.id, task_id=task.id, channel_id=project.channel_id)
        view = update_modal(ctx.t, state, project, task)
    ctx.client.views_open(trigger_id=trigger_id, view=view)


def read_update(reader: FormReader) -> TaskUpdate:
    status = reader.text("status")
    update = TaskUpdate(
        status=TaskStatus(status) if status in set(TaskStatus) else None,
        percent_complete=reader.whole("percent_complete"),
        due_date=reader.date("due_date"),
        blocker=reader.text("blocker"),
        note=reader.text("note"),
    )
    reader.check()
    return update


def assign_reply(invocation: Invocation) -> Reply:
    words = invocation.words
    if len(words) != 2:
        raise UsageError("updates.assign_form")
    ctx = invocation.ctx
    owner = read_person(ctx, words[1])
    with ctx.db() as db:
        project, task = locate(db, ctx, words[0], invocation.command.channel_id)
        previous = task.owner_id
        over = assign_task(
            db=db,
            actor=ctx.actor,
            project=project,
            task=task,
            owner_id=owner,
            today=DateContext.of(ctx).today(),
        )
        lines = [ctx.t("updates.assigned", key=task_key(project, task), title=task.title, user=owner)]
        if over is not None:
            lines.append(
                ctx.t(
                    "updates.over_capacity",
                    user=owner,
                    hours=round(over.hours_due),
                    capacity=round(over.capacity_hours),
                )
            )
    refresh_homes(ctx, {ctx.user_id, owner, previous})
    return Reply("\n".join(lines))


def history_line(entry: AuditEntry, tz: str, t: Translator) -> str:
    after = entry.after or {}
    before = entry.before or {}
    changes = fmt_list(
        (
            t(
                "updates.change",
                field=_field_label(name, t),
                before=_shown(name, before.get(name), t),
                after=_shown(name, value, t),
            )
            for name, value in after.items()
        ),
        t,
    )
    return t(
        "updates.history_line",
        when=fmt_moment(entry.created_at, tz, t),
        user=entry.actor_id,
        action=_labelled(f"updates.action.{entry.action}", entry.action, t),
        changes=changes or "—",
        note=t("updates.history_note", note=entry.reason) if entry.reason else "",
    )


def _labelled(key: str, raw: str, t: Translator) -> str:
    """The catalog's word for a recorded code; a code no catalog names yet is shown as it is."""
    return t(key) if t.has(key) else raw


def _field_label(name: str, t: Translator) -> str:
    label = next((key for key in (f"tasks.field.{name}", f"updates.field.{name}") if t.has(key)), None)
    return t(label) if label else name


def _shown(field: str, value: object, t: Translator) -> str:
    if value is None or value == "":
        return "∅"
    if field in USER_FIELDS:
        return mention(str(value), t)
    if field == "status":
        return _labelled(f"tasks.status.{value}", str(value), t)
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return fmt_date(date.fromisoformat(value), t)
    return str(value)


def history_reply(invocation: Invocation) -> Reply:
    words = invocation.words
    if len(words) != 1:
        raise UsageError("updates.history_form")
    ctx = invocation.ctx
    tz = DateContext.of(ctx).tz  # times as the reader's clock showed them
    with ctx.db(write=False) as db:
        project, task = locate(db, ctx, words[0], invocation.command.channel_id)
        require(db, project, ctx.actor, Action.READ_RECORDS)
        key = task_key(project, task)
        entries = history(db, project_id=project.id, subject=key, limit=HISTORY_MAX)
        lines = [history_line(entry, tz, ctx.t) for entry in entries]
    title = ctx.t("updates.history_title", key=key, title=task.title)
    if not lines:
        return Reply(ctx.t("updates.no_history", key=key))
    blocks = [header(title), *sections(lines), context(ctx.t("updates.history_footer", count=len(lines)))]
    return Reply(title + "\n" + "\n".join(lines), blocks=blocks)


def one_key(invocation: Invocation, form_key: str) -> str:
    if len(invocation.words) != 1:
        raise UsageError(form_key)
    return invocation.words[0]


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("done", usage="done <KEY>", example="done APL-12", reads=Reads.KEYED)
    def done_verb(invocation: Invocation) -> Reply:
        key = one_key(invocation, "updates.key_needed")
        return Reply(mark_done(invocation.ctx, key, invocation.command.channel_id))

    @router.verb("update", usage="update <KEY>", example="update APL-12", reads=Reads.KEYED)
    def update_verb(invocation: Invocation) -> None:
        key = one_key(invocation, "updates.key_needed")
        command = invocation.command
        open_update(invocation.ctx, command.trigger_id or "", key, command.channel_id)

    @router.verb("assign", usage="assign <KEY> @user", example="assign APL-12 @bob", reads=Reads.KEYED)
    def assign_verb(invocation: Invocation) -> Reply:
        return assign_reply(invocation)

    @router.verb(
        "history",
        usage="history <KEY>",
        example="history APL-12",
        shareable=True,
        reads=Reads.KEYED,
    )
    def history_verb(invocation: Invocation) -> Reply:
        return history_reply(invocation)

    @app.action(DONE_ACTION)
    def on_done(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions, respond: Respond) -> None:
        ack()
        text = mark_done(ctx, clicked.value or "", None)
        if click.response_url:
            ctx.after(respond, text=text, response_type="ephemeral", replace_original=False)

    @app.action(UPDATE_ACTION)
    def on_update_click(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        open_update(ctx, click.trigger_id, clicked.value or "", None)

    @app.view(UPDATE_CALLBACK)
    def on_update(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = UpdateState.decode(submitted)
        update = read_update(FormReader(values=submitted.inputs(), dates=DateContext.of(ctx)))
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            task = task_in(db=db, project=project, task_id=state.task_id)
            result = update_task(db=db, actor=ctx.actor, project=project, task=task, update=update)
            done = answer(db, project, task, result, ctx)
        ack()
        ctx.after(ctx.client.chat_postEphemeral, channel=state.channel_id, user=ctx.user_id, text=done.text)
        refresh_homes(ctx, done.touched)
