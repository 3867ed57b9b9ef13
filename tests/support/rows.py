"""Rows of any mapped table, made from its columns alone, for tests that walk the whole schema.

The walk itself is here too: the tables a project's rows live in, found from the schema.

Each required column gets a fresh value of its type (so unique constraints hold), a foreign
key the id of a row made first for it, and the project and workspace the test names. Values
stay small (1 to 5) where a check constraint bounds them (a risk's probability and impact).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Enum,
    Float,
    Integer,
    Numeric,
    String,
    Table,
    TypeDecorator,
)
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.types import TypeEngine

from models.core.base import Base, UTCDateTime
from models.core.clock import utcnow
from models.core.revisions import parent_links

_fresh = itertools.count(1)


def with_project_id(leaving_out: Collection[str] = ()) -> list[Table]:
    """Tables whose rows each belong to a project, but those named."""
    return [t for t in Base.metadata.sorted_tables if "project_id" in t.c and t.name not in leaving_out]


def under_a_project() -> list[Table]:
    """Tables without a project of their own whose rows hang under one (a task's dependency…)."""
    return [t for t in Base.metadata.sorted_tables if "project_id" not in t.c and parent_links(t)]


def mapper_of(table: Table) -> Mapper[Any]:
    [mapper] = [m for m in Base.registry.mappers if m.local_table is table]
    return mapper


# What each kind of column gets, given a fresh number: small where checks bound it (1 to 5).
_MADE_UP: list[tuple[type[TypeEngine[Any]], Callable[[TypeEngine[Any], int], Any]]] = [
    (UTCDateTime, lambda kind, n: utcnow()),
    (Enum, lambda kind, n: kind.enums[0]),  # type: ignore[attr-defined]
    (Boolean, lambda kind, n: False),
    (Integer, lambda kind, n: n % 5 + 1),
    (Float, lambda kind, n: 1.0),
    (Numeric, lambda kind, n: Decimal(1)),
    (Date, lambda kind, n: date.today() + timedelta(days=n)),
    (JSON, lambda kind, n: {}),
    (String, lambda kind, n: f"v{n}"[: getattr(kind, "length", None) or 32]),
]


def _value(column: Column[Any]) -> Any:
    kind = column.type
    if isinstance(kind, TypeDecorator) and not isinstance(kind, UTCDateTime):
        kind = kind.impl_instance  # money is whole cents underneath
    for made, make in _MADE_UP:
        if isinstance(kind, made):
            return make(kind, next(_fresh))
    raise TypeError(f"no made-up value for {column.table.name}.{column.name} ({kind!r})")


def parents_of(db: Session, table: Table, *, team_id: str, project_id: int) -> dict[str, Any]:
    """A committed-to-be parent row for each required foreign key but the project's and workspace's."""
    found: dict[str, Any] = {}
    for column in table.c:
        if column.name in ("team_id", "project_id") or column.nullable or not column.foreign_keys:
            continue
        [fk] = column.foreign_keys
        parent = fk.column.table
        assert isinstance(parent, Table)
        found[column.name] = make_row(db, parent, team_id=team_id, project_id=project_id).id
    return found


def row_values(table: Table, *, project_id: int, parents: dict[str, Any]) -> dict[str, Any]:
    """Values for a new row: the parents given, the project, a fresh value in each other required column."""
    values: dict[str, Any] = dict(parents)
    for column in table.c:
        if column.primary_key or column.name == "team_id" or column.name in values:
            continue
        if column.name == "project_id":
            values["project_id"] = project_id
        elif not column.nullable and column.default is None and column.server_default is None:
            values[column.name] = _value(column)
    return values


def make_row(
    db: Session, table: Table, *, team_id: str, project_id: int, parents: dict[str, Any] | None = None
) -> Any:
    """A new row of `table` in the project (its parents made too unless given), flushed."""
    if parents is None:
        parents = parents_of(db, table, team_id=team_id, project_id=project_id)
    values = row_values(table, project_id=project_id, parents=parents)
    row = mapper_of(table).class_(team_id=team_id, **values)
    db.add(row)
    db.flush()
    return row


def touched(row: Any) -> None:
    """Change a row the way any edit does: here its creation time, which every row has."""
    row.created_at = row.created_at + timedelta(seconds=1) if row.created_at else datetime.now().astimezone()
