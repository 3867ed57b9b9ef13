"""`/pmo status [KEY]`: health with its reasons, progress, earned value, what is late and at risk."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.blocks import MESSAGE_BLOCKS_MAX, Block, context, fit, header, section, sections
from bot.formats import fmt_date, fmt_list, fmt_money, mention
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.dashboard.links import link_blocks
from handlers.issues.log import issue_line
from handlers.projects.listing import project_line
from handlers.risks.lines import level
from handlers.schedule.variance import milestone_baseline
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from handlers.slack.context import Ctx
from models.changes.requests import change_key
from models.changes.tables import ChangeRequest
from models.closing.closeout import as_of
from models.core.enums import Health, Phase, ReviewStatus
from models.core.keys import ItemKind, item_key
from models.issues.log import is_overdue
from models.projects.portfolio import ProjectFilter, find_project, list_projects, project_of_channel
from models.projects.tables import Project
from models.schedule.milestones import milestone_key
from models.status.report import StatusReport
from models.status.snapshot import Snapshot, kept_snapshot, snapshot_of
from models.tasks.breakdown import task_key

HEALTH_MARK = {Health.GREEN: "🟢", Health.AMBER: "🟡", Health.RED: "🔴"}


def money(amount: Decimal | None, project: Project, t: Translator) -> str:
    return fmt_money(amount, project.currency, t)


def forecast(amount: Decimal | None, project: Project, t: Translator) -> str:
    """A forecast in money: "not set" without a budget, "n/a" while its index is not yet known."""
    if amount is None and project.budget is not None:
        return t("status.not_yet")
    return money(amount, project, t)


def forecast_day(day: date | None, report: StatusReport, t: Translator) -> str:
    """A forecast date; a closed project has none, and says why."""
    if day is None and report.project.phase is Phase.CLOSED:
        return t("status.closed_no_forecast")
    return fmt_date(day, t)


def index(value: float | None, t: Translator) -> str:
    return f"{value:.2f}" if value is not None else t("status.not_yet")


def headline(report: StatusReport, t: Translator) -> str:
    project, health = report.project, report.assessment.health
    return t(
        "status.title",
        mark=HEALTH_MARK[health],
        key=project.key,
        name=project.name,
        health=t(f"status.health.{health.value}"),
    )


def reason_lines(report: StatusReport, t: Translator) -> list[str]:
    return [t("status.reason", text=t(reason.key, **reason.params)) for reason in report.assessment.reasons]


def progress_lines(report: StatusReport, t: Translator) -> list[str]:
    project, value, progress = report.project, report.value, report.progress
    return [
        t(
            "status.phase_progress",
            phase=t(f"phase.{project.phase.value}"),
            done=progress.done,
            total=progress.total,
            percent=progress.weighted_percent,
        ),
        t(
            "status.earned_value",
            pv=money(value.planned_value, project, t),
            ev=money(value.earned_value, project, t),
            ac=money(value.actual_cost, project, t),
            sv=money(value.schedule_variance, project, t),
            cv=money(value.cost_variance, project, t),
            spi=index(value.spi, t),
            cpi=index(value.cpi, t),
        ),
        t(
            "status.at_completion",
            eac=forecast(value.estimate_at_completion, project, t),
            method=t(f"status.eac_method.{value.method.value}"),
            etc=forecast(value.estimate_to_complete, project, t),
            vac=forecast(value.variance_at_completion, project, t),
            tcpi=index(value.to_complete_index, t),
        ),
        *undated_lines(report, t),
        t(
            "status.forecast",
            finish=forecast_day(report.forecast_finish, report, t),
            target=fmt_date(project.target_end_date, t),
            baseline=fmt_date(project.baseline_end_date, t),
        ),
        *slipped_lines(report, t),
    ]


def undated_keys(report: StatusReport, t: Translator) -> str:
    """The first few tasks without a due date by key, and how many more there are."""
    keys = [task_key(report.project, task) for task in report.undated]
    hidden = report.value.undated - len(keys)
    return fmt_list(keys, t) + (t("status.undated_more", count=hidden) if hidden > 0 else "")


def undated_lines(report: StatusReport, t: Translator) -> list[str]:
    """Tasks planned value cannot place in time, named so the figures can be argued with."""
    count = report.value.undated
    return [t("status.undated", count=count, keys=undated_keys(report, t))] if count else []


def milestone_lines(report: StatusReport, t: Translator) -> list[str]:
    lines = [
        t(
            "status.milestone",
            key=milestone_key(report.project, forecast.milestone),
            name=forecast.milestone.name,
            due=fmt_date(forecast.milestone.due_date, t),
            forecast=forecast_day(forecast.forecast, report, t),
            late=milestone_baseline(forecast.milestone, report.calendar, t)
            + (t("status.late") if forecast.late(report.today) else ""),
        )
        for forecast in report.milestones
    ]
    return [t("status.milestones_title"), *(lines or [t("status.none")])]


def slipped_lines(report: StatusReport, t: Translator) -> list[str]:
    """How many tasks now finish after their baseline: the plan by line says which."""
    return [t("status.slipped", count=report.slipped)] if report.slipped else []


def overdue_lines(report: StatusReport, t: Translator) -> list[str]:
    lines = [
        t(
            "status.overdue_task",
            key=item_key(report.project.key, ItemKind.TASK, task.number),
            title=task.title,
            owner=mention(task.owner_id, t),
            due=fmt_date(task.due_date, t),
        )
        for task in report.overdue
    ]
    if report.overdue_count > len(report.overdue):
        lines.append(t("status.more", count=report.overdue_count - len(report.overdue)))
    return [t("status.overdue_title", count=report.overdue_count), *(lines or [t("status.none")])]


def risk_lines(report: StatusReport, t: Translator) -> list[str]:
    lines = [
        t(
            "status.risk",
            level=level(risk.score),
            key=item_key(report.project.key, ItemKind.RISK, risk.number),
            title=risk.title,
            score=risk.score,
        )
        for risk in report.top_risks
    ]
    return [t("status.risks_title"), *(lines or [t("status.none")])]


def waiting_line(report: StatusReport, change: ChangeRequest, t: Translator) -> str:
    asked_on = change.created_at.astimezone(ZoneInfo(report.project.timezone)).date()
    return t(
        "status.change",
        key=change_key(report.project, change),
        title=change.title,
        days=(report.today - asked_on).days,
    )


def control_lines(report: StatusReport, t: Translator) -> list[str]:
    """Open issues, most severe first, and the change requests waiting longest for a decision."""
    today = report.today
    issues = [issue_line(report.project, i, is_overdue(i, today), t) for i in report.worst_issues]
    if report.open_issues > len(issues):
        issues.append(t("status.more_issues", count=report.open_issues - len(issues)))
    changes = [waiting_line(report, change, t) for change in report.waiting_changes]
    if report.pending_changes > len(changes):
        changes.append(t("status.more_changes", count=report.pending_changes - len(changes)))
    return [
        t("status.issues_changes", issues=report.open_issues, changes=report.pending_changes),
        *issues,
        *changes,
    ]


def tail_lines(report: StatusReport, t: Translator) -> list[str]:
    project = report.project
    return [
        *control_lines(report, t),
        t(
            "status.reviews",
            passed=report.reviews.get(ReviewStatus.PASSED, 0),
            failed=report.reviews.get(ReviewStatus.FAILED, 0),
            planned=report.reviews.get(ReviewStatus.PLANNED, 0),
        ),
        t(
            "status.budget",
            spent=money(report.spent, project, t),
            budget=money(project.budget, project, t),
            remaining=money(report.remaining, project, t),
        )
        + budget_baseline(project, t),
    ]


def budget_baseline(project: Project, t: Translator) -> str:
    """The charter's budget beside the current one once an approved change has moved it."""
    if project.baseline_budget is None or project.baseline_budget == project.budget:
        return ""
    return t("status.baseline", baseline=money(project.baseline_budget, project, t))


def status_groups(report: StatusReport, t: Translator) -> list[list[str]]:
    """The status's lines below its title, in the groups it is shown in (Slack, the dashboard)."""
    return [
        reason_lines(report, t) or [t("status.all_clear")],
        progress_lines(report, t),
        milestone_lines(report, t),
        overdue_lines(report, t),
        risk_lines(report, t),
        tail_lines(report, t),
    ]


def status_blocks(report: StatusReport, t: Translator) -> tuple[str, list[Block]]:
    title = headline(report, t)
    groups = status_groups(report, t)
    blocks = [header(title)]
    for lines in groups:
        blocks += sections(lines)
    blocks.append(context(t("status.footer", day=fmt_date(report.today, t))))
    text = "\n".join([title, *(line for lines in groups for line in lines)])
    return text, fit(blocks, limit=MESSAGE_BLOCKS_MAX, overflow=context(t("status.cut")))


def rendered_status(snapshot: Snapshot, t: Translator) -> tuple[str, list[Block]]:
    """The status in one language, rendered once per snapshot: most answers find nothing moved."""
    return snapshot.rendered((status_blocks, t.language, t.escaping), lambda report: status_blocks(report, t))


def my_projects_reply(db: Session, ctx: Ctx) -> Reply:
    mine = list_projects(db=db, actor=ctx.actor, which=ProjectFilter.MINE, place=ctx.channel_id)
    lines = [project_line(p, ctx.t) for p in mine]
    if not lines:
        return Reply(ctx.t("status.no_project_here"))
    title = ctx.t("status.pick_project")
    return Reply(title + "\n" + "\n".join(lines), blocks=[section(title), *sections(lines)])


def checked_project(invocation: Invocation, key: str | None) -> Project | None:
    """The project asked about, if the visibility check before the verb loaded it already."""
    ctx = invocation.ctx
    for project in invocation.readable:
        if (project.key == key.upper()) if key else (project.id == ctx.channel_project_id()):
            return project
    return None


def status_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    words = invocation.words
    if len(words) > 1:
        raise UsageError("status.bad_args", given=" ".join(words))
    key = words[0] if words else None
    checked = checked_project(invocation, key)
    kept = kept_snapshot(checked, as_of(checked)) if checked else None
    if kept:  # nothing moved since the last reader: no second visit to the database
        return status_answer(ctx, kept)
    channel = invocation.command.channel_id
    with ctx.db(write=False) as db:  # one session: a big status is a dozen queries, not two visits
        project = find_project(db, channel_id=channel, key=key) if key else project_of_channel(db, channel)
        if project is None:
            return my_projects_reply(db, ctx)
        # The project's own calendar, so everyone who asks sees the same status; an archive as it closed.
        today = as_of(project)
        snapshot = snapshot_of(db, project, today)
    return status_answer(ctx, snapshot)


def status_answer(ctx: Ctx, snapshot: Snapshot) -> Reply:
    """The status as rendered for everyone, and the link to the project's dashboard page."""
    text, blocks = rendered_status(snapshot, ctx.t)
    link = link_blocks(ctx.runtime.settings, ctx.t, snapshot.report.project.key)
    return Reply(text, blocks=[*blocks[: MESSAGE_BLOCKS_MAX - len(link)], *link])


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("status", usage="status [KEY]", example="status APL", shareable=True, reads=Reads.KEYED)
    def status_verb(invocation: Invocation) -> Reply:
        return status_reply(invocation)
