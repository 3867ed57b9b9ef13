"""What a project's weekly digest says: attention first, then the week's work, risks and money."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.change import ChangeRequest
from models.claims import claim
from models.enums import ChangeStatus, Health, RiskStatus, TaskStatus
from models.health import Reason
from models.project import CostEntry, Project
from models.records import HealthSnapshot
from models.risk import Risk
from models.status import OPEN_TASK, StatusReport, leaf_tasks, status_of
from models.work import Task

WEEK = timedelta(days=7)
SHOWN = 5


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Digest:
    project: Project
    week: str
    status: StatusReport
    previous_health: Health | None
    slipped: list[Task]
    done: list[Task]
    done_count: int
    due_next: list[Task]
    new_risks: list[Risk]
    top_risks: list[Risk]
    decided_changes: list[ChangeRequest]
    spent_this_week: Decimal

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


def _tasks(db: Session, *conditions: object, limit: int = SHOWN) -> list[Task]:
    return list(db.scalars(select(Task).where(*conditions).order_by(Task.due_date, Task.number).limit(limit)))


def weekly_digest(db: Session, project: Project, today: date, *, due_on: date | None = None) -> Digest:
    """The digest as of `today`, for the week of `due_on` (its scheduled day, when caught up later)."""
    since = week_start(project, today)
    week_of = due_on or today
    week = iso_week(week_of)
    previous = db.scalar(
        select(HealthSnapshot.health).where(
            HealthSnapshot.project_id == project.id, HealthSnapshot.week == iso_week(week_of - WEEK)
        )
    )
    status = status_of(db, project, today)
    leaves = leaf_tasks(project)
    new_risks = list(
        db.scalars(
            select(Risk)
            .where(Risk.project_id == project.id, Risk.status == RiskStatus.OPEN, Risk.created_at >= since)
            .order_by(Risk.score.desc())
            .limit(SHOWN)
        )
    )
    done_in_week = (leaves, Task.status == TaskStatus.DONE, Task.done_at >= since)
    return Digest(
        project=project,
        week=week,
        status=status,
        previous_health=previous,
        slipped=_tasks(db, leaves, Task.status.in_(OPEN_TASK), Task.due_date > Task.baseline_due),
        done=_tasks(db, *done_in_week),
        done_count=db.scalar(select(func.count()).select_from(Task).where(*done_in_week)) or 0,
        due_next=_tasks(
            db, leaves, Task.status.in_(OPEN_TASK), Task.due_date >= today, Task.due_date < today + WEEK
        ),
        new_risks=new_risks,
        top_risks=[risk for risk in status.top_risks if risk not in new_risks],
        decided_changes=list(
            db.scalars(
                select(ChangeRequest).where(
                    ChangeRequest.project_id == project.id,
                    ChangeRequest.status.in_([ChangeStatus.APPROVED, ChangeStatus.REJECTED]),
                    ChangeRequest.decided_at >= since,
                )
            )
        ),
        spent_this_week=db.scalar(
            select(func.sum(CostEntry.amount)).where(
                CostEntry.project_id == project.id,
                CostEntry.spent_on > today - WEEK,
                CostEntry.spent_on <= today,
            )
        )
        or Decimal("0.00"),
    )


def keep_snapshot(db: Session, project: Project, digest: Digest) -> None:
    """This week's health, kept once, for next week's comparison and the portfolio chart."""
    claim(
        db,
        HealthSnapshot,
        {
            "team_id": project.team_id,
            "project_id": project.id,
            "week": digest.week,
            "health": digest.health,
            "reasons": [reason.key for reason in digest.reasons],
        },
        conflict=["project_id", "week"],
    )


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
