"""Which tasks are leaves: the work itself, where parents only roll it up."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import aliased

from models.project import Project
from models.work import Task


def is_leaf(project: Project) -> ColumnElement[bool]:
    """Tasks of `project` that no task names as its parent."""
    # NOT IN over the project's parent ids is one hashed set on PostgreSQL; a correlated NOT
    # EXISTS was planned as a loop per task on freshly loaded tables (20 times slower).
    child = aliased(Task)
    parents = select(child.parent_id).where(child.project_id == project.id, child.parent_id.is_not(None))
    return Task.id.not_in(parents)


def has_no_children() -> ColumnElement[bool]:
    """Tasks no task names as its parent, across the projects a query spans."""
    child = aliased(Task)
    return Task.id.not_in(select(child.parent_id).where(child.parent_id.is_not(None)))
