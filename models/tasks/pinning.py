"""Pinning a task's start: the day it may start no earlier than, which moves never carry."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.errors import InvalidError
from models.projects.tables import Project
from models.tasks.breakdown import task_key
from models.tasks.tables import Task


def pin_start(*, db: Session, actor: Actor, project: Project, task: Task, pinned: bool) -> bool:
    """Pin or unpin `task`'s start; False when it already was as asked."""
    require(db, project, actor, Action.PLAN_WORK)
    require_open(project)
    if pinned and task.start_date is None:
        raise InvalidError("tasks.pin_needs_start", key=task_key(project, task))
    if task.start_pinned == pinned:
        return False
    task.start_pinned = pinned
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="task.pin" if pinned else "task.unpin",
        subject=task_key(project, task),
        after={"start": task.start_date},
    )
    return True
