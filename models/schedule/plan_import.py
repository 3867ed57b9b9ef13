"""A plan file read into a project: its tasks, outline, links and milestones, all or nothing.

A plan is imported only into a project with no tasks and no milestones yet, so that the file's
numbering and the project's never have to be reconciled; the caller's session is the one
transaction, and any refusal raised here leaves it to be rolled back whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.access import Actor
from models.core.errors import InvalidError
from models.projects.tables import Project
from models.schedule.milestones import add_milestone
from models.schedule.mspdi import PlanFile, PlanResource, PlanTask
from models.tasks.breakdown import TaskForm, add_task, link, task_key
from models.tasks.tables import Milestone, MilestoneLink, Task

Owner = Callable[[PlanResource], str | None]


@dataclass(frozen=True)
class Imported:
    tasks: int
    links: int
    milestones: int
    unmatched: tuple[str, ...]  # resources no person of the workspace answers to


def _has_plan(db: Session, project: Project) -> bool:
    tasks = db.scalar(select(func.count()).select_from(Task).where(Task.project_id == project.id))
    milestones = db.scalar(
        select(func.count()).select_from(Milestone).where(Milestone.project_id == project.id)
    )
    return bool(tasks or milestones)


def _form(task: PlanTask, parent: str | None, owner: str | None) -> TaskForm:
    # A summary's dates are its work's; giving it its own would fight the roll-up.
    dated = not task.summary
    return TaskForm(
        title=task.name,
        owner_id=owner,
        parent=parent,
        start_date=task.start if dated else None,
        due_date=task.finish if dated else None,
    )


def import_plan(db: Session, actor: Actor, project: Project, plan: PlanFile, owner: Owner) -> Imported:
    if _has_plan(db, project):
        raise InvalidError("import.project_has_plan")
    people = {resource.uid: owner(resource) for resource in plan.resources}
    unmatched = tuple(resource.name for resource in plan.resources if people[resource.uid] is None)
    made: dict[int, Task] = {}
    outline: list[Task] = []  # the open summary at each outline level
    for item in (task for task in plan.tasks if not task.milestone):
        del outline[item.outline_level - 1 :]
        parent = task_key(project, outline[-1]) if outline else None
        made[item.uid] = add_task(
            db=db,
            actor=actor,
            project=project,
            form=_form(item, parent, people.get(item.resource_uid) if item.resource_uid else None),
        )
        outline.append(made[item.uid])
    links = 0
    for item in plan.tasks:
        if item.milestone:
            continue
        for wanted in item.links:
            link(
                db=db,
                actor=actor,
                project=project,
                task=made[item.uid],
                depends_on=made[wanted.predecessor_uid],
                kind=wanted.kind,
                lag=wanted.lag_days,
            )
            links += 1
    milestones = [task for task in plan.tasks if task.milestone]
    for item in milestones:
        if item.start is None:
            raise InvalidError("import.milestone_undated", uid=item.uid)
        milestone = add_milestone(db=db, actor=actor, project=project, name=item.name, due=item.start)
        db.add_all(
            MilestoneLink(
                team_id=project.team_id, milestone_id=milestone.id, task_id=made[w.predecessor_uid].id
            )
            for w in item.links
        )
    db.flush()
    return Imported(len(made), links, len(milestones), unmatched)
