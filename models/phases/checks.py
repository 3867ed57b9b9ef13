"""Named gate checks: what a gate may ask of a project's data before it leaves a phase.

The built-in gates are these checks in a fixed order per phase; a template names its own per
phase (`[[phases]]` in its file), and a project keeps the list it started with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from models.closing.checklist import checklist_of
from models.core.enums import Phase, TaskStatus
from models.core.records import AuditEntry
from models.projects.tables import BudgetLine, Project
from models.quality.tables import AcceptanceCriterion
from models.risks.register import count_risks
from models.risks.tables import Risk
from models.tasks.tables import Milestone, Task


class GateCheck(StrEnum):
    CHARTER_COMPLETE = "charter_complete"
    RISK_RAISED = "risk_raised"
    RISK_WITH_RESPONSE = "risk_with_response"
    TASKS_PLANNED = "tasks_planned"
    OWNERS_ASSIGNED = "owners_assigned"
    DUE_DATES_SET = "due_dates_set"
    MILESTONE_SET = "milestone_set"
    DELIVERABLES_HAVE_CRITERIA = "deliverables_have_criteria"
    BASELINE_SAVED = "baseline_saved"
    BUDGET_SET = "budget_set"
    BUDGET_SPLIT = "budget_split"
    CLOSING_CHECKLIST = "closing_checklist"


@dataclass(frozen=True)
class Gap:
    """One thing missing before a gate opens: a message key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


def _charter_complete(db: Session, project: Project) -> list[Gap]:
    wanted = {
        "goal": project.goal,
        "scope": project.scope_in,
        "sponsor": project.sponsor_id,
        "start_date": project.start_date,
        "target_end_date": project.target_end_date,
    }
    return [Gap(f"gate.missing.{name}") for name, value in wanted.items() if not value]


def _risk_raised(db: Session, project: Project) -> list[Gap]:
    return [] if count_risks(db, project) else [Gap("gate.missing.risk")]


def _risk_with_response(db: Session, project: Project) -> list[Gap]:
    answered = db.scalar(
        select(exists().where(Risk.project_id == project.id, func.length(Risk.response_actions) > 0))
    )
    return [] if answered else [Gap("gate.missing.risk_response")]


def _live_tasks(project: Project) -> Any:
    return select(func.count(Task.id)).where(
        Task.project_id == project.id, Task.status != TaskStatus.CANCELLED
    )


def _tasks_planned(db: Session, project: Project) -> list[Gap]:
    return [] if db.scalar(_live_tasks(project)) else [Gap("gate.missing.tasks")]


def _owners_assigned(db: Session, project: Project) -> list[Gap]:
    unowned = db.scalar(_live_tasks(project).where(Task.owner_id.is_(None)))
    return [Gap("gate.missing.owners", {"count": unowned})] if unowned else []


def _due_dates_set(db: Session, project: Project) -> list[Gap]:
    undated = db.scalar(_live_tasks(project).where(Task.due_date.is_(None)))
    return [Gap("gate.missing.due_dates", {"count": undated})] if undated else []


def _milestone_set(db: Session, project: Project) -> list[Gap]:
    milestones = db.scalar(select(func.count(Milestone.id)).where(Milestone.project_id == project.id))
    return [] if milestones else [Gap("gate.missing.milestone")]


def _has_lines(db: Session, project: Project) -> bool:
    return bool(db.scalar(select(exists().where(BudgetLine.project_id == project.id))))


def _budget_set(db: Session, project: Project) -> list[Gap]:
    return [] if project.budget or _has_lines(db, project) else [Gap("gate.missing.budget")]


def _budget_split(db: Session, project: Project) -> list[Gap]:
    return [] if _has_lines(db, project) else [Gap("gate.missing.budget_lines")]


def _deliverables_have_criteria(db: Session, project: Project) -> list[Gap]:
    tasks = db.execute(
        select(Task.id, exists().where(AcceptanceCriterion.task_id == Task.id)).where(
            Task.project_id == project.id, Task.is_deliverable, Task.status != TaskStatus.CANCELLED
        )
    ).all()
    milestones = db.execute(
        select(Milestone.id, exists().where(AcceptanceCriterion.milestone_id == Milestone.id)).where(
            Milestone.project_id == project.id, Milestone.is_deliverable
        )
    ).all()
    deliverables = [*tasks, *milestones]
    if not deliverables:
        return [Gap("gate.missing.deliverables")]
    without = sum(1 for _, has_criteria in deliverables if not has_criteria)
    return [Gap("gate.missing.criteria", {"count": without})] if without else []


def _baseline_saved(db: Session, project: Project) -> list[Gap]:
    saved = db.scalar(
        select(exists().where(AuditEntry.project_id == project.id, AuditEntry.action == "baseline.save"))
    )
    return [] if saved else [Gap("gate.missing.baseline")]


def _closing_checklist(db: Session, project: Project) -> list[Gap]:
    return [Gap(key, {"count": count}) for key, count in checklist_of(db, project).gaps().items()]


CHECKS: dict[GateCheck, Callable[[Session, Project], list[Gap]]] = {
    GateCheck.CHARTER_COMPLETE: _charter_complete,
    GateCheck.RISK_RAISED: _risk_raised,
    GateCheck.RISK_WITH_RESPONSE: _risk_with_response,
    GateCheck.TASKS_PLANNED: _tasks_planned,
    GateCheck.OWNERS_ASSIGNED: _owners_assigned,
    GateCheck.DUE_DATES_SET: _due_dates_set,
    GateCheck.MILESTONE_SET: _milestone_set,
    GateCheck.DELIVERABLES_HAVE_CRITERIA: _deliverables_have_criteria,
    GateCheck.BASELINE_SAVED: _baseline_saved,
    GateCheck.BUDGET_SET: _budget_set,
    GateCheck.BUDGET_SPLIT: _budget_split,
    GateCheck.CLOSING_CHECKLIST: _closing_checklist,
}

# The built-in gates, for a project without a template's own for its phase. The closing
# checklist itself (finish, cancel or carry over) happens in the closing phase.
BUILT_IN: dict[Phase, tuple[GateCheck, ...]] = {
    Phase.INITIATION: (GateCheck.CHARTER_COMPLETE, GateCheck.RISK_RAISED),
    Phase.PLANNING: (
        GateCheck.TASKS_PLANNED,
        GateCheck.OWNERS_ASSIGNED,
        GateCheck.DUE_DATES_SET,
        GateCheck.MILESTONE_SET,
        GateCheck.BUDGET_SET,
    ),
    Phase.EXECUTION: (),
    Phase.CLOSING: (GateCheck.CLOSING_CHECKLIST,),
}


@dataclass(frozen=True)
class CheckResult:
    check: GateCheck
    gaps: list[Gap]

    @property
    def passed(self) -> bool:
        return not self.gaps


@dataclass(frozen=True)
class GateReport:
    """Each check of the gate out of the project's phase, and whether its template set them."""

    results: list[CheckResult]
    from_template: bool

    @property
    def gaps(self) -> list[Gap]:
        return [gap for result in self.results for gap in result.gaps]


def gate_report(db: Session, project: Project) -> GateReport:
    chosen = (project.gate_checks or {}).get(project.phase.value)
    checks = BUILT_IN.get(project.phase, ()) if chosen is None else tuple(GateCheck(name) for name in chosen)
    return GateReport(
        [CheckResult(check, CHECKS[check](db, project)) for check in checks], chosen is not None
    )
