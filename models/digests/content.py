"""What a project's weekly digest says: attention first, then the week's work, risks and money."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from models.changes.tables import ChangeRequest
from models.core.claims import claimed_rows
from models.core.enums import OPEN_TASK_STATUSES, ChangeStatus, Health, RiskStatus, TaskStatus
from models.core.grouped import first_rows_of_each, per_project
from models.core.id_lists import among
from models.core.records import HealthSnapshot
from models.projects.tables import CostEntry, Project
from models.risks.tables import Risk
from models.status.figures import TopRisk, leaf_tasks_of
from models.status.health import Reason
from models.status.report import StatusReport
from models.status.snapshot import statuses_of
from models.tasks.tables import Task
from models.trends.daily import week_ends
from models.trends.tables import TrendSnapshot

WEEK = timedelta(days=7)
SHOWN = 5


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class TaskLine(NamedTuple):
    """A task as a digest lists it: its number (for its key) and title."""

    number: int
    title: str


class RiskLine(NamedTuple):
    """A risk as a digest lists it: its number (for its key), title and score (for its level)."""

    number: int
    title: str
    score: int


@dataclass(frozen=True)
class Digest:
    project: Project
    week: str
    status: StatusReport
    previous_health: Health | None
    slipped: list[TaskLine]
    done: list[TaskLine]
    done_count: int
    due_next: list[TaskLine]
    new_risks: list[RiskLine]
    top_risks: list[RiskLine]
    decided_changes: list[ChangeRequest]
    spent_this_week: Decimal
    # The week's first and last daily snapshot (models.trends), once two days are kept.
    trend: tuple[TrendSnapshot, TrendSnapshot] | None = None

    @property
    def health(self) -> Health:
        return self.status.assessment.health

    @property
    def reasons(self) -> list[Reason]:
        return self.status.assessment.reasons

    @property
    def quiet(self) -> bool:
        """Nothing worth a manager's minute: green as before, and nothing happened or is coming."""
        return (
            self.health is Health.GREEN
            and self.previous_health in (None, Health.GREEN)
            and not (
                self.slipped or self.done_count or self.due_next or self.new_risks or self.decided_changes
            )
            and not self.spent_this_week
            and not self.status.pending_changes
        )


def week_start(project: Project, today: date) -> datetime:
    return datetime.combine(today - WEEK, time(0), tzinfo=ZoneInfo(project.timezone))


def weekly_digests(
    db: Session, projects: Sequence[Project], today: date, *, due_on: date | None = None
) -> dict[int, Digest]:
    """The digest of each project as of `today`, for the week of `due_on` (its scheduled day, when
    caught up later), in a fixed number of queries however many projects there are.

    The projects share a time zone (the week starts at the same moment for all of them): the
    digest pass groups them so.
    """
    if not projects:
        return {}
    if len({project.timezone for project in projects}) > 1:
        raise ValueError("a batch of digests is for projects of one time zone")
    ids = [project.id for project in projects]
    since = week_start(projects[0], today)
    week_of = due_on or today
    leaves = leaf_tasks_of(ids)
    open_leaves = (leaves, Task.status.in_(OPEN_TASK_STATUSES))
    done_in_week = (leaves, Task.status == TaskStatus.DONE, Task.done_at >= since)
    statuses = statuses_of(db, projects, today)
    previous = dict(
        db.execute(
            select(HealthSnapshot.project_id, HealthSnapshot.health).where(
                among(HealthSnapshot.project_id, ids), HealthSnapshot.week == iso_week(week_of - WEEK)
            )
        ).all()
    )
    slipped = _task_lines(db, ids, *open_leaves, Task.due_date > Task.baseline_due)
    done, done_count = _done_lines(db, ids, *done_in_week)
    due_next = _task_lines(db, ids, *open_leaves, Task.due_date >= today, Task.due_date < today + WEEK)
    new_risks = _risk_lines(db, ids, Risk.status == RiskStatus.OPEN, Risk.created_at >= since)
    decided = per_project(
        db.scalars(
            select(ChangeRequest)
            .where(
                among(ChangeRequest.project_id, ids),
                ChangeRequest.status.in_([ChangeStatus.APPROVED, ChangeStatus.REJECTED]),
                ChangeRequest.decided_at >= since,
            )
            .order_by(ChangeRequest.number)
        )
    )
    trends = week_ends(db, ids, today - WEEK, today)
    spent = dict(
        db.execute(
            select(CostEntry.project_id, func.sum(CostEntry.amount))
            .where(
                among(CostEntry.project_id, ids),
                CostEntry.spent_on > today - WEEK,
                CostEntry.spent_on <= today,
            )
            .group_by(CostEntry.project_id)
        ).all()
    )
    return {
        project.id: Digest(
            project=project,
            week=iso_week(week_of),
            status=statuses[project.id],
            previous_health=previous.get(project.id),
            slipped=slipped.get(project.id, []),
            done=done.get(project.id, []),
            done_count=done_count.get(project.id, 0),
            due_next=due_next.get(project.id, []),
            new_risks=new_risks.get(project.id, []),
            top_risks=_other_risks(statuses[project.id].top_risks, new_risks.get(project.id, [])),
            decided_changes=decided.get(project.id, []),
            spent_this_week=spent.get(project.id) or Decimal("0.00"),
            trend=trends.get(project.id),
        )
        for project in projects
    }


def _first_tasks(
    db: Session, ids: Sequence[int], extra: Sequence[SQLColumnExpression[Any]], *where: ColumnElement[bool]
) -> dict[int, list[Row[Any]]]:
    """The first few tasks of each project that meet `where`, soonest due first: their number,
    title, then `extra`."""
    columns = [Task.number, Task.title, *extra]
    order_by = [Task.due_date, Task.number]
    return first_rows_of_each(db, Task.project_id, columns, ids, *where, order_by=order_by, limit=SHOWN)


def _task_lines(db: Session, ids: Sequence[int], *where: ColumnElement[bool]) -> dict[int, list[TaskLine]]:
    found = _first_tasks(db, ids, [], *where)
    return {project_id: [TaskLine(*_shown(row)) for row in rows] for project_id, rows in found.items()}


def _done_lines(
    db: Session, ids: Sequence[int], *where: ColumnElement[bool]
) -> tuple[dict[int, list[TaskLine]], dict[int, int]]:
    """The first few tasks of each project that meet `where`, and how many meet it in all.

    The count rides on the list's own query, a window over each project's rows: a grouped
    query of its own scanned the same leaf tasks again only to count them.
    """
    found = _first_tasks(db, ids, [func.count().over(partition_by=Task.project_id)], *where)
    lines = {project_id: [TaskLine(*_shown(row)[:2]) for row in rows] for project_id, rows in found.items()}
    return lines, {project_id: int(rows[0][-1]) for project_id, rows in found.items()}


def _risk_lines(db: Session, ids: Sequence[int], *where: ColumnElement[bool]) -> dict[int, list[RiskLine]]:
    """The first few risks of each project that meet `where`, the highest scored first."""
    columns = [Risk.number, Risk.title, Risk.score.label("score")]
    order_by = [Risk.score.desc(), Risk.number]
    found = first_rows_of_each(db, Risk.project_id, columns, ids, *where, order_by=order_by, limit=SHOWN)
    return {project_id: [RiskLine(*_shown(row)) for row in rows] for project_id, rows in found.items()}


def _shown(row: Row[Any]) -> tuple[Any, ...]:
    return tuple(row)[1:]  # the project id leads each row


def _other_risks(top: Sequence[TopRisk], new: Sequence[RiskLine]) -> list[RiskLine]:
    """The status's top risks that the digest does not already list as new this week."""
    listed = {risk.number for risk in new}
    return [RiskLine(r.number, r.title, r.score) for r in top if r.number not in listed]


def keep_snapshots(db: Session, digests: Iterable[Digest]) -> None:
    """This week's health of each project, kept once, for next week's comparison and the portfolio chart.

    The rows go as parameters of one fixed statement: built into the statement, each batch made
    a new one to compile, which cost more than the insert. No status reads these rows, so
    skipping the session's hooks moves no revision that should have moved (models.core.revisions).
    """
    rows = [
        {
            "team_id": digest.project.team_id,
            "project_id": digest.project.id,
            "week": digest.week,
            "health": digest.health,
            "reasons": [reason.key for reason in digest.reasons],
        }
        for digest in digests
    ]
    if rows:
        claimed_rows(db, HealthSnapshot, rows, conflict=["project_id", "week"])


def health_history(db: Session, weeks: list[str]) -> dict[int, dict[str, Health]]:
    rows = db.execute(
        select(HealthSnapshot.project_id, HealthSnapshot.week, HealthSnapshot.health).where(
            HealthSnapshot.week.in_(weeks)
        )
    ).all()
    history: dict[int, dict[str, Health]] = {}
    for project_id, week, health in rows:
        history.setdefault(project_id, {})[week] = health
    return history
