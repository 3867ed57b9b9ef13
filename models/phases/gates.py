"""Phases and the gates between them.

A gate lists what a PMO would ask for before a project moves on, and the move is refused with
that list rather than made with gaps. A PMO administrator may override a gate, with a reason
that stays in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.closing.checklist import checklist_of
from models.closing.closeout import as_of, release_team
from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import Phase, TaskStatus
from models.core.errors import DomainError, InvalidError
from models.projects.tables import BudgetLine, Project
from models.risks.register import count_risks
from models.schedule.baseline import snapshot
from models.tasks.tables import Milestone, Task

ORDER = (Phase.INITIATION, Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING, Phase.CLOSED)


@dataclass(frozen=True)
class Gap:
    """One thing missing before a gate opens: a message key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


def next_phase(phase: Phase) -> Phase | None:
    index = ORDER.index(phase)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


def _initiation_gaps(db: Session, project: Project) -> list[Gap]:
    wanted = {
        "goal": project.goal,
        "scope": project.scope_in,
        "sponsor": project.sponsor_id,
        "start_date": project.start_date,
        "target_end_date": project.target_end_date,
    }
    gaps = [Gap(f"gate.missing.{name}") for name, value in wanted.items() if not value]
    if count_risks(db, project) == 0:
        gaps.append(Gap("gate.missing.risk"))
    return gaps


def _planning_gaps(db: Session, project: Project) -> list[Gap]:
    tasks = db.execute(
        select(
            func.count(Task.id),
            func.count(Task.id).filter(Task.owner_id.is_(None)),
            func.count(Task.id).filter(Task.due_date.is_(None)),
        ).where(Task.project_id == project.id, Task.status != TaskStatus.CANCELLED)
    ).one()
    total, unowned, undated = tasks
    gaps: list[Gap] = []
    if total == 0:
        gaps.append(Gap("gate.missing.tasks"))
    if unowned:
        gaps.append(Gap("gate.missing.owners", {"count": unowned}))
    if undated:
        gaps.append(Gap("gate.missing.due_dates", {"count": undated}))
    if not db.scalar(select(func.count(Milestone.id)).where(Milestone.project_id == project.id)):
        gaps.append(Gap("gate.missing.milestone"))
    has_lines = db.scalar(select(func.count(BudgetLine.id)).where(BudgetLine.project_id == project.id))
    if not project.budget and not has_lines:
        gaps.append(Gap("gate.missing.budget"))
    return gaps


def _execution_gaps(db: Session, project: Project) -> list[Gap]:
    # The closing checklist itself (finish, cancel or carry over) happens in the closing phase.
    return []


def _closing_gaps(db: Session, project: Project) -> list[Gap]:
    return [Gap(key, {"count": count}) for key, count in checklist_of(db, project).gaps().items()]


GATES: dict[Phase, Callable[[Session, Project], list[Gap]]] = {
    Phase.INITIATION: _initiation_gaps,
    Phase.PLANNING: _planning_gaps,
    Phase.EXECUTION: _execution_gaps,
    Phase.CLOSING: _closing_gaps,
}


def gate_gaps(db: Session, project: Project) -> list[Gap]:
    """What the project still lacks to leave its current phase."""
    gate = GATES.get(project.phase)
    return gate(db, project) if gate else []


class GateClosedError(DomainError):
    """The gate found gaps; they are listed instead of moving."""

    def __init__(self, project: Project, target: Phase, gaps: list[Gap]) -> None:
        super().__init__("gate.closed", key=project.key, phase=target.value)
        self.gaps = gaps
        self.target = target


def move_phase(
    *, db: Session, actor: Actor, project: Project, target: Phase, override_reason: str | None = None
) -> list[Gap]:
    """Move to the next phase; returns the gaps overridden (empty when the gate was clear)."""
    require(db, project, actor, Action.MOVE_PHASE)
    require_open(project)
    expected = next_phase(project.phase)
    if target != expected:
        raise InvalidError(
            "gate.not_next",
            current=project.phase.value,
            given=target.value,
            expected=expected.value if expected else "",
        )
    gaps = gate_gaps(db, project)
    if gaps and override_reason is None:
        raise GateClosedError(project, target, gaps)
    if gaps and override_reason is not None:
        require(db, project, actor, Action.OVERRIDE_GATE)
        if not override_reason.strip():
            raise InvalidError("gate.override_needs_reason")
    before = project.phase
    project.phase = target
    if target is Phase.EXECUTION:  # the plan the team now works to is the promise
        snapshot(db, actor, project, reason=target.value)
    if target is Phase.CLOSED:
        project.closed_at = utcnow()
        release_team(db, project, as_of(project))
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="phase.override" if gaps else "phase.move",
        subject=project.key,
        before={"phase": before},
        after={"phase": target},
        reason=override_reason if gaps else None,
    )
    return gaps
