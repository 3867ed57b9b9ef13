"""What one person has on their plate across the workspace: their tasks and their decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from models.changes.tables import ChangeDecision, ChangeRequest
from models.closing.checklist import UNSETTLED
from models.core.enums import OPEN_TASK_STATUSES, ChangeStatus, Phase, TaskStatus
from models.core.keys import ItemKind, item_key
from models.projects.tables import Project
from models.tasks.tables import Milestone, Task

# A deliverable sent back and finished again waits for the sponsor once more.


@dataclass(frozen=True)
class Waiting:
    """A decision someone is waiting for: a change request to decide or a deliverable to accept."""

    project: Project
    kind: str
    number: int
    title: str


@dataclass(frozen=True)
class OpenTask:
    """One of a person's open tasks, as their Home tab lists it."""

    key: str
    title: str
    due_date: date | None
    status: TaskStatus


def my_open_tasks(db: Session, user_id: str, today: date, limit: int) -> list[OpenTask]:
    """Open tasks owned by `user_id` in open projects, overdue first, then by due date.

    Only what is shown of them: whole task and project rows, every column made into objects,
    cost half again as much as the rest of the query, on every Home tab refresh.
    """
    overdue_first = and_(Task.due_date.is_not(None), Task.due_date < today)
    rows = db.execute(
        select(Project.key, Task.number, Task.title, Task.due_date, Task.status)
        .join(Task, Task.project_id == Project.id)
        .where(Task.owner_id == user_id, Task.status.in_(OPEN_TASK_STATUSES), Project.phase != Phase.CLOSED)
        .order_by(overdue_first.desc(), Task.due_date.is_(None), Task.due_date, Project.key, Task.number)
        .limit(limit)
    ).all()
    return [
        OpenTask(item_key(key, ItemKind.TASK, number), title, due, status)
        for key, number, title, due, status in rows
    ]


def changes_to_decide(db: Session, user_id: str) -> list[Waiting]:
    """Pending change requests where the user decides and has not yet."""
    already = exists().where(
        ChangeDecision.change_request_id == ChangeRequest.id, ChangeDecision.user_id == user_id
    )
    rows = db.execute(
        select(Project, ChangeRequest)
        .join(ChangeRequest, ChangeRequest.project_id == Project.id)
        .where(
            ChangeRequest.status == ChangeStatus.PENDING,
            ChangeRequest.requested_by != user_id,  # nobody decides their own request
            or_(
                Project.manager_id == user_id,
                and_(
                    Project.sponsor_id == user_id,
                    ChangeRequest.needs_sponsor.is_(True)
                    | (ChangeRequest.requested_by == Project.manager_id),
                ),
            ),
            ~already,
        )
        .order_by(ChangeRequest.created_at)
    ).all()
    return [Waiting(project, "change", change.number, change.title) for project, change in rows]


def deliverables_to_accept(db: Session, user_id: str) -> list[Waiting]:
    """Finished deliverables of projects the user sponsors, still waiting for acceptance."""
    tasks = db.execute(
        select(Project, Task)
        .join(Task, Task.project_id == Project.id)
        .where(
            Project.sponsor_id == user_id,
            Task.is_deliverable.is_(True),
            Task.status == TaskStatus.DONE,
            Task.acceptance.in_(UNSETTLED),
        )
        .order_by(Project.key, Task.number)
    ).all()
    milestones = db.execute(
        select(Project, Milestone)
        .join(Milestone, Milestone.project_id == Project.id)
        .where(
            Project.sponsor_id == user_id,
            Milestone.is_deliverable.is_(True),
            Milestone.completed_on.is_not(None),
            Milestone.acceptance.in_(UNSETTLED),
        )
        .order_by(Project.key, Milestone.number)
    ).all()
    return [Waiting(project, "task", task.number, task.title) for project, task in tasks] + [
        Waiting(project, "milestone", milestone.number, milestone.name) for project, milestone in milestones
    ]
