"""`column IN (ids)` for a batch of rows, bound as one array parameter on PostgreSQL.

A digest batch reads a hundred projects at once, and each of its statements listed the hundred
ids as a hundred parameters. SQLAlchemy expanded them into the text on every execution,
psycopg converted every new length's text anew, and PostgreSQL parsed, planned and prepared
a statement for every length of list. That cost more than a warm batch spent on its rows,
and three times as much in the first batch after a start. `column = ANY(:ids)` keeps one
text per statement however many ids it carries. SQLite has no arrays, so elsewhere it stays
an IN list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ARRAY, Boolean, Integer, any_, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.selectable import FromClause
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType


class Among(ColumnElement[bool]):
    """`column` is one of `ids`: an expression like any other in a WHERE clause."""

    inherit_cache = True
    # A comparison, as IN is: without this, a database with no boolean type (SQLite) is sent
    # `project_id IN (…) = 1`, which no index serves.
    _is_implicitly_boolean = True
    # Both forms of the ids are part of the statement's cache key, so a cached statement takes
    # each execution's ids; each dialect renders only the one it uses.
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012  (SQLAlchemy reads it per class)
        ("column", InternalTraversal.dp_clauseelement),
        ("listed", InternalTraversal.dp_clauseelement),
        ("array", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Any, ids: Iterable[int]) -> None:
        values = list(ids)
        self.column: ColumnElement[int] = coercions.expect(roles.ExpressionElementRole, column)
        self.listed: BindParameter[list[int]] = bindparam("ids", values, expanding=True, unique=True)
        self.array: BindParameter[Any] = bindparam("ids", values, type_=ARRAY(Integer), unique=True)
        self.type = Boolean()

    @property
    def _from_objects(self) -> list[FromClause]:
        # The column's table, as `column.in_()` would name it: a statement selecting from
        # another table still reads this one.
        return self.column._from_objects


def among(column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    """`column IN ids`, for integer ids (project ids, row ids)."""
    return Among(column, ids)


@compiles(Among)
def _as_list(element: Among, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(element.listed), **kw)


@compiles(Among, "postgresql")
def _as_array(element: Among, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column == any_(element.array), **kw)
