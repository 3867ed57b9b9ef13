"""The closing checklist: what is still open when a project closes, and what its last gate counts.

The checklist and the gate into `closed` read the same lists, so the post people click through
and the refusal `/pmo phase closed` gives can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, not_, select
from sqlalchemy.orm import Session

from models.changes.tables import ChangeRequest
from models.closing.closing_items import open_closing_items
from models.core.enums import OPEN_TASK_STATUSES, Acceptance, ChangeStatus, IssueStatus, RiskStatus
from models.core.keys import ItemKind, item_key
from models.issues.tables import Issue
from models.projects.tables import Project
from models.risks.tables import Risk
from models.tasks.leaves import is_leaf
from models.tasks.tables import Milestone, Task

UNSETTLED = (Acceptance.PENDING, Acceptance.SENT_BACK)

Item = Task | Issue | Risk | Milestone | ChangeRequest
KINDS: dict[type[Any], ItemKind] = {
    Task: ItemKind.TASK,
    Issue: ItemKind.ISSUE,
    Risk: ItemKind.RISK,
    Milestone: ItemKind.MILESTONE,
    ChangeRequest: ItemKind.CHANGE,
}


def key_of(project: Project, item: Item) -> str:
    return item_key(project.key, KINDS[type(item)], item.number)


def title_of(item: Item) -> str:
    return item.name if isinstance(item, Milestone) else item.title


@dataclass(frozen=True)
class Checklist:
    """Open items by kind. Milestones not reached are listed but do not hold the gate."""

    tasks: list[Task]
    issues: list[Issue]
    risks: list[Risk]
    changes: list[ChangeRequest]
    deliverables: list[Task | Milestone]
    milestones: list[Milestone]
    # The PMO's own items from the project's template, not ticked yet: (number, text).
    pmo_items: list[tuple[int, str]]

    def gaps(self) -> dict[str, int]:
        """What the gate into `closed` still waits for: message key → how many."""
        counts = {
            "gate.missing.changes_decided": len(self.changes),
            "gate.missing.acceptance": len(self.deliverables),
            "gate.missing.open_tasks": len(self.tasks),
            "gate.missing.open_issues": len(self.issues),
            "gate.missing.open_risks": len(self.risks),
            "gate.missing.closing.items": len(self.pmo_items),
        }
        return {key: count for key, count in counts.items() if count}

    @property
    def clear(self) -> bool:
        return not self.gaps()


def _all(db: Session, query: Any) -> list[Any]:
    return list(db.scalars(query))


def checklist_of(db: Session, project: Project) -> Checklist:
    """Everything still open, in key order; parents of tasks roll up their leaves, so only leaves count."""
    tasks = _all(
        db,
        select(Task)
        .where(
            Task.project_id == project.id,
            Task.status.in_(OPEN_TASK_STATUSES),
            Task.disposition.is_(None),
            is_leaf(project),
        )
        .order_by(Task.number),
    )
    issues = _all(
        db,
        select(Issue)
        .where(Issue.project_id == project.id, Issue.status == IssueStatus.OPEN, Issue.disposition.is_(None))
        .order_by(Issue.number),
    )
    risks = _all(
        db,
        select(Risk)
        .where(Risk.project_id == project.id, Risk.status == RiskStatus.OPEN, Risk.disposition.is_(None))
        .order_by(Risk.number),
    )
    changes = _all(
        db,
        select(ChangeRequest)
        .where(ChangeRequest.project_id == project.id, ChangeRequest.status == ChangeStatus.PENDING)
        .order_by(ChangeRequest.number),
    )
    deliverable_tasks = _all(
        db,
        select(Task)
        .where(Task.project_id == project.id, Task.is_deliverable, Task.acceptance.in_(UNSETTLED))
        .order_by(Task.number),
    )
    waiting = and_(Milestone.is_deliverable, Milestone.acceptance.in_(UNSETTLED))
    deliverable_milestones = _all(
        db, select(Milestone).where(Milestone.project_id == project.id, waiting).order_by(Milestone.number)
    )
    # A deliverable waiting for acceptance is listed once, with the sponsor's buttons.
    unreached = _all(
        db,
        select(Milestone)
        .where(Milestone.project_id == project.id, Milestone.completed_on.is_(None), not_(waiting))
        .order_by(Milestone.due_date, Milestone.number),
    )
    return Checklist(
        tasks=tasks,
        issues=issues,
        risks=risks,
        changes=changes,
        deliverables=[*deliverable_tasks, *deliverable_milestones],
        milestones=unreached,
        pmo_items=open_closing_items(project),
    )
