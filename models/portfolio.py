"""Queries across the projects of a workspace."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Phase
from models.project import Member, Project


class ProjectFilter(StrEnum):
    OPEN = "open"
    MINE = "mine"
    CLOSED = "closed"
    ALL = "all"


def list_projects(*, db: Session, user_id: str, which: ProjectFilter = ProjectFilter.OPEN) -> list[Project]:
    """Projects of the session's workspace, by key; `mine` is every open project the user is on."""
    query = select(Project).order_by(Project.key)
    if which in (ProjectFilter.OPEN, ProjectFilter.MINE):
        query = query.where(Project.phase != Phase.CLOSED)
    elif which is ProjectFilter.CLOSED:
        query = query.where(Project.phase == Phase.CLOSED)
    if which is ProjectFilter.MINE:
        query = query.where(
            Project.id.in_(
                select(Member.project_id).where(Member.user_id == user_id, Member.released_at.is_(None))
            )
        )
    return list(db.scalars(query))
