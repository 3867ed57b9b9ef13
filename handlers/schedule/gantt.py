"""`/pmo gantt`: the plan drawn on a time axis, uploaded to the channel after the ack."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.charts import DEFAULT_LABELS, ROWS_MAX, GanttBar, GanttChart, GanttMilestone, render_gantt
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reply
from handlers.slack.context import Ctx
from handlers.slack.directory import lookup
from handlers.slack.forms import DateContext
from models.calendar.project_calendar import project_calendar
from models.core.enums import TaskStatus
from models.projects.portfolio import project_by_id
from models.projects.tables import Project
from models.schedule.baseline import baseline_dates
from models.schedule.milestones import project_milestones
from models.schedule.plan import PlanRow, project_plan
from models.tasks.breakdown import dependency_links, task_key
from models.tasks.tables import Milestone


def gantt_bar(
    project: Project, row: PlanRow, keys: dict[int, str], edges: dict[int, list[int]], today: date
) -> GanttBar | None:
    """A bar where the schedule puts the task; every critical task is outlined, a task with
    float trails a tail to its late finish, a parent spans its children."""
    task, start, finish, scheduled = row.task, row.start, row.finish, row.scheduled
    if start is None or finish is None:
        return None
    has_float = scheduled is not None and scheduled.total_float > 0
    return GanttBar(
        key=task_key(project, task),
        title=task.title,
        owner=task.owner_id,
        start=start,
        end=max(start, finish),
        depth=row.depth,
        percent=row.rollup.percent if row.rollup else task.percent_complete,
        late=task.status is not TaskStatus.DONE and finish < today,
        critical=row.critical,
        depends_on=tuple(keys[other] for other in edges.get(task.id, []) if other in keys),
        summary=row.rollup is not None,
        float_until=scheduled.late_finish if scheduled is not None and has_float else None,
        baseline=row.rollup.baseline if row.rollup else baseline_dates(task),
    )


def gantt_milestone(milestone: Milestone, today: date) -> GanttMilestone:
    """On its own day: the day it was reached, or its due date; its promised day as a ghost."""
    late = milestone.completed_on is None and milestone.due_date < today
    day = milestone.completed_on or milestone.due_date
    return GanttMilestone(name=milestone.name, due=day, late=late, baseline=milestone.baseline_due)


def chart_days(bars: list[GanttBar], milestones: list[GanttMilestone], today: date) -> tuple[date, date]:
    """The first and last day the chart draws anything on."""
    days = [today, *(milestone.due for milestone in milestones)]
    days += [m.baseline for m in milestones if m.baseline is not None]
    for bar in bars:
        days += [bar.start, bar.end, *(bar.baseline or ()), *([bar.float_until] if bar.float_until else [])]
    return min(days), max(days)


def display_name(ctx: Ctx, user_id: str | None) -> str | None:
    """Bars are labelled by owner: a name people recognise, not a Slack id."""
    if user_id is None:
        return None
    person = lookup(ctx, user_id)
    return (person.name if person else None) or user_id


def plan_marks(db: Session, project: Project, today: date) -> tuple[list[GanttBar], list[GanttMilestone]]:
    """What a Gantt of the project draws: its tasks' bars in plan order, and its milestones."""
    plan = project_plan(db, project)
    keys = {row.task.id: task_key(project, row.task) for row in plan.rows}
    edges: dict[int, list[int]] = {}
    for link in dependency_links(db, project):
        edges.setdefault(link.after, []).append(link.before)
    bars = [gantt_bar(project, row, keys, edges, today) for row in plan.rows]
    marks = [gantt_milestone(milestone, today) for milestone in project_milestones(db, project)]
    return [bar for bar in bars if bar is not None], marks


def build_chart(ctx: Ctx, project_id: int, today: date) -> tuple[Project, GanttChart]:
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        bars, marks = plan_marks(db, project, today)
        calendar = project_calendar(db, project)
    names = {owner: display_name(ctx, owner) for owner in {bar.owner for bar in bars}}
    drawn = [replace(bar, owner=names[bar.owner]) for bar in bars]
    # Posted to the channel, so drawn in the project's language.
    t = ctx.t_project(project).literal()  # drawn in a picture, which is not mrkdwn
    labels = {name: t(f"gantt.label.{name}") for name in DEFAULT_LABELS}
    chart = GanttChart(
        title=t("gantt.title", key=project.key, name=project.name),
        today=today,
        bars=tuple(drawn),
        milestones=tuple(marks),
        labels=labels,
        # The project's own week and holidays, over the days the chart spans.
        days_off=tuple(calendar.days_off(*chart_days(drawn[:ROWS_MAX], marks, today))),
    )
    return project, chart


def upload_gantt(ctx: Ctx, project_id: int, channel_id: str, today: date) -> None:
    project, chart = build_chart(ctx, project_id, today)
    ctx.client.files_upload_v2(
        channel=channel_id,
        file=render_gantt(chart),
        filename=f"{project.key}-gantt-{today.isoformat()}.png",
        title=chart.title,
        initial_comment=ctx.t_project(project)(
            "gantt.comment",
            user=ctx.user_id,
            key=project.key,
            bars=len(chart.bars),
            milestones=len(chart.milestones),
        ),
    )


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("gantt", usage="gantt", example="gantt", takes_args=False)
    def gantt_verb(invocation: Invocation) -> Reply:
        ctx = invocation.ctx
        with ctx.db(write=False) as db:
            project = ctx.channel_project(db)
        ctx.after(upload_gantt, ctx, project.id, project.channel_id, DateContext.of(ctx).today())
        return Reply(ctx.t("gantt.drawing", key=project.key))
