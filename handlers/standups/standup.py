"""Standups: the prompt DM at each member's morning, the answer form, and the day's channel summary.

The summary is one post per project and day, edited as answers arrive (late ones included).
Blockers become issues and stay listed in the following days until resolved; who has not
answered is listed at the end. Days, time, whose time zone, DM or channel post, and on/off
come from the communication plan (`/pmo standup config` edits that line). As a channel post the
prompt goes out once, at the line's time in the project's time zone, and anyone on the team
answers it from its button.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot.blocks import (
    Block,
    actions,
    button,
    choices_input,
    context,
    modal,
    option,
    section,
    text_input,
)
from bot.formats import fmt_date, fmt_list, mention
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.comms.plan import open_line_modal
from handlers.slack.command import CommandRouter, Invocation, UsageError
from handlers.slack.context import Ctx
from handlers.slack.directory import time_zone
from handlers.slack.forms import ModalState
from handlers.slack.living_post import post_or_edit
from handlers.slack.passes import PassFailure, ScheduledPass, off_on, run_in_every_workspace
from handlers.slack.payloads import BlockActions, Clicked, SubmittedView
from handlers.standups.questions import answer_blocks, answer_lines, prompt_questions, read_own_answers
from models.calendar.away import DaysOff
from models.comms.occurrences import STANDUP_WINDOW, Recurrence
from models.comms.plan import enabled_lines_of
from models.comms.tables import CommPlanLine
from models.core.access import Action, require, require_open
from models.core.clock import utcnow
from models.core.enums import Channel, CommKind
from models.core.errors import InvalidError
from models.issues.log import issue_key
from models.projects.portfolio import project_by_id
from models.projects.tables import Project
from models.standups.answers import (
    StandupAnswer,
    answer_standup,
    open_blockers,
    reports_of,
    standup_people,
    standup_people_of,
)
from models.standups.questions import questions_of
from models.standups.tables import StandupReport
from models.tasks.breakdown import open_tasks_of, task_key
from models.tasks.tables import Task

ANSWER_ACTION = "standup_answer"
CALLBACK = "standup_form"
TASK_CHOICES = 10


class StandupState(ModalState):
    project_id: int
    day: date


def summary_key(project_id: int, day: date) -> str:
    return f"standup_summary:{project_id}:{day.isoformat()}"


def local_moment(now: datetime, tz: str) -> datetime:
    return now.astimezone(ZoneInfo(tz))


def prompt_blocks(project: Project, day: date, t: Translator) -> tuple[str, list[Block]]:
    questions = questions_of(project)
    if questions:
        text = t(
            "standups.prompt_own",
            key=project.key,
            name=project.name,
            day=fmt_date(day, t),
            questions=prompt_questions(t, questions),
        )
    else:
        text = t("standups.prompt", key=project.key, name=project.name, day=fmt_date(day, t))
    value = f"{project.id}:{day.isoformat()}"
    return text, [
        section(text),
        actions(button(t("standups.answer"), action_id=ANSWER_ACTION, value=value, style="primary")),
    ]


@dataclass(frozen=True)
class Prompt:
    """A standup prompt due: to a person, or to the project's channel for the whole team."""

    project: Project
    to: str
    day: date

    @property
    def in_channel(self) -> bool:
        return self.to == self.project.channel_id


class StandupPass(ScheduledPass):
    name = "standups"

    def for_projects(self, db: Session, projects: Sequence[Project]) -> dict[int, list[Notice]]:
        due = self.due(db, projects)
        off = self.read_days_off(db, {prompt.to for prompt in due}, {prompt.day for prompt in due})
        sends: dict[int, list[Notice]] = defaultdict(list)
        for prompt in due:
            if not self.skipped(off, prompt):
                sends[prompt.project.id].append(self.prompt(prompt))
        return sends

    def due(self, db: Session, projects: Sequence[Project]) -> list[Prompt]:
        """The prompts whose time has come, before anyone's day off is known."""
        found = enabled_lines_of(db, [project.id for project in projects], [CommKind.STANDUP])
        lines = {project_id: project_lines[0] for project_id, project_lines in found.items()}
        planned = [project for project in projects if project.id in lines]
        teams = standup_people_of(db, [p.id for p in planned if lines[p.id].channel is Channel.DM])
        self.people.load({user for team in teams.values() for user in team})
        return [
            prompt
            for project in planned
            for prompt in self.prompts_of(project, lines[project.id], teams.get(project.id, []))
        ]

    def prompts_of(self, project: Project, line: CommPlanLine, team: list[str]) -> list[Prompt]:
        recurrence = Recurrence.of(line, STANDUP_WINDOW)
        if line.channel is Channel.CHANNEL:
            # One post for the whole team: a channel has one clock, the project's.
            day = recurrence.due_on(self.now, project.timezone)
            return [] if day is None else [Prompt(project, project.channel_id, day)]
        prompts = []
        for user in team:
            tz = self.time_zone(user) if line.time_zone_of == "member" else project.timezone
            if (day := recurrence.due_on(self.now, tz)) is not None:
                prompts.append(Prompt(project, user, day))
        return prompts

    def skipped(self, off: DaysOff, prompt: Prompt) -> bool:
        """A channel is not prompted on a holiday; a person, nor while away."""
        return off.is_holiday(prompt.day) if prompt.in_channel else self.off(off, prompt.to, prompt.day)

    def prompt(self, prompt: Prompt) -> Notice:
        project, day = prompt.project, prompt.day
        # The channel reads the project's language; a person their own.
        t = self.ctx.t_project(project) if prompt.in_channel else self.t_for(prompt.to)
        text, blocks = prompt_blocks(project, day, t)
        whom = "channel" if prompt.in_channel else prompt.to
        return Notice.due(
            f"standup:{project.id}:{whom}:{day.isoformat()}", "standup", prompt.to, text, blocks
        )


def run_standups(runtime: Runtime, now: datetime) -> list[PassFailure]:
    return run_in_every_workspace(runtime, now, StandupPass)


def answer_modal(t: Translator, state: StandupState, project: Project, tasks: list[Task]) -> dict[str, Any]:
    intro = section(t("standups.form_intro", key=project.key, day=fmt_date(state.day, t)))
    questions = questions_of(project)
    blocks = [intro, *(answer_blocks(t, questions) if questions else standard_blocks(t, project, tasks))]
    return modal(
        callback_id=CALLBACK,
        title=t("standups.form_title"),
        submit=t("standups.send"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def standard_blocks(t: Translator, project: Project, tasks: list[Task]) -> list[Block]:
    """Yesterday, today (with the person's open tasks to tick) and blockers."""
    blocks: list[Block] = [
        text_input("yesterday", t("standups.field.yesterday"), multiline=True, optional=True),
        text_input("today", t("standups.field.today"), multiline=True, optional=True),
    ]
    if tasks:
        choices = [
            option(f"{task_key(project, task)} {task.title}", task_key(project, task)) for task in tasks
        ]
        blocks.append(choices_input("today_tasks", t("standups.field.today_tasks"), choices))
    blocks.append(text_input("blockers", t("standups.field.blockers"), multiline=True, optional=True))
    return blocks


def open_answer(ctx: Ctx, trigger_id: str, project_id: int, day: date) -> None:
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        # Refused before the form opens, not after it was filled in.
        require_open(project)
        require(db, project, ctx.actor, Action.ANSWER_STANDUP)
        tasks = open_tasks_of(db=db, project=project, owner_id=ctx.user_id, limit=TASK_CHOICES)
        view = answer_modal(ctx.t, StandupState(project_id=project.id, day=day), project, tasks)
    ctx.client.views_open(trigger_id=trigger_id, view=view)


def read_answer(values: dict[str, str | None]) -> StandupAnswer:
    own = read_own_answers(values)
    if own is not None:
        return StandupAnswer(answers=own)
    picked = [key for key in (values.get("today_tasks") or "").split(",") if key]
    today = "\n".join(part for part in [values.get("today"), ", ".join(picked)] if part) or None
    return StandupAnswer(yesterday=values.get("yesterday"), today=today, blockers=values.get("blockers"))


def summary(
    db: Session, project: Project, day: date, t: Translator, off: Callable[[str], bool]
) -> tuple[str, list[Block]]:
    reports = reports_of(db, project, day)
    title = t("standups.summary_title", key=project.key, name=project.name, day=fmt_date(day, t))
    blocks: list[Block] = [section(title)]
    for report in reports:
        said = standard_lines(t, report) if report.answers is None else answer_lines(t, report.answers)
        blocks.append(section("\n".join([t("standups.who", user=report.user_id), *said])))
    still = [issue for issue in open_blockers(db, project, day)]
    if still:
        blocks.append(
            section(
                t(
                    "standups.still_blocked",
                    items=fmt_list((f"*{issue_key(project, i)}* {i.title}" for i in still), t),
                )
            )
        )
    answered = {report.user_id for report in reports}
    # Someone on holiday or away was never asked, so is not waited for.
    missing = [user for user in standup_people(db, project) if user not in answered and not off(user)]
    if missing:
        people = fmt_list([mention(user, t) for user in missing], t)
        blocks.append(context(t("standups.missing", people=people)))
    return title, blocks


def standard_lines(t: Translator, report: StandupReport) -> list[str]:
    said = ((name, getattr(report, name)) for name in ("yesterday", "today", "blockers"))
    return [t(f"standups.said.{name}", text=value) for name, value in said if value]


def post_summary(ctx: Ctx, project_id: int, day: date) -> None:
    """Post the day's summary the first time, then edit that one post."""
    with ctx.db(write=False) as db:
        channel = project_by_id(db, project_id).channel_id
    post_or_edit(
        ctx,
        key=summary_key(project_id, day),
        kind="standup_summary",
        channel=channel,
        render=partial(current_summary, ctx, project_id, day),
    )


def current_summary(ctx: Ctx, project_id: int, day: date) -> tuple[str, list[Block]]:
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        return summary(db, project, day, ctx.t_project(project), lambda user: off_on(ctx, db, user, day))


def parse_value(value: str) -> tuple[int, date]:
    project_id, _, day = value.partition(":")
    try:
        return int(project_id), date.fromisoformat(day)
    except ValueError:
        raise InvalidError("standups.stale") from None


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("standups", lambda now: run_standups(runtime, now))

    @router.verb("standup", usage="standup [config]", example="standup config")
    def standup_verb(invocation: Invocation) -> None:
        ctx, command = invocation.ctx, invocation.command
        words = [word.lower() for word in invocation.words]
        if words == ["config"]:
            open_line_modal(ctx, command.trigger_id or "", "standup", channel_id=command.channel_id, key=None)
            return
        if words:
            raise UsageError("standups.bad_args", given=" ".join(invocation.words))
        with ctx.db(write=False) as db:
            project = ctx.channel_project(db)
            day = local_moment(utcnow(), time_zone(ctx, ctx.user_id)).date()
        open_answer(ctx, command.trigger_id or "", project.id, day)

    @app.action(ANSWER_ACTION)
    def on_answer_click(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        project_id, day = parse_value(clicked.value or "")
        open_answer(ctx, click.trigger_id, project_id, day)

    @app.view(CALLBACK)
    def on_answer(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = StandupState.decode(submitted)
        answer = read_answer(submitted.inputs())
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            answer_standup(db=db, actor=ctx.actor, project=project, day=state.day, answer=answer)
        ack()
        ctx.after(post_summary, ctx, state.project_id, state.day)
