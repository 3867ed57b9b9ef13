"""Milestones: the dates a project promises, with their baseline kept for comparison."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.errors import InvalidError, NotFoundError, check_all
from models.core.keys import ItemKind, item_key, next_number, parse_item_key
from models.core.limits import column_limit
from models.projects.tables import Project
from models.tasks.tables import Milestone

NAME_MAX = column_limit(Milestone.name)


def milestone_key(project: Project, milestone: Milestone) -> str:
    return item_key(project.key, ItemKind.MILESTONE, milestone.number)


def add_milestone(
    *, db: Session, actor: Actor, project: Project, name: str, due: date, deliverable: bool = False
) -> Milestone:
    require(db, project, actor, Action.PLAN_WORK)
    require_open(project)
    name = name.strip()
    check_all(
        None
        if name and len(name) <= NAME_MAX
        else InvalidError("milestones.bad_name", field="name", limit=NAME_MAX),
        InvalidError("milestones.before_start", field="due", start=project.start_date)
        if project.start_date and due < project.start_date
        else None,
    )
    milestone = Milestone(
        project_id=project.id,
        team_id=project.team_id,
        number=next_number(db, project, ItemKind.MILESTONE),
        name=name,
        due_date=due,
        baseline_due=due,
        is_deliverable=deliverable,
        created_by=actor.user_id,
    )
    db.add(milestone)
    db.flush()
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="milestone.add",
        subject=milestone_key(project, milestone),
        after={"name": name, "due_date": due, "is_deliverable": deliverable},
    )
    return milestone


def project_milestones(db: Session, project: Project) -> list[Milestone]:
    return list(
        db.scalars(
            select(Milestone)
            .where(Milestone.project_id == project.id)
            .order_by(Milestone.due_date, Milestone.number)
        )
    )


def find_milestone(db: Session, project: Project, key: str) -> Milestone:
    parsed = parse_item_key(key)
    if parsed is None or parsed.kind is not ItemKind.MILESTONE or parsed.project != project.key:
        raise NotFoundError("milestones.unknown_key", key=key)
    milestone = db.scalar(
        select(Milestone).where(Milestone.project_id == project.id, Milestone.number == parsed.number)
    )
    if milestone is None:
        raise NotFoundError("milestones.unknown_key", key=key)
    return milestone
