"""The project page: its status as `/pmo status` writes it, the charter, the plan as a Gantt,
the risk heat map, the earned-value S-curve and burndown (lines from the daily trend snapshots),
issues, change requests, budget and history.

Every line is written by the function that writes it in Slack, from the same snapshot, so the
page never says something Slack does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.formats import fmt_money
from bot.heatmap import HIGH, LOW, SIZE, WATCH, cell_colour
from bot.i18n import Translator
from handlers.budget.spend import category_line
from handlers.changes.decisions import change_list_line, decision_line
from handlers.dashboard.charts import CurveView, GanttView, Series, curve_view, gantt_view
from handlers.issues.log import issue_line
from handlers.risks.register import heatmap_of
from handlers.schedule.gantt import plan_marks
from handlers.slack.forms import DateContext
from handlers.status.command import headline, status_groups
from handlers.tasks.updates import history_line
from models.budget.curves import planned_curve
from models.budget.spend import budget_report
from models.changes.decisions import decisions_by_change
from models.changes.requests import list_changes
from models.closing.closeout import as_of
from models.core.audit import history
from models.core.clock import utcnow
from models.issues.log import IssueFilter, is_overdue, list_issues
from models.projects.tables import Project
from models.risks.register import risk_register
from models.status.report import StatusReport
from models.status.snapshot import status_of
from models.trends.daily import trend_of
from models.trends.tables import TrendSnapshot

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


def burndown(
    planned: Series, kept: Sequence[TrendSnapshot], report: StatusReport, t: Translator
) -> CurveView | None:
    """Value still to earn: as planned over time, as the daily snapshots found it, and today."""
    budget, earned = report.project.budget, report.value.earned_value
    if budget is None:
        return None
    left = [(day, budget - value) for day, value in planned]
    today_left = budget - earned if earned is not None else None
    history = [(row.day, budget - row.earned_value) for row in kept if row.earned_value is not None]
    money = fmt_money(budget, report.project.currency, t)
    return curve_view(left, report.today, today_left, None, money, history=(history, []))


def s_curve(
    planned: Series, kept: Sequence[TrendSnapshot], report: StatusReport, t: Translator
) -> CurveView | None:
    """Planned value to the plan's end; earned value and actual cost as the snapshots kept them,
    never worked out again for days gone by, and today's figures where the lines end."""
    value, project = report.value, report.project
    top = fmt_money(max(project.budget or Decimal(0), value.actual_cost or Decimal(0)), project.currency, t)
    earned = [(row.day, row.earned_value) for row in kept if row.earned_value is not None]
    actual = [(row.day, row.actual_cost) for row in kept]
    today = report.today
    return curve_view(planned, today, value.earned_value, value.actual_cost, top, history=(earned, actual))


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
    report = status_of(db, project, as_of(project))
    today = report.today
    bars, marks = plan_marks(db, project, today)
    until = max(today, project.target_end_date or today)
    planned = planned_curve(db, project, until)
    kept = trend_of(db, project)
    return ProjectPage(
        project=project,
        report=report,
        title=headline(report, t),
        status=status_groups(report, t),
        gantt=gantt_view(bars, marks, today, zoom),
        heat=heat_rows(project, db, t),
        curve=s_curve(planned, kept, report, t),
        burndown=burndown(planned, kept, report, t),
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
