"""`/pmo plan` and `/pmo milestone …`: the breakdown as a tree with each task's dates, duration
and float, critical tasks marked; `/pmo plan critical`: the critical path alone; milestones
added, reached, moved, renamed and removed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from slack_bolt import Ack, App, Respond
from sqlalchemy.orm import Session

from bot.blocks import MESSAGE_BLOCKS_MAX, Block, actions, button, context, header, sections
from bot.formats import fmt_date, fmt_hours, fmt_list, mention
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.schedule.variance import milestone_baseline, task_baseline
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import DateContext, read_date, split_keywords
from handlers.slack.payloads import Clicked
from handlers.tasks.breakdown import KEY_LIST
from models.calendar.project_calendar import project_calendar
from models.calendar.working_days import WorkCalendar
from models.core.access import require_visible
from models.core.clock import utcnow
from models.core.errors import NotFoundError
from models.projects.portfolio import find_project
from models.projects.tables import Project
from models.schedule.cpm import Schedule
from models.schedule.milestones import (
    add_milestone,
    add_milestone_after,
    find_milestone,
    milestone_key,
    move_milestone,
    project_milestones,
    reach_milestone,
    remove_milestone,
    rename_milestone,
)
from models.schedule.plan import PlanRow, project_plan
from models.tasks.breakdown import find_task, task_key
from models.tasks.tables import Milestone

MORE_ACTION = "plan_show_more"
PAGE_LINES = 60
DELIVERABLE_WORD = "deliverable"
CRITICAL_WORD = "critical"
ON_WORD = "on"
TO_WORD = "to"


def timing(row: PlanRow, t: Translator) -> str:
    """Duration and float in working days; a task the schedule takes past its due date says so."""
    if row.duration is None:
        return ""
    scheduled = row.scheduled
    if scheduled is None:
        return t("plan.timing_summary", duration=row.duration)
    text = t("plan.timing", duration=row.duration, float=scheduled.total_float)
    return text + (t("plan.past_due", due=fmt_date(scheduled.due, t)) if scheduled.due else "")


def row_line(project: Project, row: PlanRow, t: Translator, calendar: WorkCalendar) -> str:
    task, rollup = row.task, row.rollup
    estimate = rollup.estimate_hours if rollup else task.estimate_hours
    percent = rollup.percent if rollup else task.percent_complete
    return t(
        "plan.row",
        indent="\u2003" * row.depth,
        marker=t("plan.critical_marker") if row.critical else "•",
        key=task_key(project, task),
        title=task.title,
        owner=mention(task.owner_id, t),
        start=fmt_date(row.start, t),
        due=fmt_date(row.finish, t),
        timing=timing(row, t) + task_baseline(row, calendar, t),
        estimate=t("tasks.estimate", hours=fmt_hours(estimate)) if estimate else "",
        status=t(f"tasks.status.{task.status.value}"),
        percent=percent,
    )


def finish_line(found: Schedule, t: Translator) -> str:
    """The finish the critical path drives, against the charter's target end."""
    if found.finish is None:
        return t("plan.no_finish")
    target = found.target_end
    if target is None:
        return t("plan.finish", finish=fmt_date(found.finish, t))
    if found.misses_target:
        return t("plan.finish_late", finish=fmt_date(found.finish, t), target=fmt_date(target, t))
    return t("plan.finish_target", finish=fmt_date(found.finish, t), target=fmt_date(target, t))


def milestone_line(
    project: Project, milestone: Milestone, today: date, t: Translator, calendar: WorkCalendar
) -> str:
    """A reached milestone shows the day it was reached, and is never late; either shows its
    baseline where it differs."""
    return milestone_text(project, milestone, today, t) + milestone_baseline(milestone, calendar, t)


def milestone_text(project: Project, milestone: Milestone, today: date, t: Translator) -> str:
    deliverable = t("plan.deliverable") if milestone.is_deliverable else ""
    key, due = milestone_key(project, milestone), fmt_date(milestone.due_date, t)
    if milestone.completed_on is not None:
        reached = fmt_date(milestone.completed_on, t)
        return t(
            "plan.milestone_reached",
            key=key,
            name=milestone.name,
            due=due,
            reached=reached,
            deliverable=deliverable,
        )
    late = t("plan.late") if milestone.due_date < today else ""
    return t("plan.milestone", key=key, name=milestone.name, due=due, late=late, deliverable=deliverable)


def plan_lines(db: Session, project: Project, today: date, t: Translator) -> list[str]:
    plan = project_plan(db, project)
    calendar = project_calendar(db, project)
    lines = [row_line(project, row, t, calendar) for row in plan.rows] or [t("plan.no_tasks")]
    if plan.rows:
        lines.append(finish_line(plan.schedule, t))
    milestones = project_milestones(db, project)
    lines.append(t("plan.milestones_title"))
    lines += [milestone_line(project, milestone, today, t, calendar) for milestone in milestones] or [
        t("plan.no_milestones")
    ]
    return lines


def critical_lines(db: Session, project: Project, t: Translator) -> list[str]:
    """The critical tasks alone, in the order the work happens, and the finish they drive."""
    plan = project_plan(db, project)
    rows = {row.task.id: row for row in plan.rows}
    critical = [replace(rows[task.id], depth=0) for task in plan.schedule.critical]
    if not critical:
        return [t("plan.no_critical")]
    calendar = project_calendar(db, project)
    return [*(row_line(project, row, t, calendar) for row in critical), finish_line(plan.schedule, t)]


def plan_page(
    project: Project, lines: list[str], offset: int, t: Translator, *, critical: bool = False
) -> Reply:
    """One page of the plan; a "Show more" button carries on from where the page stops."""
    page = lines[offset : offset + PAGE_LINES]
    title = t("plan.critical_title" if critical else "plan.title", key=project.key, name=project.name)
    blocks: list[Block] = [header(title), *sections(page)]
    footer = t("plan.footer", shown=offset + len(page), total=len(lines))
    blocks = blocks[: MESSAGE_BLOCKS_MAX - 2]
    blocks.append(context(footer))
    if offset + PAGE_LINES < len(lines):
        value = f"{project.key}:{offset + PAGE_LINES}" + (f":{CRITICAL_WORD}" if critical else "")
        blocks.append(actions(button(t("plan.show_more"), action_id=MORE_ACTION, value=value)))
    return Reply(title + "\n" + "\n".join(page), blocks=blocks)


def parse_more(value: str) -> tuple[str, int, bool]:
    """The project key, the line to carry on from, and whether it is the critical path alone."""
    key, _, rest = value.partition(":")
    offset, _, mode = rest.partition(":")
    if not offset.isdigit() or mode not in ("", CRITICAL_WORD):
        raise NotFoundError("plan.bad_page")
    return key, int(offset), mode == CRITICAL_WORD


def page_lines(db: Session, project: Project, ctx: Ctx, *, critical: bool) -> list[str]:
    if critical:
        return critical_lines(db, project, ctx.t)
    return plan_lines(db, project, DateContext.of(ctx).today(), ctx.t)


def milestone_add(invocation: Invocation, words: list[str]) -> Reply:
    """`add <name> due <when> [deliverable]`, or `add <name> after <KEY>[, <KEY>…] [deliverable]`:
    due when the last of those tasks finishes, and following them when they move."""
    ctx = invocation.ctx
    deliverable = bool(words) and words[-1].lower() == DELIVERABLE_WORD
    words = words[:-1] if deliverable else words
    # "after" may be part of a day ("the day after tomorrow") or of a name: with `due`, it is.
    parts = split_keywords(words, ("due",), first="name")
    if "due" not in parts:
        parts = split_keywords(words, ("after",), first="name")
    if "name" not in parts or not {"due", "after"} & parts.keys():
        raise UsageError("plan.milestone_form")
    due = read_date(parts["due"], DateContext.of(ctx)) if "due" in parts else None
    with ctx.db() as db:
        project = ctx.channel_project(db)
        if due is not None:
            milestone = add_milestone(
                db=db, actor=ctx.actor, project=project, name=parts["name"], due=due, deliverable=deliverable
            )
            after = ""
        else:
            keys = [key for key in KEY_LIST.split(parts["after"]) if key]
            tasks = [find_task(db, project, key, "after") for key in keys]
            milestone = add_milestone_after(
                db=db,
                actor=ctx.actor,
                project=project,
                name=parts["name"],
                tasks=tasks,
                found=project_plan(db, project).schedule,
                deliverable=deliverable,
            )
            # The key list is not a number Babel can count by, so one task has its own sentence.
            which = "plan.milestone_after_one" if len(tasks) == 1 else "plan.milestone_after"
            after = ctx.t(which, keys=fmt_list((task_key(project, task) for task in tasks), ctx.t))
        text = ctx.t(
            "plan.milestone_added",
            key=milestone_key(project, milestone),
            name=milestone.name,
            due=fmt_date(milestone.due_date, ctx.t),
            deliverable=ctx.t("plan.deliverable") if deliverable else "",
        )
        return Reply(text + after)


def project_dates(project: Project) -> DateContext:
    """Dates read in the project's time zone: a milestone is reached on the project's day."""
    return DateContext(tz=project.timezone, now=utcnow())


def reach(ctx: Ctx, db: Session, project: Project, milestone: Milestone, rest: list[str]) -> str:
    """`done <KEY> [on <when>]`: reached today in the project's time zone, or on an earlier day."""
    if rest and (rest[0].lower() != ON_WORD or len(rest) == 1):
        raise UsageError("plan.milestone_done_form")
    dates = project_dates(project)
    day = read_date(" ".join(rest[1:]), dates, field="on") if rest else dates.today()
    reach_milestone(
        db=db, actor=ctx.actor, project=project, milestone=milestone, day=day, today=dates.today()
    )
    return ctx.t(
        "plan.milestone_reached_now",
        key=milestone_key(project, milestone),
        name=milestone.name,
        day=fmt_date(day, ctx.t),
    )


def move(ctx: Ctx, db: Session, project: Project, milestone: Milestone, rest: list[str]) -> str:
    """`move <KEY> [to] <when>`: a new due date, on a working day."""
    when = rest[1:] if rest and rest[0].lower() == TO_WORD else rest
    if not when:
        raise UsageError("plan.milestone_move_form")
    due = read_date(" ".join(when), DateContext.of(ctx), field="due")
    moved = move_milestone(db=db, actor=ctx.actor, project=project, milestone=milestone, due=due)
    text = ctx.t(
        "plan.milestone_moved",
        key=milestone_key(project, milestone),
        name=milestone.name,
        was=fmt_date(moved.was, ctx.t),
        due=fmt_date(moved.now, ctx.t),
    )
    if moved.rolled:
        text += ctx.t("plan.milestone_rolled", asked=fmt_date(moved.asked, ctx.t))
    return text


def rename(ctx: Ctx, db: Session, project: Project, milestone: Milestone, rest: list[str]) -> str:
    """`rename <KEY> <new name>`."""
    if not rest:
        raise UsageError("plan.milestone_rename_form")
    was = rename_milestone(db=db, actor=ctx.actor, project=project, milestone=milestone, name=" ".join(rest))
    return ctx.t(
        "plan.milestone_renamed", key=milestone_key(project, milestone), was=was, name=milestone.name
    )


def remove(ctx: Ctx, db: Session, project: Project, milestone: Milestone, rest: list[str]) -> str:
    """`remove <KEY>`: no question asked; the audit keeps what it was."""
    if rest:
        raise UsageError("plan.milestone_remove_form")
    key = milestone_key(project, milestone)
    remove_milestone(db=db, actor=ctx.actor, project=project, milestone=milestone)
    return ctx.t(
        "plan.milestone_removed", key=key, name=milestone.name, due=fmt_date(milestone.due_date, ctx.t)
    )


MilestoneAction = Callable[[Ctx, Session, Project, Milestone, list[str]], str]
MILESTONE_ACTIONS: dict[str, MilestoneAction] = {
    "done": reach,
    "move": move,
    "rename": rename,
    "remove": remove,
}


def milestone_reply(invocation: Invocation) -> Reply:
    """`milestone add …`, or one of done, move, rename, remove with the milestone's key."""
    words = invocation.words
    action = words[0].lower() if words else ""
    if action == "add":
        return milestone_add(invocation, words[1:])
    if action not in MILESTONE_ACTIONS:
        raise UsageError("plan.milestone_form")
    if len(words) < 2:
        raise UsageError("plan.milestone_needs_key")
    ctx = invocation.ctx
    with ctx.db() as db:
        project = ctx.channel_project(db)
        milestone = find_milestone(db, project, words[1])
        return Reply(MILESTONE_ACTIONS[action](ctx, db, project, milestone, words[2:]))


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("plan", usage="plan [critical]", example="plan critical", shareable=True)
    def plan_verb(invocation: Invocation) -> Reply:
        ctx = invocation.ctx
        words = [word.lower() for word in invocation.words]
        if words not in ([], [CRITICAL_WORD]):
            raise UsageError("plan.bad_args", given=invocation.args)
        with ctx.db(write=False) as db:
            project = ctx.channel_project(db)
            lines = page_lines(db, project, ctx, critical=bool(words))
        return plan_page(project, lines, 0, ctx.t, critical=bool(words))

    @router.verb(
        "milestone",
        usage="milestone add <name> due <when>|after <KEY>[, <KEY>…] [deliverable] | done <KEY> [on <when>] "
        "| move <KEY> to <when> | rename <KEY> <name> | remove <KEY>",
        example="milestone add Beta release due dec 15 deliverable",
    )
    def milestone_verb(invocation: Invocation) -> Reply:
        return milestone_reply(invocation)

    @app.action(MORE_ACTION)
    def on_more(ack: Ack, ctx: Ctx, clicked: Clicked, respond: Respond) -> None:
        ack()
        key, offset, critical = parse_more(clicked.value or "")
        with ctx.db(write=False) as db:
            project = find_project(db, channel_id=None, key=key)
            require_visible(db, project, ctx.actor)
            lines = page_lines(db, project, ctx, critical=critical)
        page = plan_page(project, lines, offset, ctx.t, critical=critical)
        respond(**page.ack_args(), replace_original=True)
