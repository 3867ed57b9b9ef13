"""Every write to a project moves its revision, whatever path made it.

A project's status is kept per revision (models.status.snapshot), so a write that forgot to
move it would leave people reading yesterday's figures. Rather than each write path saying so,
the session says it for all of them:

- the flush (`after_flush`) sees every ORM insert, update and delete: a row with a
  `project_id`, the project row itself, and a row under one of those (a task's dependency, a
  risk's assessment: resolved through its foreign key);
- `do_orm_execute` sees the statements that bypass the flush (`insert … on conflict`,
  `update(…)`, `delete(…)` through `session.execute`) and reads their project from the values
  inserted or from the `WHERE` clause; a statement it cannot place moves every project of the
  workspace, which is slower but never stale.

The projects touched are bumped in one `UPDATE … SET revision = revision + 1` just before the
commit, in the same transaction as the writes: a reader sees the new rows and the new revision
together, or neither. Bumping at each flush instead would hold the project row locked from a
transaction's first write to its end, and two writers of one project flushing in turn could
deadlock on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Column, Table, event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, attributes
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList

from models.core.base import Base
from models.core.scoping import SYSTEM_KEY, session_team
from models.projects.tables import Project

# session.info keys: what this transaction wrote, until the commit bumps it.
PROJECTS_KEY = "pmo_touched_projects"
WORKSPACES_KEY = "pmo_touched_workspaces"
EVERY_WORKSPACE = "*"  # a system session's write that could not be placed

# Written from a status, not read by one: the week's health a digest records, and the day's
# figures the trends pass keeps at the first tick of each project's day. Either must leave the
# status it came from current: when the trends pass's own write moved the revision, every
# project's status built for the new day was thrown away at once, and built again by the
# Monday digests or whoever read it first.
DERIVED = frozenset({"health_snapshots", "trend_snapshots"})
# Read by every project of the workspace: each project's calendar counts the shared holidays.
WORKSPACE_WIDE = frozenset({"holidays"})

PROJECTS: Table = Base.metadata.tables[Project.__tablename__]


def project_scoped(table: Table) -> bool:
    """A table whose rows each belong to one project, and feed what is shown of it."""
    return "project_id" in table.c and table.name not in DERIVED


def parent_links(table: Table) -> dict[str, Table]:
    """A table's foreign keys to project-scoped tables: a row under a task, a risk, a review…"""
    return {
        fk.parent.name: fk.column.table
        for fk in table.foreign_keys
        if isinstance(fk.column.table, Table) and project_scoped(fk.column.table)
    }


def moves_revision(table: Table) -> bool:
    """Whether a write to this table moves some project's revision."""
    return (
        table.name == PROJECTS.name
        or project_scoped(table)
        or table.name in WORKSPACE_WIDE
        or bool(parent_links(table))
    )


def touch(session: Session, project_ids: Iterable[int | None]) -> None:
    """Count these projects as written in the session's transaction."""
    session.info.setdefault(PROJECTS_KEY, set()).update(i for i in project_ids if i is not None)


def touch_workspace(session: Session, team_id: str | None) -> None:
    """Count every project of the workspace as written (all of them, from a system session)."""
    session.info.setdefault(WORKSPACES_KEY, set()).add(team_id or EVERY_WORKSPACE)


def unsaved_writes(session: Session, project_id: int) -> bool:
    """Whether the session holds writes not yet committed that could change this project.

    Its reads then show rows no other session sees yet, so they must not be kept under the
    revision everyone else reads.
    """
    pending = session.new or session.dirty or session.deleted
    return bool(
        pending or project_id in session.info.get(PROJECTS_KEY, ()) or session.info.get(WORKSPACES_KEY)
    )


# -- the flush


def _objects(session: Session) -> Iterator[tuple[Any, bool]]:
    """Each object the flush wrote, and whether it was a new row."""
    for obj in session.new:
        yield obj, True
    for obj in session.deleted:
        yield obj, False
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            yield obj, False


def _old_and_new(obj: Any, column: str) -> set[Any]:
    """A column's value now and, if this flush changed it, before (a row moved between parents)."""
    history = attributes.get_history(obj, column)
    return {*history.added, *history.unchanged, *history.deleted}


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, flush_context: Any) -> None:
    children: dict[Table, set[Any]] = {}
    for obj, new in _objects(session):
        table = getattr(obj, "__table__", None)
        if not isinstance(table, Table) or not moves_revision(table):
            continue
        if table is PROJECTS:
            if not new:  # a new project starts at revision 0: nobody has read it yet
                touch(session, [obj.id])
        elif project_scoped(table):
            touch(session, _old_and_new(obj, "project_id"))
        elif table.name in WORKSPACE_WIDE:
            touch_workspace(session, obj.team_id)
        else:
            for column, parent in parent_links(table).items():
                children.setdefault(parent, set()).update(_old_and_new(obj, column))
    touch(session, _projects_of(session, children))


def _projects_of(session: Session, rows: dict[Table, set[Any]]) -> set[int]:
    """The projects of these parent rows (tasks, risks, reviews…), in one query per table."""
    found: set[int] = set()
    for parent, ids in rows.items():
        ids.discard(None)
        if ids:
            query = select(parent.c.project_id).where(parent.c.id.in_(ids))
            found.update(session.connection().scalars(query))
    return found


# -- statements that bypass the flush


PINNING = (operators.eq, operators.in_op)


def _conjuncts(where: Any) -> list[Any]:
    """The terms a `WHERE` ANDs together: every row the statement reaches satisfies each of them."""
    if isinstance(where, BooleanClauseList) and where.operator is operators.and_:
        return [term for clause in where.clauses for term in _conjuncts(clause)]
    return [where]


def _where_values(where: Any, column: str, table: Table) -> set[Any] | None:
    """The values one of the `WHERE`'s AND-ed terms pins `table.column` to (`=` or `IN`), else None."""
    for term in _conjuncts(where) if where is not None else ():
        if not isinstance(term, BinaryExpression) or term.operator not in PINNING:
            continue
        left, right = term.left, term.right
        if not (isinstance(left, Column) and left.name == column and left.table.name == table.name):
            continue
        if isinstance(right, BindParameter):
            return set((right.value if term.operator is operators.in_op else [right.value]) or ())
    return None


def _inserted_values(statement: Any, column: str) -> set[Any] | None:
    """The values an `INSERT … VALUES` gives a column, one row or several; None if not given."""
    rows: list[dict[Any, Any]] = [statement._values] if statement._values else []
    for batch in statement._multi_values or ():
        rows.extend(batch)
    found: set[Any] = set()
    for row in rows:
        value = next((v for k, v in row.items() if getattr(k, "name", k) == column), None)
        value = value.value if isinstance(value, BindParameter) else value
        if value is None:
            return None
        found.add(value)
    return found or None


def _pinned(state: ORMExecuteState, table: Table, column: str) -> set[Any] | None:
    if state.is_insert:
        return _inserted_values(state.statement, column)
    return _where_values(state.statement.whereclause, column, table)  # type: ignore[attr-defined]


def _statement_projects(state: ORMExecuteState, table: Table) -> set[int] | None:
    """The projects an INSERT, UPDATE or DELETE reaches, read from the statement; None if unknown."""
    if table is PROJECTS:
        return _pinned(state, table, "id")
    if project_scoped(table):
        found = _pinned(state, table, "project_id")
        if found is None and not state.is_insert and (ids := _pinned(state, table, "id")):
            found = _projects_of(state.session, {table: ids})
        return found
    for column, parent in parent_links(table).items():
        if ids := _pinned(state, table, column):
            return _projects_of(state.session, {parent: ids})
    return None


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    table = Base.metadata.tables.get(getattr(table, "name", ""))
    if table is None or not moves_revision(table):
        return
    if table.name in WORKSPACE_WIDE:
        touch_workspace(state.session, _team_of(state.session))
        return
    found = _statement_projects(state, table)
    if found is None:
        touch_workspace(state.session, _team_of(state.session))
    else:
        touch(state.session, found)


def _team_of(session: Session) -> str | None:
    return None if session.info.get(SYSTEM_KEY) else session_team(session)


# -- the bump


@event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this hook: count its writes too
    projects = session.info.pop(PROJECTS_KEY, set())
    workspaces = session.info.pop(WORKSPACES_KEY, set())
    if not projects and not workspaces:
        return
    bump = update(PROJECTS).values(revision=PROJECTS.c.revision + 1)
    if EVERY_WORKSPACE not in workspaces:
        # Sorted, so two transactions bumping the same projects lock them in the same order.
        bump = bump.where(PROJECTS.c.id.in_(sorted(projects)) | PROJECTS.c.team_id.in_(sorted(workspaces)))
    moved = session.connection().execute(bump.returning(PROJECTS.c.id, PROJECTS.c.revision))
    _keep_in_step(session, {project_id: revision for project_id, revision in moved})


def _keep_in_step(session: Session, revisions: dict[int, int]) -> None:
    """Give the session's own project objects their new revision without marking them changed.

    Sessions keep their objects after a commit (`expire_on_commit=False`): a status read later
    in the same session must not find the old revision and the figures it was kept under.
    """
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Project) and obj.id in revisions:
            attributes.set_committed_value(obj, "revision", revisions[obj.id])


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    """A transaction that ended without its commit (rolled back) leaves nothing to bump."""
    if transaction.parent is None:
        session.info.pop(PROJECTS_KEY, None)
        session.info.pop(WORKSPACES_KEY, None)
