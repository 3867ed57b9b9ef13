"""`/pmo meeting` and `/pmo decisions`: meeting records, the decision log, action items as tasks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot.blocks import (
    MESSAGE_BLOCKS_MAX,
    Block,
    context,
    fit,
    header,
    modal,
    option,
    people_input,
    section,
    sections,
    select_input,
    text_input,
)
from bot.dates import Lean
from bot.formats import fmt_date, fmt_list, mention
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.projects.home import refresh_homes
from handlers.slack.command import CommandRouter, Invocation, Reply
from handlers.slack.context import Ctx
from handlers.slack.directory import lookup
from handlers.slack.forms import USER_MENTION, DateContext, FormReader, ModalState, read_date
from handlers.slack.payloads import SubmittedView
from models.core.access import Action, require, require_open
from models.core.errors import InvalidError
from models.meetings.records import (
    MEETING_KINDS,
    ActionItem,
    MeetingForm,
    Recorded,
    decision_log,
    record_meeting,
)
from models.projects.portfolio import project_by_id
from models.projects.tables import Project
from models.tasks.breakdown import task_key
from models.team.members import active_members

CALLBACK = "meeting_record"
DECISIONS_SHOWN = 40
DATE_LEAD = re.compile(r"^(due|by)\s+", re.IGNORECASE)


class MeetingState(ModalState):
    project_id: int
    channel_id: str
    # How many action lines the person was shown and agreed to turn into tasks.
    confirmed: int = 0


def meeting_modal(
    t: Translator, state: MeetingState, today: str, typed: Mapping[str, str | None] | None = None
) -> dict[str, Any]:
    """The form, empty or (when asking to confirm) with everything the person typed."""
    typed = typed or {}
    asking: list[Block] = (
        [section(t("meetings.confirm_many", count=state.confirmed))] if state.confirmed else []
    )
    blocks: list[Block] = [
        *asking,
        select_input(
            "kind",
            t("meetings.field.kind"),
            [option(t(f"meetings.kind.{kind}"), kind) for kind in MEETING_KINDS],
            initial=typed.get("kind") or "status",
        ),
        text_input("held_on", t("meetings.field.held_on"), initial=typed.get("held_on") or today),
        people_input(
            "attendees", t("meetings.field.attendees"), initial=split_people(typed.get("attendees"))
        ),
        text_input(
            "notes", t("meetings.field.notes"), initial=typed.get("notes"), multiline=True, optional=True
        ),
        text_input(
            "decisions",
            t("meetings.field.decisions"),
            initial=typed.get("decisions"),
            multiline=True,
            optional=True,
            hint=t("meetings.hint.decisions"),
        ),
        text_input(
            "actions",
            t("meetings.field.actions"),
            initial=typed.get("actions"),
            multiline=True,
            optional=True,
            hint=t("meetings.hint.actions"),
        ),
    ]
    return modal(
        callback_id=CALLBACK,
        title=t("meetings.modal_title"),
        submit=t("meetings.save"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def team_handles(ctx: Ctx, project: Project, members: list[str]) -> dict[str, str]:
    """ "carol" → U0003 for everyone on the team: the first name, or the whole name run together."""
    handles: dict[str, str] = {}
    for user_id in members:
        person = lookup(ctx, user_id)
        if person is None or not person.name:
            continue
        name = person.name.lower()
        handles.setdefault(name.split()[0], user_id)
        handles.setdefault(name.replace(" ", ""), user_id)
    return handles


def read_action(line: str, handles: dict[str, str], dates: DateContext) -> ActionItem:
    """`Send the specs @carol friday` → title, owner and due date; `Book the room due monday` has no owner."""
    words = line.split()
    at = next((i for i, word in enumerate(words) if word.startswith(("@", "<@"))), None)
    if at is None:
        title, when = split_due(words)
        return ActionItem(title=" ".join(title) or line.strip(), due_date=read_due(when, line, dates))
    owner_word = words[at]
    mention_match = USER_MENTION.match(owner_word)
    owner = mention_match["id"] if mention_match else handles.get(owner_word.lstrip("@").lower())
    if owner is None:
        raise InvalidError("meetings.unknown_owner", field="actions", given=owner_word, line=line)
    after = words[at + 1 :]
    when = None if not after else DATE_LEAD.sub("", " ".join(after) + " ").strip()
    return ActionItem(
        title=" ".join(words[:at]) or line, owner_id=owner, due_date=read_due(when, line, dates)
    )


def split_due(words: list[str]) -> tuple[list[str], str | None]:
    """A line without an owner: the words before its last `due`, and what follows it (None: no `due`)."""
    lowered = [word.lower() for word in words]
    if "due" not in lowered:
        return words, None
    at = len(lowered) - 1 - lowered[::-1].index("due")
    return words[:at], " ".join(words[at + 1 :])


def read_due(when: str | None, line: str, dates: DateContext) -> date | None:
    """`due` with nothing after it is refused, not dropped: the person meant to give a date."""
    if when is None:
        return None
    if not when:
        raise InvalidError("meetings.due_needs_date", field="actions", line=line)
    return read_date(when, dates, "actions")


def split_people(joined: str | None) -> list[str]:
    return [user for user in (joined or "").split(",") if user]


# Each action line becomes a task: past ASK_ABOVE the person confirms the count first, and more
# than ACTIONS_AT_ONCE from one meeting is refused, not created.
ASK_ABOVE = 10
ACTIONS_AT_ONCE = 100


def action_lines(text: str | None) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def needs_confirmation(form: MeetingForm, state: MeetingState) -> bool:
    """Many tasks at once are asked about first; the same count confirmed is the answer."""
    return len(form.actions) > ASK_ABOVE and state.confirmed != len(form.actions)


def read_meeting(reader: FormReader, handles: dict[str, str], dates: DateContext) -> MeetingForm:
    actions = []
    lines = action_lines(reader.text("actions"))
    if len(lines) > ACTIONS_AT_ONCE:
        # Hundreds of lines are a paste gone wrong far more often than a meeting's outcome.
        reader.fail(
            InvalidError("meetings.too_many_actions", field="actions", count=len(lines), most=ACTIONS_AT_ONCE)
        )
        lines = []
    for line in lines:
        if line.strip():
            try:
                actions.append(read_action(line, handles, dates))
            except InvalidError as error:
                reader.fail(error)
    kind = reader.text("kind") or "other"
    form = MeetingForm(
        kind=kind if kind in MEETING_KINDS else "other",
        held_on=reader.date("held_on", Lean.PAST) or dates.today(),
        attendees=split_people(reader.text("attendees")),
        notes=reader.text("notes"),
        decisions=[line.strip() for line in (reader.text("decisions") or "").splitlines() if line.strip()],
        actions=actions,
    )
    reader.check()
    return form


def summary(project: Project, form: MeetingForm, recorded: Recorded, user_id: str, t: Translator) -> str:
    lines = [
        t(
            "meetings.summary",
            user=user_id,
            kind=t(f"meetings.kind.{form.kind}"),
            day=fmt_date(form.held_on, t),
        ),
        t(
            "meetings.attended",
            people=fmt_list((mention(u, t) for u in form.attendees), t) or t("meetings.nobody"),
        ),
    ]
    lines += [t("meetings.decision", text=decision.text) for decision in recorded.decisions]
    lines += [
        t(
            "meetings.action",
            key=task_key(project, task),
            title=task.title,
            owner=mention(task.owner_id, t),
            due=fmt_date(task.due_date, t),
        )
        for task in recorded.tasks
    ]
    return "\n".join(lines)


def decisions_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        lines = [
            ctx.t(
                "meetings.logged_decision", day=fmt_date(d.decided_on, ctx.t), text=d.text, user=d.recorded_by
            )
            for d in decision_log(db, project, DECISIONS_SHOWN)
        ]
    title = ctx.t("meetings.decisions_title", key=project.key, name=project.name)
    if not lines:
        return Reply(ctx.t("meetings.no_decisions", title=title))
    blocks = fit(
        [header(title), *sections(lines)], limit=MESSAGE_BLOCKS_MAX, overflow=context(ctx.t("status.cut"))
    )
    return Reply(title + "\n" + "\n".join(lines), blocks=blocks)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("meeting", usage="meeting", example="meeting", takes_args=False)
    def meeting_verb(invocation: Invocation) -> None:
        ctx = invocation.ctx
        with ctx.db(write=False) as db:
            project = ctx.channel_project(db)
            require(db, project, ctx.actor, Action.RECORD_MEETING)
            require_open(project)
            state = MeetingState(project_id=project.id, channel_id=project.channel_id)
        view = meeting_modal(ctx.t, state, DateContext.of(ctx).today().isoformat())
        ctx.client.views_open(trigger_id=invocation.command.trigger_id, view=view)

    @router.verb("decisions", usage="decisions", example="decisions", shareable=True, takes_args=False)
    def decisions_verb(invocation: Invocation) -> Reply:
        return decisions_reply(invocation)

    @app.view(CALLBACK)
    def on_meeting(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = MeetingState.decode(submitted)
        with ctx.db(write=False) as db:
            project = project_by_id(db, state.project_id)
            members = [member.user_id for member in active_members(db, project)]
        handles = team_handles(ctx, project, members)
        dates = DateContext.of(ctx)
        typed = submitted.inputs()
        form = read_meeting(FormReader(values=typed, dates=dates), handles, dates)
        if needs_confirmation(form, state):
            asking = state.model_copy(update={"confirmed": len(form.actions)})
            ack(response_action="update", view=meeting_modal(ctx.t, asking, dates.today().isoformat(), typed))
            return
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            recorded = record_meeting(db=db, actor=ctx.actor, project=project, form=form)
            text = summary(project, form, recorded, ctx.user_id, ctx.t_project(project))
            owners = [task.owner_id for task in recorded.tasks]
        ack()
        ctx.notify(Notice.new("meeting_notes", project.key, channel=project.channel_id, text=text))
        refresh_homes(ctx, owners)
