"""A project's status in a handful of queries, whatever its size: counts and sums in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from models.budget import budget_report
from models.change import ChangeRequest
from models.earned_value import EarnedValue, WorkItem, WorkSums, earned_value_of, forecast_finish, work_sums
from models.enums import ChangeStatus, IssueStatus, ReviewStatus, RiskStatus, Severity, TaskStatus
from models.health import AMBER_RISK_SCORE, RED_RISK_SCORE, Assessment, HealthFacts, assess
from models.issue import Issue
from models.leaves import is_leaf
from models.project import Project
from models.quality_reviews import review_counts
from models.risk import Risk
from models.work import Milestone, Task

OPEN_TASK = (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)
TOP_RISKS = 3
NEXT_MILESTONES = 3
OVERDUE_SHOWN = 5


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    weighted_percent: int


@dataclass(frozen=True)
class MilestoneForecast:
    milestone: Milestone
    forecast: date

    def late(self, today: date) -> bool:
        return self.milestone.due_date < today


@dataclass(frozen=True)
class StatusReport:
    project: Project
    today: date
    assessment: Assessment
    progress: Progress
    value: EarnedValue
    forecast_finish: date | None
    milestones: list[MilestoneForecast]
    overdue: list[Task]
    overdue_count: int
    top_risks: list[Risk]
    open_issues: int
    pending_changes: int
    spent: Decimal
    reviews: dict[ReviewStatus, int]

    @property
    def remaining(self) -> Decimal | None:
        return None if self.project.budget is None else self.project.budget - self.spent


def leaf_tasks(project: Project) -> ColumnElement[bool]:
    """Leaf tasks, cancelled ones left out: the work that is actually done."""
    return and_(Task.project_id == project.id, Task.status != TaskStatus.CANCELLED, is_leaf(project))


@dataclass(frozen=True)
class LeafWork:
    sums: WorkSums
    done: int
    overdue: int


def leaf_work(db: Session, project: Project, today: date) -> LeafWork:
    """Earned value's sums, progress and the overdue count of the leaf tasks, summed in SQL.

    Only tasks under way today (started, not yet due) are read row by row: their planned share
    is a fraction of their days. A query per figure, or every task read into Python, made
    `/pmo status` of a 2,000-task project several times slower.
    """
    effective = case((Task.status == TaskStatus.DONE, 100), else_=Task.percent_complete)
    hours = func.nullif(Task.estimate_hours, 0)  # no estimate and 0 both weigh as the average
    unestimated = hours.is_(None)
    planned_in_full = Task.due_date <= today
    overdue = and_(Task.status.in_(OPEN_TASK), Task.due_date < today)
    row = db.execute(
        select(
            func.count(),
            func.count(hours),
            func.sum(hours),
            func.sum(hours * effective),
            func.sum(case((unestimated, effective), else_=0)),
            func.sum(case((planned_in_full, hours), else_=None)),
            func.sum(case((and_(unestimated, planned_in_full), 1), else_=0)),
            func.sum(case((effective >= 100, 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
        ).where(leaf_tasks(project))
    ).one()
    count, estimated, *totals = (value or 0 for value in row)
    hours_sum, earned_hours, earned_unestimated, planned_hours, planned_unestimated, done, late = totals
    under_way = work_sums(
        [
            WorkItem(estimate, 0, start, due)
            for estimate, start, due in db.execute(
                select(Task.estimate_hours, Task.start_date, Task.due_date).where(
                    leaf_tasks(project), Task.start_date <= today, Task.due_date > today
                )
            )
        ],
        today,
    )
    sums = WorkSums(
        count=count,
        estimated=estimated,
        hours=float(hours_sum),
        earned_hours=float(earned_hours) / 100,
        earned_unestimated=float(earned_unestimated) / 100,
        planned_hours=float(planned_hours) + under_way.planned_hours,
        planned_unestimated=float(planned_unestimated) + under_way.planned_unestimated,
    )
    return LeafWork(sums, int(done), int(late))


def overdue_tasks(db: Session, project: Project, today: date) -> list[Task]:
    """The first few overdue leaf tasks, most overdue first."""
    where = and_(leaf_tasks(project), Task.status.in_(OPEN_TASK), Task.due_date < today)
    return list(
        db.scalars(select(Task).where(where).order_by(Task.due_date, Task.number).limit(OVERDUE_SHOWN))
    )


def milestone_forecasts(db: Session, project: Project, slip_days: int) -> list[MilestoneForecast]:
    """Open milestones, soonest first, each forecast to slip as much as the whole schedule does."""
    open_ones = db.scalars(
        select(Milestone)
        .where(Milestone.project_id == project.id, Milestone.completed_on.is_(None))
        .order_by(Milestone.due_date, Milestone.number)
    ).all()
    return [MilestoneForecast(m, m.due_date + timedelta(days=max(slip_days, 0))) for m in open_ones]


def risk_counts(db: Session, project: Project) -> tuple[int, int]:
    """Open risks scored for red without a response, and open risks scored high."""
    unanswered = and_(Risk.score >= RED_RISK_SCORE, Risk.strategy.is_(None))
    counts = db.execute(
        select(
            func.sum(case((unanswered, 1), else_=0)),
            func.sum(case((Risk.score >= AMBER_RISK_SCORE, 1), else_=0)),
        ).where(Risk.project_id == project.id, Risk.status == RiskStatus.OPEN)
    ).one()
    return int(counts[0] or 0), int(counts[1] or 0)


def issue_counts(db: Session, project: Project, today: date) -> tuple[dict[Severity, int], int]:
    """Open issues by severity, and how many of them are overdue."""
    rows = db.execute(
        select(Issue.severity, func.count(), func.sum(case((Issue.due_date < today, 1), else_=0)))
        .where(Issue.project_id == project.id, Issue.status == IssueStatus.OPEN)
        .group_by(Issue.severity)
    ).all()
    return {severity: count for severity, count, _ in rows}, sum(int(late or 0) for _, _, late in rows)


def status_of(db: Session, project: Project, today: date) -> StatusReport:
    work = leaf_work(db, project, today)
    budget = budget_report(db, project)
    spent = budget.spent  # every cost entry is in a category, planned or not
    value = earned_value_of(work.sums, budget=project.budget, spent=spent)
    finish = forecast_finish(project.start_date, project.target_end_date, value.spi)
    slip = (finish - project.target_end_date).days if finish and project.target_end_date else 0
    milestones = milestone_forecasts(db, project, slip)
    unanswered, high = risk_counts(db, project)
    issues, overdue_issues = issue_counts(db, project, today)
    facts = HealthFacts(
        late_milestones=sum(1 for m in milestones if m.late(today)),
        slipping_milestones=sum(1 for m in milestones if m.forecast > m.milestone.due_date),
        spi=value.spi,
        cpi=value.cpi,
        unanswered_red_risks=unanswered,
        high_risks=high,
        critical_issues=issues.get(Severity.CRITICAL, 0),
        high_issues=issues.get(Severity.HIGH, 0),
        overdue_tasks=work.overdue,
        overdue_issues=overdue_issues,
        budget=project.budget,
        spent=spent,
        categories_over_warning=sum(1 for line in budget.categories if line.warning),
    )
    top_risks = db.scalars(
        select(Risk)
        .where(Risk.project_id == project.id, Risk.status == RiskStatus.OPEN)
        .order_by(Risk.score.desc(), Risk.number)
        .limit(TOP_RISKS)
    )
    pending = db.scalar(
        select(func.count()).where(
            ChangeRequest.project_id == project.id, ChangeRequest.status == ChangeStatus.PENDING
        )
    )
    return StatusReport(
        project=project,
        today=today,
        assessment=assess(facts),
        progress=Progress(
            done=work.done, total=work.sums.count, weighted_percent=round(value.earned_share * 100)
        ),
        value=value,
        forecast_finish=finish,
        milestones=milestones[:NEXT_MILESTONES],
        overdue=overdue_tasks(db, project, today) if work.overdue else [],
        overdue_count=work.overdue,
        top_risks=list(top_risks),
        open_issues=sum(issues.values()),
        pending_changes=pending or 0,
        spent=spent,
        reviews=review_counts(db, project),
    )
