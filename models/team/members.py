"""The team: who is on a project, in which role, with how much of their time, and their load.

Load is open estimated work due within the next few weeks against the hours the person's
allocation gives the project; allocation is compared across every open project of the
workspace, because over-commitment is a portfolio problem no single project can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import OPEN_TASK_STATUSES, Phase, Role
from models.core.errors import DomainError, InvalidError, check_all
from models.core.grouped import ProjectIds, per_project
from models.core.id_lists import among
from models.core.limits import PERCENT_MAX
from models.projects.tables import Member, Project
from models.tasks.leaves import is_leaf
from models.tasks.tables import Task

LOAD_WEEKS = 4
DEFAULT_CAPACITY_HOURS = 40.0


def member_of(db: Session, project: Project, user_id: str) -> Member | None:
    return db.scalar(select(Member).where(Member.project_id == project.id, Member.user_id == user_id))


def ensure_role(db: Session, project: Project, user_id: str, role: Role) -> Member:
    """Put `user_id` on the team in `role`, re-seating someone released earlier."""
    member = member_of(db, project, user_id)
    if member is None:
        member = Member(project_id=project.id, team_id=project.team_id, user_id=user_id, role=role)
        db.add(member)
    member.role = role
    member.released_at = None
    db.flush()
    return member


TEAM_ORDER = [Role.MANAGER, Role.SPONSOR, Role.MEMBER, Role.STAKEHOLDER]


def active_members(db: Session, project: Project) -> list[Member]:
    return active_members_of(db, [project.id]).get(project.id, [])


def active_members_of(db: Session, project_ids: ProjectIds) -> dict[int, list[Member]]:
    """Each project's team as it stands, manager first, in one query for all of them."""
    members = db.scalars(
        select(Member).where(among(Member.project_id, project_ids), Member.released_at.is_(None))
    )
    return {
        project_id: sorted(
            team, key=lambda member: (TEAM_ORDER.index(member.role), member.created_at, member.id)
        )
        for project_id, team in per_project(members).items()
    }


def not_on_team(
    db: Session, project: Project, user_id: str | None, field: str = "owner_id"
) -> DomainError | None:
    """Work and risks are owned by the team: refuse someone who is not on it."""
    if user_id is None or user_id == project.manager_id:
        return None
    if user_id in {member.user_id for member in active_members(db, project)}:
        return None
    return InvalidError("team.owner_not_in_team", field=field, user=user_id)


@dataclass(frozen=True)
class Allocation:
    """What a member gives a project; None leaves the current value as it is."""

    percent: int | None = None
    allocated_from: date | None = None
    allocated_to: date | None = None
    weekly_capacity_hours: float | None = None


def _allocation_problems(allocation: Allocation) -> list[InvalidError | None]:
    problems: list[InvalidError | None] = []
    if allocation.percent is not None and not 1 <= allocation.percent <= PERCENT_MAX:
        problems.append(InvalidError("team.bad_allocation", field="allocation", given=allocation.percent))
    hours = allocation.weekly_capacity_hours
    if hours is not None and not 0 < hours <= 168:
        problems.append(InvalidError("team.bad_capacity", field="capacity", given=hours))
    start, end = allocation.allocated_from, allocation.allocated_to
    if start and end and end < start:
        problems.append(InvalidError("team.allocation_ends_before_start", field="allocated_to"))
    return problems


def _apply(member: Member, allocation: Allocation) -> dict[str, object]:
    values: dict[str, object] = {
        "allocation_pct": allocation.percent,
        "allocated_from": allocation.allocated_from,
        "allocated_to": allocation.allocated_to,
        "weekly_capacity_hours": allocation.weekly_capacity_hours,
    }
    applied = {name: value for name, value in values.items() if value is not None}
    for name, value in applied.items():
        setattr(member, name, value)
    return applied


@dataclass(frozen=True)
class Added:
    member: Member
    was: Role | None  # the role it replaced, when they were on the team in another one


def add_member(
    *,
    db: Session,
    actor: Actor,
    project: Project,
    user_id: str,
    role: Role,
    responsibility: str | None = None,
    allocation: Allocation | None = None,
) -> Added:
    require(db, project, actor, Action.MANAGE_TEAM)
    require_open(project)
    allocation = allocation or Allocation()
    check_all(*_allocation_problems(allocation))
    seated = member_of(db, project, user_id)
    was = seated.role if seated is not None and seated.released_at is None else None
    if was is role:
        # A second add silently overwrote share and responsibility; `team alloc` changes those.
        raise InvalidError("team.already_on_team", field="user", user=user_id)
    member = ensure_role(db, project, user_id, role)
    if responsibility:
        member.responsibility = responsibility
    applied = _apply(member, allocation)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="team.add",
        subject=user_id,
        after={"role": role, "responsibility": responsibility, **applied},
    )
    return Added(member, was)


def allocate(*, db: Session, actor: Actor, project: Project, user_id: str, allocation: Allocation) -> Member:
    require(db, project, actor, Action.MANAGE_TEAM)
    require_open(project)
    member = member_of(db, project, user_id)
    if member is None or member.released_at is not None:
        raise InvalidError("team.not_member", field="user", user=user_id)
    check_all(*_allocation_problems(allocation))
    before = {
        "allocation_pct": member.allocation_pct,
        "allocated_from": member.allocated_from,
        "allocated_to": member.allocated_to,
        "weekly_capacity_hours": member.weekly_capacity_hours,
    }
    applied = _apply(member, allocation)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="team.allocate",
        subject=user_id,
        before={name: before[name] for name in applied},
        after=applied,
    )
    return member


def remove_member(*, db: Session, actor: Actor, project: Project, user_id: str) -> Member:
    """Release someone from the team; their row stays, so history still names them."""
    require(db, project, actor, Action.MANAGE_TEAM)
    require_open(project)
    if user_id == project.manager_id:
        raise InvalidError("team.remove_manager", field="user", user=user_id)
    member = member_of(db, project, user_id)
    if member is None or member.released_at is not None:
        raise InvalidError("team.not_member", field="user", user=user_id)
    member.released_at = utcnow()
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="team.remove",
        subject=user_id,
        before={"role": member.role},
    )
    return member


# -- allocation and load


def _active_on(day: date) -> ColumnElement[bool]:
    return and_(
        Member.released_at.is_(None),
        or_(Member.allocated_from.is_(None), Member.allocated_from <= day),
        or_(Member.allocated_to.is_(None), Member.allocated_to >= day),
    )


def workspace_allocations(db: Session, today: date, user_ids: list[str] | None = None) -> dict[str, int]:
    """Each person's allocation summed over the open projects of the workspace, today."""
    query = (
        select(Member.user_id, func.sum(Member.allocation_pct))
        .join(Project, Project.id == Member.project_id)
        .where(Project.phase != Phase.CLOSED, _active_on(today), Member.role.in_([Role.MANAGER, Role.MEMBER]))
        .group_by(Member.user_id)
    )
    if user_ids is not None:
        query = query.where(Member.user_id.in_(user_ids))
    return {user: int(total or 0) for user, total in db.execute(query)}


def open_hours_due(db: Session, project: Project, horizon: date) -> dict[str, float]:
    """Estimated hours of each owner's open leaf tasks due by `horizon` (overdue ones included)."""
    query = (
        select(Task.owner_id, func.sum(Task.estimate_hours))
        .where(
            Task.project_id == project.id,
            Task.owner_id.is_not(None),
            Task.status.in_(OPEN_TASK_STATUSES),
            Task.due_date <= horizon,
            is_leaf(project),
        )
        .group_by(Task.owner_id)
    )
    return {owner: float(hours or 0) for owner, hours in db.execute(query) if owner is not None}


@dataclass(frozen=True)
class Load:
    member: Member
    hours_due: float
    capacity_hours: float
    workspace_allocation: int

    @property
    def over_capacity(self) -> bool:
        return self.hours_due > self.capacity_hours

    @property
    def over_allocated(self) -> bool:
        return self.workspace_allocation > 100


def capacity_hours(member: Member, weeks: int = LOAD_WEEKS) -> float:
    return member.weekly_capacity_hours * member.allocation_pct / 100 * weeks


def team_loads(db: Session, project: Project, today: date) -> list[Load]:
    """Every active member with their load, in three queries whatever the team's size."""
    members = active_members(db, project)
    hours = open_hours_due(db, project, today + timedelta(weeks=LOAD_WEEKS))
    allocations = workspace_allocations(db, today, [member.user_id for member in members])
    return [
        Load(
            member=member,
            hours_due=hours.get(member.user_id, 0.0),
            capacity_hours=capacity_hours(member),
            workspace_allocation=allocations.get(member.user_id, 0),
        )
        for member in members
    ]


def load_of(db: Session, project: Project, user_id: str, today: date) -> Load | None:
    return next((load for load in team_loads(db, project, today) if load.member.user_id == user_id), None)


def overload_flags(load: Load | None) -> frozenset[str]:
    """What is wrong with a load: over capacity, over-allocated, or nothing."""
    if load is None:
        return frozenset()
    flags = set()
    if load.over_capacity:
        flags.add("over_capacity")
    if load.over_allocated:
        flags.add("over_allocated")
    return frozenset(flags)


@dataclass(frozen=True)
class PersonAllocation:
    user_id: str
    total: int
    projects: list[tuple[str, Role, int]]


def people_allocations(db: Session, *, actor: Actor, today: date) -> list[PersonAllocation]:
    """Everyone on an open project of the workspace with their allocation to each (administrators)."""
    require(db, None, actor, Action.VIEW_PEOPLE)
    rows = db.execute(
        select(Member.user_id, Project.key, Member.role, Member.allocation_pct)
        .join(Project, Project.id == Member.project_id)
        .where(Project.phase != Phase.CLOSED, _active_on(today))
        .order_by(Member.user_id, Project.key)
    ).all()
    people: dict[str, PersonAllocation] = {}
    for user_id, key, role, pct in rows:
        person = people.setdefault(user_id, PersonAllocation(user_id, 0, []))
        counted = pct if role in (Role.MANAGER, Role.MEMBER) else 0
        projects = [*person.projects, (key, role, pct)]
        people[user_id] = PersonAllocation(user_id, person.total + counted, projects)
    return sorted(people.values(), key=lambda person: (-person.total, person.user_id))
