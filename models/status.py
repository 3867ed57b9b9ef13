"""A project's status in a handful of queries, whatever its size: counts and sums in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from models.budget import budget_report
from models.change import ChangeRequest
from models.earned_value import EarnedValue, WorkItem, earned_value, forecast_finish
from models.enums import ChangeStatus, IssueStatus, ReviewStatus, RiskStatus, Severity, TaskStatus
from models.health import AMBER_RISK_SCORE, RED_RISK_SCORE, Assessment, HealthFacts, assess
from models.issue import Issue
from models.leaves import is_leaf
from models.project import CostEntry, Project
from models.quality_reviews import review_counts
from models.risk import Risk
from models.work import Milestone, Task

OPEN_TASK = (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)
TOP_RISKS = 3
ISSUES_SHOWN = 3
CHANGES_SHOWN = 3
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
    worst_issues: list[Issue]
    waiting_changes: list[ChangeRequest]
    spent: Decimal
    reviews: dict[ReviewStatus, int]

    @property
    def remaining(self) -> Decimal | None:
        return None if self.project.budget is None else self.project.budget - self.spent


def leaf_tasks(project: Project) -> ColumnElement[bool]:
    """Leaf tasks, cancelled ones left out: the work that is actually done."""
    return and_(Task.project_id == project.id, Task.status != TaskStatus.CANCELLED, is_leaf(project))


def work_items(db: Session, project: Project) -> list[WorkItem]:
    rows = db.execute(
        select(Task.estimate_hours, Task.percent_complete, Task.status, Task.start_date, Task.due_date).where(
            leaf_tasks(project)
        )
    ).all()
    return [
        WorkItem(estimate, 100 if status is TaskStatus.DONE else percent, start, due)
        for estimate, percent, status, start, due in rows
    ]


def progress(items: list[WorkItem], value: EarnedValue) -> Progress:
    done = sum(1 for item in items if item.percent_complete >= 100)
    return Progress(done=done, total=len(items), weighted_percent=round(value.earned_share * 100))


def total_spent(db: Session, project: Project) -> Decimal:
    spent = db.scalar(select(func.sum(CostEntry.amount)).where(CostEntry.project_id == project.id))
    return spent or Decimal("0.00")


def overdue_tasks(db: Session, project: Project, today: date) -> tuple[list[Task], int]:
    where = and_(leaf_tasks(project), Task.status.in_(OPEN_TASK), Task.due_date < today)
    count = db.scalar(select(func.count()).select_from(Task).where(where)) or 0
    shown = db.scalars(select(Task).where(where).order_by(Task.due_date, Task.number).limit(OVERDUE_SHOWN))
    return list(shown), count


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
    open_risks = and_(Risk.project_id == project.id, Risk.status == RiskStatus.OPEN)
    unanswered = db.scalar(
        select(func.count()).where(open_risks, Risk.score >= RED_RISK_SCORE, Risk.strategy.is_(None))
    )
    high = db.scalar(select(func.count()).where(open_risks, Risk.score >= AMBER_RISK_SCORE))
    return unanswered or 0, high or 0


def issue_counts(db: Session, project: Project) -> dict[Severity, int]:
    rows = db.execute(
        select(Issue.severity, func.count())
        .where(Issue.project_id == project.id, Issue.status == IssueStatus.OPEN)
        .group_by(Issue.severity)
    ).all()
    return dict(rows)


def overdue_issue_count(db: Session, project: Project, today: date) -> int:
    late = and_(Issue.project_id == project.id, Issue.status == IssueStatus.OPEN, Issue.due_date < today)
    return db.scalar(select(func.count()).where(late)) or 0


def worst_issues(db: Session, project: Project) -> list[Issue]:
    """The most severe open issues, the longest-standing first among equals."""
    rank = case({severity: n for n, severity in enumerate(reversed(Severity))}, value=Issue.severity)
    return list(
        db.scalars(
            select(Issue)
            .where(Issue.project_id == project.id, Issue.status == IssueStatus.OPEN)
            .order_by(rank, Issue.number)
            .limit(ISSUES_SHOWN)
        )
    )


def waiting_changes(db: Session, project: Project) -> list[ChangeRequest]:
    """Change requests waiting for a decision, the longest waiting first."""
    return list(
        db.scalars(
            select(ChangeRequest)
            .where(ChangeRequest.project_id == project.id, ChangeRequest.status == ChangeStatus.PENDING)
            .order_by(ChangeRequest.created_at, ChangeRequest.number)
            .limit(CHANGES_SHOWN)
        )
    )


def status_of(db: Session, project: Project, today: date) -> StatusReport:
    items = work_items(db, project)
    spent = total_spent(db, project)
    value = earned_value(items, today=today, budget=project.budget, spent=spent)
    finish = forecast_finish(project.start_date, project.target_end_date, value.spi)
    slip = (finish - project.target_end_date).days if finish and project.target_end_date else 0
    milestones = milestone_forecasts(db, project, slip)
    overdue, overdue_count = overdue_tasks(db, project, today)
    unanswered, high = risk_counts(db, project)
    issues = issue_counts(db, project)
    categories = budget_report(db, project).categories
    facts = HealthFacts(
        late_milestones=sum(1 for m in milestones if m.late(today)),
        slipping_milestones=sum(1 for m in milestones if m.forecast > m.milestone.due_date),
        spi=value.spi,
        cpi=value.cpi,
        unanswered_red_risks=unanswered,
        high_risks=high,
        critical_issues=issues.get(Severity.CRITICAL, 0),
        high_issues=issues.get(Severity.HIGH, 0),
        overdue_tasks=overdue_count,
        overdue_issues=overdue_issue_count(db, project, today),
        budget=project.budget,
        spent=spent,
        categories_over_warning=sum(1 for line in categories if line.warning),
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
        progress=progress(items, value),
        value=value,
        forecast_finish=finish,
        milestones=milestones[:NEXT_MILESTONES],
        overdue=overdue,
        overdue_count=overdue_count,
        top_risks=list(top_risks),
        open_issues=sum(issues.values()),
        pending_changes=pending or 0,
        worst_issues=worst_issues(db, project),
        waiting_changes=waiting_changes(db, project),
        spent=spent,
        reviews=review_counts(db, project),
    )
