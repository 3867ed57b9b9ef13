"""The figures behind a status, for any number of projects: a grouped query each, summed in SQL.

Reading every task into Python, or a query per figure per project, made status and the digest
pass many times slower on big projects and big workspaces. Only the tasks under way today are
read one by one: their planned share counts working days, which need the calendar.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, FunctionElement, and_, case, func, select
from sqlalchemy.orm import Session

from models.budget.earned_value import WorkItem, WorkSums, planned_fractions
from models.calendar.working_days import WorkCalendar
from models.changes.tables import ChangeRequest
from models.core.enums import OPEN_TASK_STATUSES, ChangeStatus, IssueStatus, RiskStatus, Severity, TaskStatus
from models.core.grouped import ProjectIds, first_of_each, first_rows_of_each, per_project, ranked_of_each
from models.core.id_lists import among
from models.issues.tables import Issue
from models.projects.tables import Project
from models.risks.tables import Risk
from models.status.health import AMBER_RISK_SCORE, RED_RISK_SCORE
from models.tasks.leaves import leaves_of
from models.tasks.tables import Milestone, Task

TOP_RISKS = 3
OVERDUE_SHOWN = 5
ISSUES_SHOWN = 3
CHANGES_SHOWN = 3
UNDATED_SHOWN = 5


def leaf_tasks_of(ids: ProjectIds) -> ColumnElement[bool]:
    """Leaf tasks of these projects, cancelled ones left out: the work that is actually done."""
    return and_(among(Task.project_id, ids), Task.status != TaskStatus.CANCELLED, leaves_of(ids))


@dataclass(frozen=True)
class LeafWork:
    sums: WorkSums
    done: int
    overdue: int
    slipped: int = 0  # finishing after their baseline finish


def _sum(condition: ColumnElement[bool], value: object = 1) -> ColumnElement[float]:
    return func.coalesce(func.sum(case((condition, value), else_=None)), 0)


def _planned_start() -> ColumnElement[date]:
    """`planned_start` in SQL: the task's start, else the project's when it is not after the due date."""
    project_start = case((Project.start_date <= Task.due_date, Project.start_date), else_=None)
    return func.coalesce(Task.start_date, project_start)


def _under_way(
    db: Session, ids: ProjectIds, today: date, calendars: Mapping[int, WorkCalendar]
) -> dict[int, tuple[float, float]]:
    """The planned share of each task under way today, summed per project as (hours, unestimated).

    Working days need the calendar, which SQL has not got; only the tasks under way today are
    read, so a big plan still costs one row per task in progress, not per task.
    """
    start = _planned_start()
    rows = db.execute(
        select(Task.project_id, func.nullif(Task.estimate_hours, 0), start, Task.due_date)
        .join(Project, Project.id == Task.project_id)
        .where(leaf_tasks_of(ids), start <= today, Task.due_date > today)
    ).all()
    found: dict[int, tuple[float, float]] = {}
    for project_id, hours, share in _shares(rows, today, calendars):
        estimated, unestimated = found.get(project_id, (0.0, 0.0))
        found[project_id] = (
            (estimated + hours * share, unestimated) if hours else (estimated, unestimated + share)
        )
    return found


def _shares(
    rows: Sequence[Sequence[Any]], today: date, calendars: Mapping[int, WorkCalendar]
) -> Iterator[tuple[int, float | None, float]]:
    """Each row's project, hours and planned share, counted on its own project's calendar."""
    by_project: dict[int, list[tuple[float | None, date, date]]] = {}
    for row in rows:
        by_project.setdefault(row[0], []).append((row[1], row[2], row[3]))
    for project_id, own in by_project.items():
        items = [WorkItem(hours, 0, begins, due) for hours, begins, due in own]
        shares = planned_fractions(items, today, calendars[project_id])
        for (hours, _, _), share in zip(own, shares, strict=True):
            yield project_id, hours, share


def leaf_work_of(
    db: Session, ids: ProjectIds, today: date, calendars: Mapping[int, WorkCalendar]
) -> dict[int, LeafWork]:
    """Earned value's sums, progress and the overdue count of each project's leaf tasks."""
    effective = case((Task.status == TaskStatus.DONE, 100), else_=Task.percent_complete)
    hours = func.nullif(Task.estimate_hours, 0)  # no estimate and 0 both weigh as the average
    unestimated = hours.is_(None)
    planned_in_full = Task.due_date <= today
    rows = db.execute(
        select(
            Task.project_id,
            func.count(),
            func.count(hours),
            func.coalesce(func.sum(hours), 0),
            func.coalesce(func.sum(hours * effective), 0),
            _sum(unestimated, effective),
            _sum(planned_in_full, hours),
            _sum(and_(unestimated, planned_in_full)),
            _sum(effective >= 100),
            _sum(and_(Task.status.in_(OPEN_TASK_STATUSES), Task.due_date < today)),
            _sum(Task.due_date.is_(None)),
            _sum(Task.due_date > Task.baseline_due),
        )
        .where(leaf_tasks_of(ids))
        .group_by(Task.project_id)
    ).all()
    under_way = _under_way(db, ids, today, calendars)
    found = {}
    for (
        project_id,
        count,
        estimated,
        hours_sum,
        earned,
        earned_un,
        planned,
        planned_un,
        done,
        late,
        undated,
        slipped,
    ) in rows:
        partly, partly_un = under_way.get(project_id, (0.0, 0.0))
        sums = WorkSums(
            count=count,
            estimated=estimated,
            hours=float(hours_sum),
            earned_hours=float(earned) / 100,
            earned_unestimated=float(earned_un) / 100,
            planned_hours=float(planned) + partly,
            planned_unestimated=float(planned_un) + partly_un,
            undated=int(undated),
        )
        found[project_id] = LeafWork(sums, int(done), int(late), int(slipped))
    return found


def undated_of(db: Session, ids: ProjectIds) -> dict[int, list[Task]]:
    """The first few leaf tasks of each project without a due date, which planned value leaves out."""
    if not ids:
        return {}
    undated = (leaf_tasks_of(ids), Task.due_date.is_(None))
    return first_of_each(db, Task, ids, *undated, order_by=[Task.number], limit=UNDATED_SHOWN)


class OverdueTask(NamedTuple):
    """An overdue task as a status lists it: its number (for its key), title, owner and due date."""

    number: int
    title: str
    owner_id: str | None
    due_date: date


def overdue_of(db: Session, ids: ProjectIds, today: date) -> dict[int, list[OverdueTask]]:
    """The first few overdue leaf tasks of each project, most overdue first.

    Plain rows, not Task objects: a status only shows them, and a digest pass builds the
    status of a hundred projects at a time, where making whole tasks of them (every column,
    carried through the window's sort, then the identity map) cost more than finding them.
    """
    if not ids:
        return {}
    late = (leaf_tasks_of(ids), Task.status.in_(OPEN_TASK_STATUSES), Task.due_date < today)
    columns = [Task.number, Task.title, Task.owner_id, Task.due_date]
    order_by = [Task.due_date, Task.number]
    found = first_rows_of_each(
        db, Task.project_id, columns, ids, *late, order_by=order_by, limit=OVERDUE_SHOWN
    )
    return {project_id: [OverdueTask._make(row[1:]) for row in rows] for project_id, rows in found.items()}


def open_milestones_of(db: Session, ids: ProjectIds) -> dict[int, list[Milestone]]:
    """Open milestones, soonest first."""
    rows = db.scalars(
        select(Milestone)
        .where(among(Milestone.project_id, ids), Milestone.completed_on.is_(None))
        .order_by(Milestone.due_date, Milestone.number)
    )
    return per_project(rows)


def _count(condition: ColumnElement[bool]) -> FunctionElement[int]:
    """How many rows meet `condition`. A bare aggregate, unlike `_sum`'s COALESCE around one, so
    it can run as a window too (`ranked_of_each`'s totals)."""
    return func.count(case((condition, 1)))


class TopRisk(NamedTuple):
    """An open risk as a status lists it: its number (for its key), title and score."""

    number: int
    title: str
    score: int


@dataclass(frozen=True)
class RiskFigures:
    unanswered_red: int  # open, scored for red, without a response
    high: int  # open and scored high
    top: list[TopRisk]
    open: int = 0


def risks_of(db: Session, ids: ProjectIds) -> dict[int, RiskFigures]:
    """Open risks counted, and the top few, in one statement."""
    ranked = ranked_of_each(
        db,
        Risk,
        ids,
        Risk.status == RiskStatus.OPEN,
        order_by=[Risk.score.desc(), Risk.number],
        limit=TOP_RISKS,
        totals=[
            _count(and_(Risk.score >= RED_RISK_SCORE, Risk.strategy.is_(None))),
            _count(Risk.score >= AMBER_RISK_SCORE),
            func.count(),
        ],
    )
    return {
        project_id: RiskFigures(
            int(unanswered), int(high), [TopRisk(r.number, r.title, r.score) for r in risks.first], int(count)
        )
        for project_id, risks in ranked.items()
        for unanswered, high, count in [risks.totals]
    }


@dataclass(frozen=True)
class IssueFigures:
    by_severity: dict[Severity, int]
    overdue: int
    worst: list[Issue] = field(default_factory=list)  # the most severe, the longest-standing first


def issues_of(db: Session, ids: ProjectIds, today: date) -> dict[int, IssueFigures]:
    """Open issues by severity, how many of them are overdue, and the worst few, in one statement."""
    rank = case({severity: n for n, severity in enumerate(reversed(Severity))}, value=Issue.severity)
    ranked = ranked_of_each(
        db,
        Issue,
        ids,
        Issue.status == IssueStatus.OPEN,
        order_by=[rank, Issue.number],
        limit=ISSUES_SHOWN,
        totals=[
            _count(Issue.due_date < today),
            *(_count(Issue.severity == severity) for severity in Severity),
        ],
    )
    found = {}
    for project_id, issues in ranked.items():
        late, *counts = issues.totals
        by_severity = {
            severity: int(count) for severity, count in zip(Severity, counts, strict=True) if count
        }
        found[project_id] = IssueFigures(by_severity, int(late), issues.first)
    return found


@dataclass(frozen=True)
class ChangeFigures:
    pending: int
    waiting: list[ChangeRequest]  # the longest waiting first


def changes_of(db: Session, ids: ProjectIds) -> dict[int, ChangeFigures]:
    """Change requests waiting for a decision: how many, and the longest waiting, in one statement."""
    ranked = ranked_of_each(
        db,
        ChangeRequest,
        ids,
        ChangeRequest.status == ChangeStatus.PENDING,
        order_by=[ChangeRequest.created_at, ChangeRequest.number],
        limit=CHANGES_SHOWN,
        totals=[func.count()],
    )
    return {
        project_id: ChangeFigures(int(changes.totals[0]), changes.first)
        for project_id, changes in ranked.items()
    }
