"""`/pmo task …` and `/pmo tasks`: building the work breakdown from one line or a modal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot.blocks import (
    MESSAGE_BLOCKS_MAX,
    Block,
    checkbox_input,
    context,
    fit,
    header,
    modal,
    section,
    sections,
    text_input,
    user_input,
)
from bot.formats import fmt_date, fmt_hours, mention
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.projects.home import refresh_homes
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import (
    USER_MENTION,
    DateContext,
    FormReader,
    ModalState,
    Prefill,
    date_input,
    read_date,
    read_duration,
    read_number,
    read_user,
    split_keywords,
)
from handlers.slack.payloads import SubmittedView
from handlers.tasks.buttons import task_buttons
from models.core.access import Action, require, require_open
from models.core.enums import LinkKind
from models.core.errors import InvalidError
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project
from models.schedule.cpm import Link
from models.schedule.milestones import milestone_key, project_milestones
from models.schedule.reschedule import Conflict, Followed, MilestoneShift, Shift
from models.tasks.breakdown import (
    Linked,
    LinkOutcome,
    Predecessor,
    TaskFilter,
    TaskForm,
    add_task,
    find_task,
    link,
    list_tasks,
    move_dates,
    task_key,
    task_problems,
    tasks_of,
)
from models.tasks.pinning import pin_start
from models.tasks.tables import Milestone, Task

TASK_CALLBACK = "task_new"
ADD_KEYWORDS = ("due", "start", "duration", "est", "under", "after")
MOVE_KEYWORDS = ("due", "start")
KEY_LIST = re.compile(r"[\s,，、]+")
LAG = re.compile(r"^([+-]\d+)(?:d|天)?$", re.IGNORECASE)  # +2d, -1d, +3天
LINK_WORDS = {
    ("after",): LinkKind.FINISH_TO_START,
    ("starts", "with"): LinkKind.START_TO_START,
    ("finishes", "with"): LinkKind.FINISH_TO_FINISH,
}
LIST_MAX = 40
SHIFTS_SHOWN = 20  # tasks a move names as carried along; the rest are counted


class TaskState(ModalState):
    project_id: int
    channel_id: str
    source_link: str | None = None


def task_line(project: Project, task: Task, t: Translator) -> str:
    return t(
        "tasks.line",
        key=task_key(project, task),
        title=task.title,
        owner=mention(task.owner_id, t),
        due=fmt_date(task.due_date, t),
        status=t(f"tasks.status.{task.status.value}"),
    )


def added_text(project: Project, task: Task, t: Translator) -> str:
    estimate = t("tasks.estimate", hours=fmt_hours(task.estimate_hours)) if task.estimate_hours else ""
    return t(
        "tasks.added",
        key=task_key(project, task),
        title=task.title,
        owner=mention(task.owner_id, t),
        start=fmt_date(task.start_date, t),
        due=fmt_date(task.due_date, t),
        estimate=estimate,
    )


def parse_one_line(args: list[str], dates: DateContext) -> TaskForm:
    """`<title> [@owner] [due <when>] [start <when>] [duration <N>d] [est <hours>] [under <KEY>]
    [after <KEY>]`."""
    mentions = [word for word in args if USER_MENTION.match(word)]
    if len(mentions) > 1:
        raise UsageError("tasks.one_owner")
    parts = split_keywords([word for word in args if word not in mentions], ADD_KEYWORDS, first="title")
    if "title" not in parts:
        raise UsageError("tasks.needs_title")
    return TaskForm(
        title=parts["title"],
        owner_id=read_user(mentions[0]) if mentions else None,
        due_date=read_date(parts["due"], dates) if "due" in parts else None,
        start_date=read_date(parts["start"], dates) if "start" in parts else None,
        duration_days=read_duration(parts["duration"]) if "duration" in parts else None,
        estimate_hours=read_number(parts["est"]) if "est" in parts else None,
        parent=parts.get("under"),
        depends_on=read_predecessors(parts.get("after", "")),
    )


def task_add(invocation: Invocation, args: list[str]) -> Reply:
    ctx = invocation.ctx
    form = parse_one_line(args, DateContext.of(ctx))
    with ctx.db() as db:
        project = ctx.channel_project(db)
        task = add_task(db=db, actor=ctx.actor, project=project, form=form)
        text = added_text(project, task, ctx.t)
        blocks = [section(text), task_buttons(project, task, ctx.t)]
    refresh_homes(ctx, [form.owner_id])
    return Reply(text, blocks=blocks)


def shift_line(project: Project, task: Task, shift: Shift, t: Translator) -> str:
    direction = "later" if shift.days > 0 else "earlier"
    return t(
        f"tasks.followed_{direction}",
        key=task_key(project, task),
        days=abs(shift.days),
        start=fmt_date(task.start_date, t),
        due=fmt_date(task.due_date, t),
    )


def conflict_line(project: Project, task: Task, conflict: Conflict, t: Translator) -> str:
    return t(
        "tasks.pinned_conflict",
        key=task_key(project, task),
        start=fmt_date(task.start_date, t),
        allowed=fmt_date(conflict.allowed, t),
        float=conflict.total_float,
        days=-conflict.total_float,
    )


def finish_moved(followed: Followed, t: Translator) -> list[str]:
    """Whether the project's finish moved, when there is one."""
    was, now = followed.finish_was, followed.finish
    if now is None or (not followed.shifts and was == now):
        return []
    if was == now:
        return [t("tasks.finish_kept", finish=fmt_date(now, t))]
    return [t("tasks.finish_moved", was=fmt_date(was, t), finish=fmt_date(now, t))]


def milestone_shift_line(project: Project, milestone: Milestone, shift: MilestoneShift, t: Translator) -> str:
    return t(
        "tasks.milestone_followed",
        key=milestone_key(project, milestone),
        name=milestone.name,
        was=fmt_date(shift.was, t),
        due=fmt_date(shift.now, t),
    )


def followed_lines(
    project: Project,
    followed: Followed | None,
    tasks: dict[int, Task],
    t: Translator,
    milestones: dict[int, Milestone] | None = None,
) -> list[str]:
    """What a move carried along, by how many working days, and whether the finish or a
    milestone that follows tasks moved."""
    if followed is None:
        return []
    # The first few carried tasks by name, then a count: a move on a long chain carries hundreds,
    # which `/pmo plan` lists; an answer that long is read by no one and slow to write.
    shown = followed.shifts[:SHIFTS_SHOWN]
    shifts = [shift_line(project, tasks[shift.id], shift, t) for shift in shown]
    if len(followed.shifts) > len(shown):
        shifts.append(t("tasks.followed_more", count=len(followed.shifts) - len(shown)))
    found = milestones or {}
    marks = [milestone_shift_line(project, found[shift.id], shift, t) for shift in followed.milestones]
    conflicts = [conflict_line(project, tasks[found.id], found, t) for found in followed.conflicts]
    return shifts + conflicts + finish_moved(followed, t) + marks


def carried(
    db: Session, project: Project, followed: Followed, t: Translator
) -> tuple[list[str], set[str | None]]:
    """The lines saying what a move carried along, and the owners of the tasks it moved."""
    # The tasks it moved, not the whole plan again.
    moved = [shift.id for shift in followed.shifts] + [found.id for found in followed.conflicts]
    tasks = {found.id: found for found in tasks_of(db, project, moved)}
    milestones = {found.id: found for found in project_milestones(db, project)} if followed.milestones else {}
    lines = followed_lines(project, followed, tasks, t, milestones)
    return lines, {tasks[shift.id].owner_id for shift in followed.shifts}


def task_move(invocation: Invocation, args: list[str]) -> Reply:
    ctx = invocation.ctx
    if not args:
        raise UsageError("tasks.move_needs_key")
    parts = split_keywords(args[1:], MOVE_KEYWORDS, first="rest")
    if "rest" in parts or not ({"due", "start"} & parts.keys()):
        raise UsageError("tasks.move_needs_dates")
    dates = DateContext.of(ctx)
    start = read_date(parts["start"], dates) if "start" in parts else None
    due = read_date(parts["due"], dates) if "due" in parts else None
    with ctx.db() as db:
        project = ctx.channel_project(db)
        task = find_task(db, project, args[0])
        followed = move_dates(db=db, actor=ctx.actor, project=project, task=task, start=start, due=due)
        lines = [
            ctx.t(
                "tasks.moved",
                key=task_key(project, task),
                start=fmt_date(task.start_date, ctx.t),
                due=fmt_date(task.due_date, ctx.t),
            )
        ]
        also, owners = carried(db, project, followed, ctx.t)
        lines += also
        owners.add(task.owner_id)
    refresh_homes(ctx, owners)
    return Reply("\n".join(lines))


@dataclass(frozen=True)
class LinkRequest:
    key: str
    kind: LinkKind
    lag: int | None = None  # working days; None when not given


def link_kind(words: list[str]) -> tuple[LinkKind, int]:
    """The kind of link the words after the task name, and how many words name it."""
    lowered = [word.lower() for word in words]
    for phrase, kind in LINK_WORDS.items():
        if lowered[: len(phrase)] == list(phrase):
            return kind, len(phrase)
    raise UsageError("tasks.link_form")


def parse_link(args: list[str]) -> tuple[str, list[LinkRequest]]:
    """`<KEY> after <KEY> [±Nd][, <KEY> [±Nd]…]`, `<KEY> starts with <KEY> [±Nd]`, `… finishes with …`."""
    if len(args) < 3:
        raise UsageError("tasks.link_form")
    kind, length = link_kind(args[1:])
    keys = keys_and_lags(" ".join(args[1 + length :]), "tasks.link_form")
    if not keys:
        raise UsageError("tasks.link_form")
    return args[0], [LinkRequest(key, kind, lag) for key, lag in keys]


def keys_and_lags(text: str, usage: str) -> list[tuple[str, int | None]]:
    """`APL-2 +2d, APL-5`: task keys, each with the lag written after it, if any."""
    found: list[tuple[str, int | None]] = []
    for token in KEY_LIST.split(text):
        lag = LAG.match(token)
        if lag is None and token:
            found.append((token, None))
        elif lag is not None:
            if not found or found[-1][1] is not None:
                raise InvalidError(usage, field="depends_on")  # beside the field, in the form
            found[-1] = (found[-1][0], int(lag.group(1)))
    return found


def read_predecessors(text: str) -> list[Predecessor]:
    return [Predecessor(key=key, lag=lag or 0) for key, lag in keys_and_lags(text, "tasks.after_form")]


def lag_text(lag: int, t: Translator) -> str:
    if lag > 0:
        return t("tasks.lag_later", days=lag)
    return t("tasks.lag_earlier", days=-lag) if lag < 0 else ""


def link_rule(keys: dict[int, str], rule: Link, t: Translator) -> str:
    return t(
        f"tasks.rule.{rule.kind.value}",
        key=keys[rule.after],
        after=keys[rule.before],
        lag=lag_text(rule.lag, t),
    )


def link_answer(keys: dict[int, str], outcome: LinkOutcome, t: Translator) -> str:
    rule = link_rule(keys, outcome.link, t)
    if outcome.was is not None:
        return t("tasks.link_changed", rule=rule, was=link_rule(keys, outcome.was, t))
    return t("tasks.link_already" if outcome.linked is Linked.ALREADY else "tasks.linked", rule=rule)


def task_link(invocation: Invocation, args: list[str]) -> Reply:
    ctx = invocation.ctx
    key, requests = parse_link(args)
    lines: list[str] = []
    with ctx.db() as db:
        project = ctx.channel_project(db)
        task = find_task(db, project, key)
        for request in requests:
            before = find_task(db, project, request.key)
            outcome = link(
                db=db,
                actor=ctx.actor,
                project=project,
                task=task,
                depends_on=before,
                kind=request.kind,
                lag=request.lag or 0,
            )
            keys = {task.id: task_key(project, task), before.id: task_key(project, before)}
            lines.append(link_answer(keys, outcome, ctx.t))
    return Reply("\n".join(lines))


def task_modal(t: Translator, state: TaskState, prefill: Prefill) -> dict[str, Any]:
    blocks: list[Block] = [
        text_input("title", t("tasks.field.title"), initial=prefill.title, max_length=300),
        text_input(
            "description",
            t("tasks.field.description"),
            initial=prefill.description,
            multiline=True,
            optional=True,
        ),
        user_input("owner_id", t("tasks.field.owner_id"), optional=True),
        text_input("parent", t("tasks.field.parent"), optional=True, placeholder=t("tasks.hint.key")),
        date_input("start_date", t("tasks.field.start_date"), t),
        date_input("due_date", t("tasks.field.due_date"), t),
        text_input(
            "duration_days", t("tasks.field.duration_days"), optional=True, hint=t("tasks.hint.duration")
        ),
        text_input("estimate_hours", t("tasks.field.estimate_hours"), optional=True),
        checkbox_input("is_deliverable", t("tasks.field.is_deliverable"), t("tasks.deliverable_choice")),
        text_input(
            "depends_on", t("tasks.field.depends_on"), optional=True, placeholder=t("tasks.hint.keys")
        ),
    ]
    return modal(
        callback_id=TASK_CALLBACK,
        title=t("tasks.modal_title"),
        submit=t("tasks.add"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def open_task_form(ctx: Ctx, trigger_id: str, channel_id: str, prefill: Prefill) -> None:
    with ctx.db(write=False) as db:
        project = find_project(db, channel_id=channel_id)
        require(db, project, ctx.actor, Action.PLAN_WORK)
        require_open(project)
        state = TaskState(
            project_id=project.id, channel_id=project.channel_id, source_link=prefill.source_link
        )
    ctx.client.views_open(trigger_id=trigger_id, view=task_modal(ctx.t, state, prefill))


def read_task_form(reader: FormReader, db: Session, project: Project) -> TaskForm:
    """The typed task; what could not be read and what the plan refuses, shown together."""
    form = TaskForm(
        title=reader.text("title") or "",
        description=reader.text("description"),
        owner_id=reader.text("owner_id"),
        parent=reader.text("parent"),
        start_date=reader.date("start_date"),
        due_date=reader.date("due_date"),
        duration_days=reader.duration("duration_days"),
        estimate_hours=reader.number("estimate_hours"),
        is_deliverable=reader.text("is_deliverable") == "yes",
        depends_on=read_predecessors(reader.text("depends_on") or ""),
    )
    reader.check(*task_problems(db, project, form))
    return form


def tasks_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    words = invocation.words
    if len(words) > 1:
        raise UsageError("tasks.bad_filter", given=" ".join(words))
    which, owner = (words[0].lower() if words else TaskFilter.OPEN), None
    if which not in TaskFilter.ALL:
        if not USER_MENTION.match(words[0]):
            raise UsageError("tasks.bad_filter", given=words[0])
        which, owner = TaskFilter.OPEN, read_user(words[0])
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        found = list_tasks(
            db, project, which=which, user_id=ctx.user_id, today=DateContext.of(ctx).today(), owner_id=owner
        )
        lines = [task_line(project, task, ctx.t) for task in found]
    title = ctx.t(f"tasks.title.{which}", key=project.key)
    if not lines:
        return Reply(ctx.t("tasks.none", title=title))
    blocks = fit(
        [header(title), *sections(lines)],
        limit=MESSAGE_BLOCKS_MAX,
        overflow=context(ctx.t("tasks.too_many", count=len(lines))),
    )
    return Reply(title + "\n" + "\n".join(lines[:LIST_MAX]), blocks=blocks)


def task_pin(invocation: Invocation, args: list[str], *, pinned: bool = True) -> Reply:
    """`pin <KEY>`: hold its start where it is; `unpin <KEY>`: let its links move it again."""
    if len(args) != 1:
        raise UsageError("tasks.pin_form")
    ctx = invocation.ctx
    with ctx.db() as db:
        project = find_project(db, channel_id=invocation.command.channel_id)
        task = find_task(db, project, args[0])
        pin_start(db=db, actor=ctx.actor, project=project, task=task, pinned=pinned)
        text = ctx.t(
            "tasks.pinned" if pinned else "tasks.unpinned",
            key=task_key(project, task),
            start=fmt_date(task.start_date, ctx.t),
        )
    return Reply(text)


def task_unpin(invocation: Invocation, args: list[str]) -> Reply:
    return task_pin(invocation, args, pinned=False)


TASK_ACTIONS = {"add": task_add, "move": task_move, "link": task_link, "pin": task_pin, "unpin": task_unpin}


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "task",
        usage="task [add <title> [@owner] [due <when>] [start <when>] [duration <N>d] [est <hours>] "
        "[under <KEY>] [after <KEY> [+Nd][, <KEY> …]] | move <KEY> [start <when>] [due <when>] "
        "| link <KEY> after|starts with|finishes with <KEY> [+Nd|-Nd][, <KEY> …] | pin|unpin <KEY>]",
        example="task add Design the API @bob due next friday est 16",
    )
    def task_verb(invocation: Invocation) -> Reply | None:
        words = invocation.words
        if not words:
            command = invocation.command
            open_task_form(invocation.ctx, command.trigger_id or "", command.channel_id, Prefill())
            return None
        action = TASK_ACTIONS.get(words[0].lower())
        if action is None:
            raise UsageError("tasks.bad_action", given=words[0])
        return action(invocation, words[1:])

    @router.verb(
        "tasks", usage="tasks [mine|overdue|open|done|@user]", example="tasks overdue", shareable=True
    )
    def tasks_verb(invocation: Invocation) -> Reply:
        return tasks_reply(invocation)

    @app.view(TASK_CALLBACK)
    def on_task(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = TaskState.decode(submitted)
        reader = FormReader(values=submitted.inputs(), dates=DateContext.of(ctx))
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            form = read_task_form(reader, db, project).model_copy(update={"source_link": state.source_link})
            task = add_task(db=db, actor=ctx.actor, project=project, form=form)
            text = added_text(project, task, ctx.t)
            blocks = [section(text), task_buttons(project, task, ctx.t)]
        ack()
        ctx.after(
            ctx.client.chat_postEphemeral,
            channel=state.channel_id,
            user=ctx.user_id,
            text=text,
            blocks=blocks,
        )
        refresh_homes(ctx, [form.owner_id])
