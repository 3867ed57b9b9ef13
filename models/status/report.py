"""A project's status, or many projects' at once, in a dozen queries whatever their size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from models.budget.earned_value import (
    EarnedValue,
    WorkItem,
    WorkSums,
    earned_value_of,
    forecast_finish,
    planned_start,
)
from models.budget.spend import BudgetReport, budget_reports
from models.calendar.project_calendar import project_calendars
from models.calendar.working_days import WorkCalendar
from models.changes.tables import ChangeRequest
from models.core.enums import Phase, ReviewStatus, Severity, TaskStatus
from models.issues.tables import Issue
from models.projects.tables import Project
from models.quality.reviews import review_counts_of
from models.schedule.forecast import followed_tasks, path_forecasts
from models.status.figures import (
    ChangeFigures,
    IssueFigures,
    LeafWork,
    OverdueTask,
    RiskFigures,
    TopRisk,
    changes_of,
    issues_of,
    leaf_tasks_of,
    leaf_work_of,
    open_milestones_of,
    overdue_of,
    risks_of,
    undated_of,
)
from models.status.health import Assessment, HealthFacts, assess
from models.tasks.tables import Milestone, Task

__all__ = ["StatusReport", "build_statuses", "leaf_tasks", "work_items"]

NEXT_MILESTONES = 3


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    weighted_percent: int
    # The work not yet earned, in estimated hours (unestimated tasks at the average estimate);
    # None when no task has an estimate, so there are no hours to count.
    remaining_hours: float | None = None


@dataclass(frozen=True)
class MilestoneForecast:
    milestone: Milestone
    forecast: date | None  # none once the project is closed: nothing is still to come

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
    overdue: list[OverdueTask]
    overdue_count: int
    top_risks: list[TopRisk]
    open_issues: int
    pending_changes: int
    worst_issues: list[Issue]
    waiting_changes: list[ChangeRequest]
    spent: Decimal
    reviews: dict[ReviewStatus, int]
    undated: list[Task]  # the first few tasks planned value leaves out; value.undated counts them all
    slipped: int = 0  # leaf tasks finishing after their baseline finish
    open_risks: int = 0
    high_risks: int = 0  # open risks scored high
    calendar: WorkCalendar = field(default_factory=WorkCalendar)  # the project's, for slips

    @property
    def remaining(self) -> Decimal | None:
        return None if self.project.budget is None else self.project.budget - self.spent


def leaf_tasks(project: Project) -> ColumnElement[bool]:
    """Leaf tasks, cancelled ones left out: the work that is actually done."""
    return leaf_tasks_of([project.id])


def work_items(db: Session, project: Project, *, baseline: bool = False) -> list[WorkItem]:
    """Every leaf task's figures, for a curve over the whole schedule (the final report draws one);
    with `baseline`, dated as the baseline promised (as planned now where it promised nothing)."""
    start, due = (
        (func.coalesce(Task.baseline_start, Task.start_date), func.coalesce(Task.baseline_due, Task.due_date))
        if baseline
        else (Task.start_date, Task.due_date)
    )
    rows = db.execute(
        select(Task.estimate_hours, Task.percent_complete, Task.status, start, due).where(leaf_tasks(project))
    )
    return [
        WorkItem(
            estimate,
            100 if status is TaskStatus.DONE else percent,
            planned_start(start, due, project.start_date),
            due,
        )
        for estimate, percent, status, start, due in rows
    ]


def milestone_forecasts(
    milestones: list[Milestone], paths: dict[int, date], *, closed: bool
) -> list[MilestoneForecast]:
    """Each open milestone forecast by the critical path through its own predecessors (`paths`),
    or at its own date when nothing comes before it.

    Reached milestones are not among them (the query leaves them out): they are neither late
    nor forecast. A closed project has no forecast at all.
    """
    return [MilestoneForecast(m, None if closed else paths.get(m.id, m.due_date)) for m in milestones]


@dataclass(frozen=True)
class Figures:
    """What the grouped queries found for a set of projects, by project id."""

    work: dict[int, LeafWork]
    budgets: dict[int, BudgetReport]
    milestones: dict[int, list[Milestone]]
    risks: dict[int, RiskFigures]
    issues: dict[int, IssueFigures]
    changes: dict[int, ChangeFigures]
    reviews: dict[int, dict[ReviewStatus, int]]
    overdue: dict[int, list[OverdueTask]]
    undated: dict[int, list[Task]]
    calendars: dict[int, WorkCalendar]
    paths: dict[int, dict[int, date]]  # per project, milestones forecast by their predecessors


def figures_of(db: Session, projects: Sequence[Project], today: date) -> Figures:
    ids = [project.id for project in projects]
    calendars = project_calendars(db, projects)
    work = leaf_work_of(db, ids, today, calendars)
    return Figures(
        work=work,
        budgets=budget_reports(db, projects),
        milestones=open_milestones_of(db, ids),
        risks=risks_of(db, ids),
        issues=issues_of(db, ids, today),
        changes=changes_of(db, ids),
        reviews=review_counts_of(db, ids),
        overdue=overdue_of(db, [i for i in ids if i in work and work[i].overdue], today),
        undated=undated_of(db, [i for i in ids if i in work and work[i].sums.undated]),
        calendars=calendars,
        paths=_paths(db, projects, calendars, today),
    )


def _paths(
    db: Session, projects: Sequence[Project], calendars: dict[int, WorkCalendar], today: date
) -> dict[int, dict[int, date]]:
    """Milestone forecasts, scheduled only for the projects that have milestones following tasks."""
    followed = followed_tasks(db, [project.id for project in projects if project.phase is not Phase.CLOSED])
    return {
        project.id: path_forecasts(db, project, followed[project.id], calendars[project.id], today)
        for project in projects
        if project.id in followed
    }


def build_statuses(db: Session, projects: Sequence[Project], today: date) -> dict[int, StatusReport]:
    """The status of each project as of `today`, in the same dozen queries however many there are.

    Views read it through models.status.snapshot, which builds it only when the project moved.
    """
    figures = figures_of(db, projects, today)
    return {project.id: _report(project, today, figures) for project in projects}


def _forecast_finish(project: Project, spi: float | None, calendar: WorkCalendar) -> date | None:
    """The project's forecast finish from its SPI; none once closed."""
    if project.phase is Phase.CLOSED:
        return None
    return forecast_finish(project.start_date, project.target_end_date, spi, calendar)


def _report(project: Project, today: date, figures: Figures) -> StatusReport:
    work = figures.work.get(project.id) or LeafWork(WorkSums(), 0, 0)
    budget = figures.budgets[project.id]
    spent = budget.spent  # every cost entry is in a category, planned or not
    value = earned_value_of(work.sums, budget=project.budget, spent=spent, method=project.eac_method)
    calendar = figures.calendars[project.id]
    finish = _forecast_finish(project, value.spi, calendar)
    milestones = milestone_forecasts(
        figures.milestones.get(project.id, []),
        figures.paths.get(project.id, {}),
        closed=project.phase is Phase.CLOSED,
    )
    risks = figures.risks.get(project.id) or RiskFigures(0, 0, [])
    remaining = work.sums.weighted_hours * (1 - value.earned_share) if work.sums.estimated else None
    issues = figures.issues.get(project.id) or IssueFigures({}, 0)
    changes = figures.changes.get(project.id) or ChangeFigures(0, [])
    facts = HealthFacts(
        late_milestones=sum(1 for m in milestones if m.late(today)),
        slipping_milestones=sum(1 for m in milestones if m.forecast and m.forecast > m.milestone.due_date),
        spi=value.spi,
        cpi=value.cpi,
        unanswered_red_risks=risks.unanswered_red,
        high_risks=risks.high,
        critical_issues=issues.by_severity.get(Severity.CRITICAL, 0),
        high_issues=issues.by_severity.get(Severity.HIGH, 0),
        overdue_tasks=work.overdue,
        overdue_issues=issues.overdue,
        budget=project.budget,
        spent=spent,
        categories_over_warning=sum(1 for line in budget.categories if line.warning),
    )
    return StatusReport(
        project=project,
        today=today,
        assessment=assess(facts),
        progress=Progress(work.done, work.sums.count, value.percent_complete, remaining),
        value=value,
        forecast_finish=finish,
        milestones=milestones[:NEXT_MILESTONES],
        overdue=figures.overdue.get(project.id, []),
        overdue_count=work.overdue,
        top_risks=risks.top,
        open_risks=risks.open,
        open_issues=sum(issues.by_severity.values()),
        pending_changes=changes.pending,
        worst_issues=issues.worst,
        waiting_changes=changes.waiting,
        spent=spent,
        reviews=figures.reviews.get(project.id, {}),
        undated=figures.undated.get(project.id, []),
        slipped=work.slipped,
        high_risks=risks.high,
        calendar=calendar,
    )
