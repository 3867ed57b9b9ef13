"""Who may do what: the one place role checks live.

Every operation that changes a project asks `require(...)` first, whatever called it (a slash
command, a button, a modal, the console), so a rule changed here is changed everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Phase, Role
from models.errors import ForbiddenError, People
from models.project import Member, Project


@dataclass(frozen=True)
class Actor:
    """The person acting; `is_admin` comes from PMO_ADMINS, which the domain does not read."""

    user_id: str
    is_admin: bool = False


class Action(StrEnum):
    EDIT_CHARTER = "edit_charter"
    MOVE_PHASE = "move_phase"
    OVERRIDE_GATE = "override_gate"
    MANAGE_TEAM = "manage_team"
    PLAN_WORK = "plan_work"
    RAISE_RISK = "raise_risk"
    EDIT_RISK = "edit_risk"
    RAISE_ISSUE = "raise_issue"
    UPDATE_TASK = "update_task"
    REQUEST_CHANGE = "request_change"
    RECORD_MEETING = "record_meeting"
    SET_BUDGET = "set_budget"
    LOG_COST = "log_cost"
    EDIT_COMMS = "edit_comms"
    PLAN_QUALITY = "plan_quality"
    VIEW_PEOPLE = "view_people"
    CLOSE_PROJECT = "close_project"
    ADD_DOCUMENT = "add_document"
    RECORD_LESSON = "record_lesson"


MANAGERS = frozenset({Role.MANAGER})
TEAM = frozenset({Role.MANAGER, Role.MEMBER})
EVERYONE = frozenset(Role)

# Roles allowed beside PMO administrators, who may do everything. Anyone on the project may
# raise a risk: the person who sees it coming is rarely the manager.
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.EDIT_CHARTER: MANAGERS,
    Action.MOVE_PHASE: MANAGERS,
    Action.OVERRIDE_GATE: frozenset(),
    Action.MANAGE_TEAM: MANAGERS,
    Action.PLAN_WORK: TEAM,
    Action.RAISE_RISK: EVERYONE,
    Action.EDIT_RISK: TEAM,
    Action.RAISE_ISSUE: EVERYONE,
    Action.UPDATE_TASK: TEAM,
    Action.REQUEST_CHANGE: EVERYONE,
    Action.RECORD_MEETING: TEAM,
    Action.SET_BUDGET: MANAGERS,
    Action.LOG_COST: TEAM,
    Action.EDIT_COMMS: MANAGERS,
    Action.PLAN_QUALITY: TEAM,
    Action.VIEW_PEOPLE: frozenset(),
    Action.CLOSE_PROJECT: MANAGERS,
    Action.ADD_DOCUMENT: EVERYONE,
    Action.RECORD_LESSON: EVERYONE,
}


def role_of(db: Session, project: Project, user_id: str) -> Role | None:
    """The user's role on the project: the charter's manager is manager even before joining."""
    if project.manager_id == user_id:
        return Role.MANAGER
    return db.scalar(
        select(Member.role).where(
            Member.project_id == project.id, Member.user_id == user_id, Member.released_at.is_(None)
        )
    )


def may(db: Session, project: Project | None, actor: Actor, action: Action) -> bool:
    if actor.is_admin:
        return True
    if project is None:
        return False
    return role_of(db, project, actor.user_id) in ALLOWED[action]


def require(db: Session, project: Project | None, actor: Actor, action: Action) -> None:
    """Refuse, naming who can, unless `actor` may do `action` on `project`."""
    if may(db, project, actor, action):
        return
    roles = sorted(ALLOWED[action], key=list(Role).index)
    raise ForbiddenError(
        f"access.denied.{action.value}",
        roles=", ".join(roles),
        manager=People((project.manager_id,)) if project and project.manager_id else "",
    )


def require_open(project: Project) -> None:
    """Closed projects are the record of what happened: nothing in them changes."""
    if project.phase is Phase.CLOSED:
        raise ForbiddenError("access.closed", key=project.key)


def require_sponsor(project: Project, actor: Actor) -> None:
    """Deliverables are accepted by the project's sponsor (or a PMO administrator), nobody else."""
    if actor.is_admin or (project.sponsor_id is not None and actor.user_id == project.sponsor_id):
        return
    sponsor = People((project.sponsor_id,)) if project.sponsor_id else ""
    raise ForbiddenError("access.denied.accept_deliverable", sponsor=sponsor)


def require_visible(db: Session, project: Project, actor: Actor) -> None:
    """A project of a private channel is seen by its people and PMO administrators only."""
    if project.private and not actor.is_admin and role_of(db, project, actor.user_id) is None:
        raise ForbiddenError("access.private", key=project.key)
