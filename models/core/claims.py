"""Insert-if-absent, the primitive behind exactly-once sends and event de-duplication."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Insert, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from models.core.base import Base

# Each dialect's own INSERT: the generic one has no ON CONFLICT clause.
_INSERTS: dict[str, Callable[[type[Base]], sqlite.Insert | postgresql.Insert]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


def insert_if_absent(
    model: type[Base], values: dict[str, Any] | list[dict[str, Any]], *, conflict: list[str], dialect: str
) -> Insert:
    """`INSERT … ON CONFLICT (conflict) DO NOTHING RETURNING <primary key>`, of one row or several.

    The same statement works on SQLite (3.35+) and PostgreSQL, and only the caller whose insert
    took effect gets a row back.
    """
    try:
        insert = _INSERTS[dialect]
    except KeyError:
        raise NotImplementedError(f"no insert-if-absent for the {dialect} dialect") from None
    primary_key = model.__mapper__.primary_key
    return (
        insert(model).values(values).on_conflict_do_nothing(index_elements=conflict).returning(*primary_key)
    )


def claim(
    target: Session | Connection, model: type[Base], values: dict[str, Any], *, conflict: list[str]
) -> bool:
    """Insert the row unless one with the same conflict columns exists; True if this call did."""
    return claimed_id(target, model, values, conflict=conflict) is not None


def claimed_id(
    target: Session | Connection, model: type[Base], values: dict[str, Any], *, conflict: list[str]
) -> Any | None:
    """`claim`, answering with the new row's primary key (None when another caller has the row)."""
    return target.execute(
        insert_if_absent(model, values, conflict=conflict, dialect=_dialect(target))
    ).scalar()


def claim_rows(
    target: Session | Connection, model: type[Base], rows: list[dict[str, Any]], *, conflict: list[str]
) -> int:
    """Insert each row unless one with the same conflict columns exists, in one statement; how many did."""
    if not rows:
        return 0
    return len(
        target.execute(insert_if_absent(model, rows, conflict=conflict, dialect=_dialect(target))).all()
    )


def claimed_rows(
    target: Session | Connection,
    model: type[Base],
    rows: list[dict[str, Any]],
    *,
    conflict: list[str],
    returning: Sequence[InstrumentedAttribute[Any]] = (),
) -> Result[Any]:
    """`claim_rows` of one row or more into a table no project's status reads (the delivery
    log), answering those this call inserted: their primary key, then `returning`.

    The rows go as parameters of one fixed statement, which SQLAlchemy sends as a single
    multi-row INSERT (its "insertmanyvalues"): built into the statement instead, they made a
    new statement to build and compile every call, which cost more than running it. It runs on
    the session's connection, past the session's hooks: they would have to read the rows out of
    the statement to tell which projects a write moves (models.core.revisions), so this is only
    for rows that move none.
    """
    insert = _INSERTS[_dialect(target)](model).on_conflict_do_nothing(index_elements=conflict)
    statement = insert.returning(*model.__mapper__.primary_key, *returning)
    connection = target.connection() if isinstance(target, Session) else target
    return connection.execute(statement, rows)


def upsert(
    target: Session | Connection,
    model: type[Base],
    values: dict[str, Any],
    *,
    conflict: list[str],
    update: dict[str, Any],
) -> None:
    """`INSERT … ON CONFLICT (conflict) DO UPDATE SET update`: one statement on SQLite and PostgreSQL."""
    insert = _INSERTS[_dialect(target)](model).values(values)
    target.execute(insert.on_conflict_do_update(index_elements=conflict, set_=update))


def upsert_rows(
    target: Session | Connection, model: type[Base], rows: list[dict[str, Any]], *, conflict: list[str]
) -> None:
    """Insert each row, or overwrite the one with the same conflict columns, in one statement."""
    if not rows:
        return
    insert = _INSERTS[_dialect(target)](model).values(rows)
    fresh = {column: insert.excluded[column] for column in rows[0] if column not in conflict}
    target.execute(insert.on_conflict_do_update(index_elements=conflict, set_=fresh))


def _dialect(target: Session | Connection) -> str:
    return target.get_bind().dialect.name if isinstance(target, Session) else target.dialect.name
