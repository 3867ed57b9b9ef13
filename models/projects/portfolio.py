"""Queries across the projects of a workspace."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from models.core.access import Actor, shows_private, visible_clause
from models.core.enums import Phase
from models.core.errors import NotFoundError
from models.core.id_lists import among
from models.core.keys import PROJECT_KEY, parse_item_key
from models.core.workspace import SlackUser, stored_profile
from models.projects.tables import Member, Project


class ProjectFilter(StrEnum):
    OPEN = "open"
    MINE = "mine"
    CLOSED = "closed"
    ALL = "all"


def list_projects(
    *, db: Session, actor: Actor, which: ProjectFilter = ProjectFilter.OPEN, place: str | None = None
) -> list[Project]:
    """Projects of the session's workspace the actor may see in `place`, by key; `mine` is every
    open project the actor is on."""
    user_id = actor.user_id
    query = select(Project).order_by(Project.key)
    if which is not ProjectFilter.MINE or not shows_private(place):
        # Being on a project's team is what lets one see it where its privacy allows: the
        # condition adds nothing to "mine" there, and it was most of the Home tab's list query.
        query = query.where(visible_clause(actor, place))
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


def open_projects(db: Session) -> list[Project]:
    """Every project not yet closed, by key: what scheduled passes look at."""
    return list(db.scalars(select(Project).where(Project.phase != Phase.CLOSED).order_by(Project.key)))


def project_in_channel(db: Session, channel_id: str | None) -> Project | None:
    """The open project bound to a channel, if any."""
    if not channel_id:
        return None
    return db.scalar(select(Project).where(Project.channel_id == channel_id, Project.phase != Phase.CLOSED))


def project_of_channel(db: Session, channel_id: str | None) -> Project | None:
    """The channel's open project, else the one it last closed: an archive still answers in its channel."""
    project = project_in_channel(db, channel_id)
    if project is not None or not channel_id:
        return project
    return db.scalar(
        select(Project)
        .where(Project.channel_id == channel_id, Project.phase == Phase.CLOSED)
        .order_by(Project.closed_at.desc(), Project.id.desc())
        .limit(1)
    )


def asker_and_channel(
    db: Session, user_id: str, channel_id: str | None
) -> tuple[SlackUser | None, Project | None]:
    """The asking person's cached profile and the channel's project, in one round trip when
    both are there (every request starts with them); separately otherwise."""
    if not user_id or not channel_id:
        return (stored_profile(db, user_id) if user_id else None), project_of_channel(db, channel_id)
    open_here = and_(Project.channel_id == channel_id, Project.phase != Phase.CLOSED)
    found = db.execute(
        select(SlackUser, Project)
        .select_from(SlackUser)
        .outerjoin(Project, open_here)
        .where(SlackUser.user_id == user_id)
    ).first()
    if found is None:  # nobody cached yet
        return None, project_of_channel(db, channel_id)
    profile, project = found
    return profile, project if project is not None else project_of_channel(db, channel_id)


def project_by_key(db: Session, key: str) -> Project | None:
    return db.scalar(select(Project).where(Project.key == key.upper()))


def project_keys(words: list[str]) -> set[str]:
    """The project keys that words of a command name: a project's (APL) or an item's (APL-12)."""
    keys = set()
    for word in words:
        item = parse_item_key(word)
        if item is not None:
            keys.add(item.project)
        elif PROJECT_KEY.match(word.upper()):
            keys.add(word.upper())
    return keys


def projects_named(db: Session, words: list[str]) -> list[Project]:
    """The projects that words of a command name by key: a project's (APL) or an item's (APL-12)."""
    keys = project_keys(words)
    if not keys:
        return []
    return list(db.scalars(select(Project).where(Project.key.in_(sorted(keys))).order_by(Project.key)))


def find_project(db: Session, *, channel_id: str | None, key: str | None = None) -> Project:
    """The project named by key, else the channel's (a closed one, read-only, until a new one starts)."""
    if key:
        project = project_by_key(db, key)
        if project is None:
            raise NotFoundError("project.unknown_key", key=key.upper())
        return project
    project = project_of_channel(db, channel_id)
    if project is None:
        raise NotFoundError("project.none_in_channel")
    return project


def projects_by_ids(*, db: Session, project_ids: Collection[int]) -> list[Project]:
    """The workspace's projects among `project_ids`; ids of another workspace find nothing."""
    return list(db.scalars(select(Project).where(among(Project.id, project_ids))))


def project_by_id(db: Session, project_id: int | None) -> Project:
    """A project a modal or button named by id; one of another workspace is simply not found."""
    project = db.scalar(select(Project).where(Project.id == project_id)) if project_id else None
    if project is None:
        raise NotFoundError("project.gone")
    return project
