"""`days_between(start, end)`: whole days from one date to another, in SQL on both databases.

SQLAlchemy has no portable date difference: PostgreSQL subtracts dates into days, SQLite (which
stores dates as ISO text) subtracts their Julian day numbers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class days_between(FunctionElement[int]):  # noqa: N801 - reads as the SQL function it stands for
    type = Integer()
    inherit_cache = True


def _ends(element: days_between, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    start, end = element.clauses
    return compiler.process(start, **kw), compiler.process(end, **kw)


@compiles(days_between, "postgresql")
def _postgresql(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _ends(element, compiler, **kw)
    return f"({end} - {start})"


@compiles(days_between, "sqlite")
def _sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _ends(element, compiler, **kw)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"
