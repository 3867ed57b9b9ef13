"""Keeps every ORM query and every new row inside the session's workspace.

A session is opened for one team id (`session.info["team_id"]`). Every SELECT, UPDATE and
DELETE of a TeamScoped class gets `team_id = <that team>` added by SQLAlchemy's
`with_loader_criteria`, and a flush refuses a row of another workspace. Cross-workspace work
(the scheduler's tick looking for what is due everywhere) must ask for it by name with a
system session.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.orm.util import LoaderCriteriaOption

from models.core.base import TeamScoped

TEAM_KEY = "team_id"
SYSTEM_KEY = "all_workspaces"


class ScopeError(RuntimeError):
    """A query or a row that would cross workspaces."""


def session_team(session: Session) -> str | None:
    return session.info.get(TEAM_KEY)


@event.listens_for(Session, "do_orm_execute")
def _scope_queries(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.session.info.get(SYSTEM_KEY):
        return
    team_id = session_team(state.session)
    if team_id is None:
        raise ScopeError("an ORM query ran in a session opened for no workspace")
    state.statement = state.statement.options(_team_criteria(team_id))


@lru_cache(maxsize=1024)
def _team_criteria(team_id: str) -> LoaderCriteriaOption:
    """The condition keeping a query in one workspace, made once per workspace: every ORM
    statement of every request carries it, and making it anew was a tenth of a query's work."""
    return with_loader_criteria(TeamScoped, lambda cls: cls.team_id == team_id, include_aliases=True)


@event.listens_for(Session, "before_flush")
def _scope_new_rows(session: Session, flush_context: Any, instances: Any) -> None:
    team_id = session_team(session)
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, TeamScoped):
            continue
        if obj.team_id is None and team_id is not None:
            obj.team_id = team_id
        elif team_id is not None and obj.team_id != team_id:
            raise ScopeError(f"{type(obj).__name__} of workspace {obj.team_id} in a session for {team_id}")
