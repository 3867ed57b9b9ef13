"""Which tasks are leaves: the work itself, where parents only roll it up."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import aliased

from models.core.id_lists import among
from models.projects.tables import Project
from models.tasks.tables import Task

# Built once: an alias of a mapped class costs a millisecond or two to make, every time.
CHILD = aliased(Task, name="child")


def leaves_of(project_ids: Sequence[int]) -> ColumnElement[bool]:
    """Tasks of these projects that no task names as its parent."""
    # NOT IN over the projects' parent ids is one hashed set on PostgreSQL; a correlated NOT
    # EXISTS was planned as a loop per task on freshly loaded tables (20 times slower).
    parents = select(CHILD.parent_id).where(
        among(CHILD.project_id, project_ids), CHILD.parent_id.is_not(None)
    )
    return Task.id.not_in(parents)


def is_leaf(project: Project) -> ColumnElement[bool]:
    """Tasks of `project` that no task names as its parent."""
    return leaves_of([project.id])


def has_no_children() -> ColumnElement[bool]:
    """Tasks no task names as its parent, across the projects a query spans."""
    return Task.id.not_in(select(CHILD.parent_id).where(CHILD.parent_id.is_not(None)))
