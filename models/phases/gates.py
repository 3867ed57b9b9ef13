"""Phases and the gates between them.

A gate lists what a PMO would ask for before a project moves on, and the move is refused with
that list rather than made with gaps. A PMO administrator may override a gate, with a reason
that stays in the audit log.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.closing.closeout import as_of, release_team
from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import Phase
from models.core.errors import DomainError, InvalidError
from models.phases.checks import Gap, gate_report
from models.projects.tables import Project
from models.schedule.baseline import snapshot

ORDER = (Phase.INITIATION, Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING, Phase.CLOSED)


def next_phase(phase: Phase) -> Phase | None:
    index = ORDER.index(phase)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


def gate_gaps(db: Session, project: Project) -> list[Gap]:
    """What the project still lacks to leave its current phase."""
    return gate_report(db, project).gaps


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
    report = gate_report(db, project)
    gaps = report.gaps
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
        # An override names the checks it passed by, so the record says what was waived.
        after={"phase": target, "failed": [r.check for r in report.results if not r.passed]}
        if gaps
        else {"phase": target},
        reason=override_reason if gaps else None,
    )
    return gaps
