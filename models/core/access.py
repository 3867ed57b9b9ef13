"""Who may do what: the one place role checks live.

Every operation that changes a project asks `require(...)` first, whatever called it (a slash
command, a button, a modal, the console), so a rule changed here is changed everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session, aliased

from models.core.enums import Phase, Role
from models.core.errors import ForbiddenError, People, Termed
from models.projects.tables import Member, Project

# Built once: an alias of a mapped class costs a couple of milliseconds to make, and every list
# of projects made one (two thirds of `/pmo projects`'s query, in the load benchmark's profile).
ARCHIVED = aliased(Project, name="archived")


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
    ANSWER_STANDUP = "answer_standup"
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
    READ_RECORDS = "read_records"
    SAVE_TEMPLATE = "save_template"
    IMPORT_PLAN = "import_plan"


MANAGERS = frozenset({Role.MANAGER})
TEAM = frozenset({Role.MANAGER, Role.MEMBER})
EVERYONE = frozenset(Role)

# Roles allowed beside PMO administrators, who may do everything. Anyone on the project may
# raise a risk: the person who sees it coming is rarely the manager.
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.EDIT_CHARTER: MANAGERS,
    Action.IMPORT_PLAN: MANAGERS,
    Action.MOVE_PHASE: MANAGERS,
    Action.OVERRIDE_GATE: frozenset(),
    Action.MANAGE_TEAM: MANAGERS,
    Action.PLAN_WORK: TEAM,
    Action.RAISE_RISK: EVERYONE,
    Action.EDIT_RISK: TEAM,
    Action.RAISE_ISSUE: EVERYONE,
    Action.UPDATE_TASK: TEAM,
    Action.ANSWER_STANDUP: TEAM,
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
    # Exports and audit history are the project's full record: for its team and sponsor.
    Action.READ_RECORDS: frozenset({Role.MANAGER, Role.MEMBER, Role.SPONSOR}),
    # A template is the PMO's standard for every project after this one: its administrators'.
    Action.SAVE_TEMPLATE: frozenset(),
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
        roles=Termed("role", roles),
        manager=People((project.manager_id,)) if project and project.manager_id else "",
    )


def require_reassign(db: Session, project: Project, actor: Actor, owner_id: str | None, key: str) -> None:
    """A member hands on only their own tasks; the manager and administrators any."""
    if actor.is_admin or owner_id == actor.user_id or role_of(db, project, actor.user_id) is Role.MANAGER:
        return
    manager = People((project.manager_id,)) if project.manager_id else ""
    raise ForbiddenError("access.denied.reassign", key=key, manager=manager)


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


def is_direct(place: str | None) -> bool:
    """A direct message with the bot: Slack's ids for those start with D."""
    return place is not None and place.startswith("D")


def on_team(db: Session, project: Project, user_id: str) -> bool:
    """On the project (its sponsor included); a closed project's released team still counts."""
    if role_of(db, project, user_id) is not None or user_id == project.sponsor_id:
        return True
    if project.phase is not Phase.CLOSED:
        return False
    member = select(Member.id).where(Member.project_id == project.id, Member.user_id == user_id)
    return db.scalar(member) is not None


def may_see(db: Session, project: Project, actor: Actor) -> bool:
    """A private project's records are for its team, its sponsor and PMO administrators."""
    return not project.private or actor.is_admin or on_team(db, project, actor.user_id)


def shows_private(place: str | None) -> bool:
    """Whether every private project may be shown here: DMs and Home (`place` None: Home, a modal)."""
    return place is None or is_direct(place)


def shown_in(project: Project, place: str | None) -> bool:
    """A private project is shown only in its own channel, DMs and Home (`place` None: Home, a modal)."""
    return not project.private or shows_private(place) or place == project.channel_id


def require_visible(db: Session, project: Project, actor: Actor, place: str | None = None) -> None:
    """Refuse unless `actor` may see the project's records, here (`place`, a channel id)."""
    if not may_see(db, project, actor):
        raise ForbiddenError("access.private", key=project.key)
    if not shown_in(project, place):
        raise ForbiddenError("access.private_elsewhere", key=project.key)


def visible_clause(actor: Actor, place: str | None = None) -> ColumnElement[bool]:
    """`require_visible` as a query condition on Project, for lists and searches."""
    here = true() if shows_private(place) else Project.channel_id == place
    if actor.is_admin:
        return Project.private.is_(False) | here
    closed = select(ARCHIVED.id).where(ARCHIVED.phase == Phase.CLOSED)
    team = select(Member.project_id).where(
        Member.user_id == actor.user_id, Member.released_at.is_(None) | Member.project_id.in_(closed)
    )
    people = (
        (Project.sponsor_id == actor.user_id) | (Project.manager_id == actor.user_id) | Project.id.in_(team)
    )
    return Project.private.is_(False) | (here & people)
