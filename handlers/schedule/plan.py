"""`/pmo plan` and `/pmo milestone add`: the breakdown as a tree, with the critical path marked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slack_bolt import Ack, App, Respond
from sqlalchemy.orm import Session

from bot.blocks import MESSAGE_BLOCKS_MAX, Block, actions, button, context, header, sections
from bot.formats import fmt_date, fmt_hours, mention
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import DateContext, read_date, split_keywords
from handlers.slack.payloads import Clicked
from models.core.access import require_visible
from models.core.errors import NotFoundError
from models.projects.portfolio import find_project
from models.projects.tables import Project
from models.schedule.milestones import add_milestone, milestone_key, project_milestones
from models.schedule.network import Rollup, critical_path, rollups, tree_order
from models.tasks.breakdown import as_items, dependency_edges, project_tasks, task_key
from models.tasks.tables import Milestone, Task

MORE_ACTION = "plan_show_more"
PAGE_LINES = 60
DELIVERABLE_WORD = "deliverable"


@dataclass(frozen=True)
class PlanRow:
    task: Task
    depth: int
    rollup: Rollup | None
    critical: bool


def plan_rows(tasks: list[Task], edges: list[tuple[int, int]]) -> list[PlanRow]:
    """Tasks in tree order with their roll-ups and whether they are on the critical path."""
    items = as_items(tasks, edges)
    by_id = {task.id: task for task in tasks}
    rolled = rollups(items)
    critical = set(critical_path(items))
    return [
        PlanRow(by_id[item.id], depth, rolled.get(item.id), item.id in critical)
        for item, depth in tree_order(items)
    ]


def row_line(project: Project, row: PlanRow, t: Translator) -> str:
    task, rollup = row.task, row.rollup
    start = rollup.start if rollup else task.start_date
    due = rollup.due if rollup else task.due_date
    estimate = rollup.estimate_hours if rollup else task.estimate_hours
    percent = rollup.percent if rollup else task.percent_complete
    return t(
        "plan.row",
        indent="\u2003" * row.depth,
        marker=t("plan.critical_marker") if row.critical else "•",
        key=task_key(project, task),
        title=task.title,
        owner=mention(task.owner_id, t),
        start=fmt_date(start, t),
        due=fmt_date(due, t),
        estimate=t("tasks.estimate", hours=fmt_hours(estimate)) if estimate else "",
        status=t(f"tasks.status.{task.status.value}"),
        percent=percent,
    )


def milestone_line(project: Project, milestone: Milestone, today: date, t: Translator) -> str:
    late = milestone.completed_on is None and milestone.due_date < today
    return t(
        "plan.milestone",
        key=milestone_key(project, milestone),
        name=milestone.name,
        due=fmt_date(milestone.due_date, t),
        late=t("plan.late") if late else "",
        deliverable=t("plan.deliverable") if milestone.is_deliverable else "",
    )


def plan_lines(db: Session, project: Project, today: date, t: Translator) -> list[str]:
    rows = plan_rows(project_tasks(db, project), dependency_edges(db, project))
    lines = [row_line(project, row, t) for row in rows] or [t("plan.no_tasks")]
    milestones = project_milestones(db, project)
    lines.append(t("plan.milestones_title"))
    lines += [milestone_line(project, milestone, today, t) for milestone in milestones] or [
        t("plan.no_milestones")
    ]
    return lines


def plan_page(project: Project, lines: list[str], offset: int, t: Translator) -> Reply:
    """One page of the plan; a "Show more" button carries on from where the page stops."""
    page = lines[offset : offset + PAGE_LINES]
    title = t("plan.title", key=project.key, name=project.name)
    blocks: list[Block] = [header(title), *sections(page)]
    footer = t("plan.footer", shown=offset + len(page), total=len(lines))
    blocks = blocks[: MESSAGE_BLOCKS_MAX - 2]
    blocks.append(context(footer))
    if offset + PAGE_LINES < len(lines):
        more = button(
            t("plan.show_more"), action_id=MORE_ACTION, value=f"{project.key}:{offset + PAGE_LINES}"
        )
        blocks.append(actions(more))
    return Reply(title + "\n" + "\n".join(page), blocks=blocks)


def parse_more(value: str) -> tuple[str, int]:
    key, _, offset = value.partition(":")
    if not offset.isdigit():
        raise NotFoundError("plan.bad_page")
    return key, int(offset)


def milestone_add(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    words = invocation.words
    if not words or words[0].lower() != "add":
        raise UsageError("plan.milestone_form")
    deliverable = bool(words) and words[-1].lower() == DELIVERABLE_WORD
    parts = split_keywords(words[1:-1] if deliverable else words[1:], ("due",), first="name")
    if "name" not in parts or "due" not in parts:
        raise UsageError("plan.milestone_form")
    due = read_date(parts["due"], DateContext.of(ctx))
    with ctx.db() as db:
        project = find_project(db, channel_id=invocation.command.channel_id)
        milestone = add_milestone(
            db=db, actor=ctx.actor, project=project, name=parts["name"], due=due, deliverable=deliverable
        )
        return Reply(
            ctx.t(
                "plan.milestone_added",
                key=milestone_key(project, milestone),
                name=milestone.name,
                due=fmt_date(milestone.due_date, ctx.t),
                deliverable=ctx.t("plan.deliverable") if deliverable else "",
            )
        )


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("plan", usage="plan", example="plan", takes_args=False, shareable=True)
    def plan_verb(invocation: Invocation) -> Reply:
        ctx = invocation.ctx
        with ctx.db(write=False) as db:
            project = find_project(db, channel_id=invocation.command.channel_id)
            lines = plan_lines(db, project, DateContext.of(ctx).today(), ctx.t)
        return plan_page(project, lines, 0, ctx.t)

    @router.verb(
        "milestone",
        usage="milestone add <name> due <when> [deliverable]",
        example="milestone add Beta release due dec 15 deliverable",
    )
    def milestone_verb(invocation: Invocation) -> Reply:
        return milestone_add(invocation)

    @app.action(MORE_ACTION)
    def on_more(ack: Ack, ctx: Ctx, clicked: Clicked, respond: Respond) -> None:
        ack()
        key, offset = parse_more(clicked.value or "")
        with ctx.db(write=False) as db:
            project = find_project(db, channel_id=None, key=key)
            require_visible(db, project, ctx.actor)
            lines = plan_lines(db, project, DateContext.of(ctx).today(), ctx.t)
        respond(**plan_page(project, lines, offset, ctx.t).ack_args(), replace_original=True)
