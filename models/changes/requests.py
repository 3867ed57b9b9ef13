"""Change requests: raising one, with what it touches and who must decide it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.changes.tables import ChangeRequest, ChangeTarget
from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.enums import ChangeStatus
from models.core.errors import DomainError, InvalidError, check_all
from models.core.grouped import per_project
from models.core.id_lists import among
from models.core.keys import ItemKind, find_numbered, item_key, next_number, parse_item_key
from models.core.limits import DAYS, MONEY, column_limit, shifted
from models.projects.tables import Project
from models.schedule.milestones import find_milestone
from models.tasks.breakdown import find_task

TITLE_MAX = column_limit(ChangeRequest.title)


class ChangeForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    title: str
    description: str | None = None
    reason: str | None = None
    schedule_days: int = 0
    cost_impact: Decimal = Decimal(0)
    scope_impact: str | None = None
    targets: list[str] = []
    source_link: str | None = None


def change_key(project: Project, change: ChangeRequest) -> str:
    return item_key(project.key, ItemKind.CHANGE, change.number)


def needs_sponsor(project: Project, form: ChangeForm) -> bool:
    """Past either of the charter's thresholds, the sponsor decides too."""
    days, amount = project.change_threshold_days, project.change_threshold_amount
    return (days is not None and form.schedule_days > days) or (
        amount is not None and form.cost_impact > amount
    )


def _targets(db: Session, project: Project, keys: list[str]) -> tuple[list[ChangeTarget], list[InvalidError]]:
    targets, problems = [], []
    for key in keys:
        parsed = parse_item_key(key)
        try:
            if parsed is not None and parsed.kind is ItemKind.MILESTONE:
                targets.append(
                    ChangeTarget(team_id=project.team_id, milestone_id=find_milestone(db, project, key).id)
                )
            else:
                targets.append(ChangeTarget(team_id=project.team_id, task_id=find_task(db, project, key).id))
        except DomainError as error:
            problems.append(InvalidError(error.key, field="targets", **error.params))
    return targets, problems


def _end_date_problem(project: Project, form: ChangeForm) -> DomainError | None:
    """A schedule impact that would move the end date past the last date a database holds."""
    if project.target_end_date is None:
        return None
    try:
        shifted(project.target_end_date, form.schedule_days, field="schedule_days")
    except InvalidError as error:
        return error
    return None


def change_problems(db: Session, project: Project, form: ChangeForm) -> list[DomainError | None]:
    return [
        None
        if form.title and len(form.title) <= TITLE_MAX
        else InvalidError("changes.bad_title", field="title", limit=TITLE_MAX),
        None if form.schedule_days >= 0 else InvalidError("changes.negative_days", field="schedule_days"),
        DAYS.problem(form.schedule_days, "schedule_days") or _end_date_problem(project, form),
        MONEY.problem(form.cost_impact, "cost_impact"),
        *_targets(db, project, form.targets)[1],
    ]


def raise_change(*, db: Session, actor: Actor, project: Project, form: ChangeForm) -> ChangeRequest:
    require(db, project, actor, Action.REQUEST_CHANGE)
    require_open(project)
    check_all(*change_problems(db, project, form))
    targets, _ = _targets(db, project, form.targets)
    change = ChangeRequest(
        project_id=project.id,
        team_id=project.team_id,
        number=next_number(db, project, ItemKind.CHANGE),
        requested_by=actor.user_id,
        needs_sponsor=needs_sponsor(project, form),
        **form.model_dump(exclude={"targets"}),
    )
    db.add(change)
    db.flush()
    for target in targets:
        target.change_request_id = change.id
        db.add(target)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="change.request",
        subject=change_key(project, change),
        after=form.model_dump(exclude_none=True),
    )
    return change


def change_by_id(*, db: Session, change_id: int) -> ChangeRequest | None:
    """A request named by id after an answer; None once it is gone or of another workspace."""
    return db.get(ChangeRequest, change_id)


def find_change(db: Session, project: Project, key: str) -> ChangeRequest:
    return find_numbered(db, project, ChangeRequest, ItemKind.CHANGE, key=key, missing="changes.unknown_key")


def list_changes(db: Session, project: Project) -> list[ChangeRequest]:
    """Pending first (oldest first: they have waited longest), then the decided, newest first."""
    changes = db.scalars(select(ChangeRequest).where(ChangeRequest.project_id == project.id)).all()
    order = list(ChangeStatus)
    return sorted(
        changes,
        key=lambda c: (order.index(c.status), c.number if c.status is ChangeStatus.PENDING else -c.number),
    )


def pending_changes(db: Session, projects: Sequence[Project]) -> dict[int, list[ChangeRequest]]:
    """Each project's requests still waiting for a decision: what the reviews pass chases."""
    query = select(ChangeRequest).where(
        among(ChangeRequest.project_id, [project.id for project in projects]),
        ChangeRequest.status == ChangeStatus.PENDING,
    )
    return per_project(db.scalars(query.order_by(ChangeRequest.id)))
