"""The project page: its status as `/pmo status` writes it, the charter, the plan as a Gantt,
the risk heat map, the earned-value S-curve and burndown, issues, change requests, budget and history.

Every line is written by the function that writes it in Slack, from the same snapshot, so the
page never says something Slack does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.formats import fmt_money
from bot.heatmap import HIGH, LOW, SIZE, WATCH, cell_colour
from bot.i18n import Translator
from handlers.budget.spend import category_line
from handlers.changes.decisions import change_list_line, decision_line
from handlers.dashboard.charts import CurveView, GanttView, curve_view, gantt_view
from handlers.dashboard.portfolio import current_snapshots
from handlers.issues.log import issue_line
from handlers.risks.register import heatmap_of
from handlers.schedule.gantt import plan_marks
from handlers.slack.forms import DateContext
from handlers.status.command import headline, status_groups
from handlers.tasks.updates import history_line
from models.budget.spend import budget_report
from models.changes.decisions import decisions_by_change
from models.changes.requests import list_changes
from models.closing.final_report import planned_curve
from models.core.audit import history
from models.core.clock import utcnow
from models.issues.log import IssueFilter, is_overdue, list_issues
from models.projects.tables import Project
from models.risks.register import risk_register
from models.status.report import StatusReport

HISTORY_SHOWN = 30
BANDS = {HIGH: "high", WATCH: "watch", LOW: "low"}


@dataclass(frozen=True)
class HeatCell:
    probability: int
    impact: int
    band: str  # high, watch or low, as the register colours them
    keys: list[str]


@dataclass(frozen=True)
class ProjectPage:
    project: Project
    report: StatusReport
    title: str
    status: list[list[str]]  # the groups of lines `/pmo status` answers with
    gantt: GanttView
    heat: list[list[HeatCell]]  # rows from impact 5 down to 1
    curve: CurveView | None
    burndown: CurveView | None  # the work left in value, as planned and as earned today
    issues: list[str]
    changes: list[str]
    budget: list[str]
    audit: list[str]


def heat_rows(project: Project, db: Session, t: Translator) -> list[list[HeatCell]]:
    cells = heatmap_of(project, risk_register(db, project, open_only=True), t).cells
    return [
        [HeatCell(p, i, BANDS[cell_colour(p, i)], cells.get((p, i), [])) for p in range(1, SIZE + 1)]
        for i in range(SIZE, 0, -1)
    ]


def burndown(planned: list[tuple[date, Decimal]], report: StatusReport, t: Translator) -> CurveView | None:
    """Value still to earn: as planned over time, and as the earned value says today. The
    trends history will draw the line of what was left each week; until then, today's point."""
    budget, earned = report.project.budget, report.value.earned_value
    if budget is None:
        return None
    left = [(day, budget - value) for day, value in planned]
    today_left = budget - earned if earned is not None else None
    return curve_view(left, report.today, today_left, None, fmt_money(budget, report.project.currency, t))


def change_lines(db: Session, project: Project, t: Translator) -> list[str]:
    """Each change request, then the decisions on it: who decided, in which seat, with what note."""
    dates = DateContext(tz=project.timezone, now=utcnow())
    changes = list_changes(db, project)
    decisions = decisions_by_change(db, [change.id for change in changes])
    lines = []
    for change in changes:
        lines.append(change_list_line(project, change, dates, t))
        lines += [f"↳ {decision_line(decision, t)}" for decision in decisions.get(change.id, [])]
    return lines


def project_page(db: Session, project: Project, t: Translator, *, zoom: str, reader: str) -> ProjectPage:
    report = current_snapshots(db, [project])[project.id].report
    today = report.today
    bars, marks = plan_marks(db, project, today)
    until = max(today, project.target_end_date or today)
    value = report.value
    top = fmt_money(max(project.budget or Decimal(0), value.actual_cost or Decimal(0)), project.currency, t)
    planned = planned_curve(db, project, until)
    return ProjectPage(
        project=project,
        report=report,
        title=headline(report, t),
        status=status_groups(report, t),
        gantt=gantt_view(bars, marks, today, zoom),
        heat=heat_rows(project, db, t),
        curve=curve_view(planned, today, value.earned_value, value.actual_cost, top),
        burndown=burndown(planned, report, t),
        issues=[
            issue_line(project, issue, is_overdue(issue, today), t)
            for issue in list_issues(db, project, which=IssueFilter.ALL, user_id=reader)
        ],
        changes=change_lines(db, project, t),
        budget=[category_line(line, project.currency, t) for line in budget_report(db, project).categories],
        audit=[
            history_line(entry, project.timezone, t)
            for entry in history(db, project_id=project.id, limit=HISTORY_SHOWN)
        ],
    )
