"""Acceptance: the sponsor accepts each deliverable, sends it back with a note, or waives it.

Sending back reopens the work and opens an issue carrying the sponsor's note, so what is
missing gets an owner; the deliverable then waits for acceptance again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.closing.checklist import key_of, title_of
from models.core.access import Actor, require_open, require_sponsor
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import Acceptance, TaskStatus
from models.core.errors import DomainError, InvalidError, check_all
from models.issues.log import raise_deliverable_issue
from models.issues.tables import Issue
from models.projects.tables import Project
from models.quality.plan import find_deliverable
from models.tasks.tables import Milestone, Task

SENT_BACK_ORIGIN = "sent_back"
# A reopened task is not done; it keeps most of its progress, the rework being the rest.
REOPENED_PERCENT = 90
NOTE_MAX = 2000


class Verdict(StrEnum):
    ACCEPT = "accept"
    SEND_BACK = "send_back"
    WAIVE = "waive"


RESULT = {
    Verdict.ACCEPT: Acceptance.ACCEPTED,
    Verdict.SEND_BACK: Acceptance.SENT_BACK,
    Verdict.WAIVE: Acceptance.WAIVED,
}


@dataclass(frozen=True)
class Accepted:
    key: str
    title: str
    verdict: Verdict
    owner_id: str | None
    issue: Issue | None


def project_deliverables(db: Session, project: Project) -> list[Task | Milestone]:
    """Deliverable tasks by number, then deliverable milestones by due date."""
    tasks = db.scalars(
        select(Task).where(Task.project_id == project.id, Task.is_deliverable).order_by(Task.number)
    )
    milestones = db.scalars(
        select(Milestone)
        .where(Milestone.project_id == project.id, Milestone.is_deliverable)
        .order_by(Milestone.due_date, Milestone.number)
    )
    return [*tasks, *milestones]


def is_finished(item: Task | Milestone) -> bool:
    if isinstance(item, Task):
        return item.status is TaskStatus.DONE
    return True  # a milestone is reached when its deliverable is accepted


def deliverable_for_decision(
    db: Session, project: Project, actor: Actor, key: str, verdict: Verdict
) -> Task | Milestone:
    """The deliverable `key` names, if the actor may decide it now; refused early, before a form opens."""
    require_sponsor(project, actor)
    require_open(project)
    item = find_deliverable(db, project, key)
    item_key = key_of(project, item)
    if item.acceptance in (Acceptance.ACCEPTED, Acceptance.WAIVED):
        raise DomainError(
            f"acceptance.already.{item.acceptance.value}", key=item_key, user=item.accepted_by or ""
        )
    if verdict is Verdict.ACCEPT and not is_finished(item):
        raise DomainError("acceptance.unfinished", key=item_key)
    return item


def _note_problem(verdict: Verdict, note: str | None) -> DomainError | None:
    if note and len(note) > NOTE_MAX:
        return InvalidError("acceptance.note_too_long", field="note", limit=NOTE_MAX)
    if verdict is not Verdict.ACCEPT and not note:
        return InvalidError(f"acceptance.note_needed.{verdict.value}", field="note")
    return None


def _reopen(item: Task | Milestone) -> None:
    if isinstance(item, Task):
        item.status = TaskStatus.IN_PROGRESS
        item.percent_complete = min(item.percent_complete, REOPENED_PERCENT)
        item.done_at = None
        item.disposition = None
    else:
        item.completed_on = None


def decide_deliverable(
    *,
    db: Session,
    actor: Actor,
    project: Project,
    key: str,
    verdict: Verdict,
    note: str | None,
    today: date,
    rework_title: Callable[[str, str], str],
) -> Accepted:
    """Record the sponsor's verdict; a deliverable sent back is reopened with an issue titled
    `rework_title(key, note)`, in the words of the project's language."""
    item = deliverable_for_decision(db, project, actor, key, verdict)
    note = note.strip() if note and note.strip() else None
    check_all(_note_problem(verdict, note))
    before = item.acceptance
    item.acceptance = RESULT[verdict]
    item.acceptance_note = note
    item.accepted_by = actor.user_id
    item.accepted_at = utcnow()
    issue = None
    if verdict is Verdict.SEND_BACK:
        _reopen(item)
        issue = raise_deliverable_issue(
            db,
            actor=actor,
            project=project,
            item=item,
            title=rework_title(key_of(project, item), note or ""),
            description=note or "",
            origin=SENT_BACK_ORIGIN,
        )
    elif isinstance(item, Milestone) and item.completed_on is None and verdict is Verdict.ACCEPT:
        item.completed_on = today
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action=f"deliverable.{verdict.value}",
        subject=key_of(project, item),
        before={"acceptance": before},
        after={"acceptance": item.acceptance, "as_admin": actor.user_id != project.sponsor_id},
        reason=note,
    )
    owner = item.owner_id if isinstance(item, Task) else project.manager_id
    return Accepted(key_of(project, item), title_of(item), verdict, owner, issue)
