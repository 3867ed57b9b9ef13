"""Rows for many projects at once: one query hands back what each project needs, by project id.

A pass over a thousand projects that asks a query per figure per project spends its time in
round trips and statement overhead; asking once for all of them keeps its cost per project flat.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, FunctionElement, Row, SQLColumnExpression, func, select
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, aliased, declared_attr

from models.core.id_lists import among

ProjectIds = Sequence[int]


class ProjectRow(Protocol):
    # Read-only, as the tables' declared_attr is: read on the class it is a column to query by,
    # on a row its value. A plain (settable) attribute here would match no table.
    @declared_attr
    def project_id(cls) -> Mapped[int]: ...  # noqa: N805


R = TypeVar("R", bound=ProjectRow)


def per_project(rows: Iterable[R]) -> dict[int, list[R]]:
    grouped: dict[int, list[R]] = defaultdict(list)
    for row in rows:
        grouped[row.project_id].append(row)
    return grouped


@dataclass(frozen=True)
class Ranked(Generic[R]):
    """A project's first rows in some order, and totals over all its rows (not only the first)."""

    first: list[R]
    totals: tuple[Any, ...]


def first_of_each(
    db: Session,
    model: type[R],
    ids: ProjectIds,
    *where: ColumnElement[bool],
    order_by: Sequence[Any],
    limit: int,
) -> dict[int, list[R]]:
    """The first `limit` rows of each of these projects in `order_by` order."""
    found = ranked_of_each(db, model, ids, *where, order_by=order_by, limit=limit)
    return {project_id: ranked.first for project_id, ranked in found.items()}


def ranked_of_each(
    db: Session,
    model: type[R],
    ids: ProjectIds,
    *where: ColumnElement[bool],
    order_by: Sequence[Any],
    limit: int,
    totals: Sequence[FunctionElement[Any]] = (),
) -> dict[int, Ranked[R]]:
    """`first_of_each`, with `totals` (aggregates: a count, a sum…) over every row of each project.

    The totals are window functions over the same rows the first are ranked among: a figure
    and the rows it counts (open risks, and the worst of them) come in one statement, not two.
    A project no row matches is left out, as a grouped count leaves it out.

    One project (a status) is a plain LIMIT: building a window over a subquery costs more than
    running it. Many (a digest pass) number each project's rows with ROW_NUMBER, and read them
    from the ranked subquery itself: joined back to their table instead, PostgreSQL planned a
    loop over the subquery for every row of freshly loaded tables.
    """
    project_id: InstrumentedAttribute[int] = model.project_id
    windows = [total.over(partition_by=project_id).label(f"total_{n}") for n, total in enumerate(totals)]
    if len(ids) == 1:
        query = select(model, *windows).where(project_id == ids[0], *where).order_by(*order_by).limit(limit)
        return _ranked(db.execute(query))
    rank = func.row_number().over(partition_by=project_id, order_by=order_by).label("rank")
    ranked = select(model, rank, *windows).where(among(project_id, ids), *where).subquery()
    row = aliased(model, ranked)
    columns = [ranked.c[window.name] for window in windows]
    query = select(row, *columns).where(ranked.c.rank <= limit).order_by(ranked.c.project_id, ranked.c.rank)
    return _ranked(db.execute(query))


def _ranked(rows: Iterable[Row[Any]]) -> dict[int, Ranked[R]]:
    """Rows of an entity then its project's totals, by project id (the totals repeat on each row)."""
    found: dict[int, Ranked[R]] = {}
    for row in rows:
        entity: R = row[0]
        found.setdefault(entity.project_id, Ranked([], tuple(row[1:]))).first.append(entity)
    return found


def first_rows_of_each(
    db: Session,
    project_id: InstrumentedAttribute[int],
    columns: Sequence[SQLColumnExpression[Any]],
    ids: ProjectIds,
    *where: ColumnElement[bool],
    order_by: Sequence[Any],
    limit: int,
) -> dict[int, list[Row[Any]]]:
    """`first_of_each` as plain rows, the project id then `columns`: for what is only shown.

    A pass that lists a few tasks of each of a thousand projects spent more time making ORM
    objects of them (every column, identity map, state) than the database spent finding them;
    the ranked subquery also carries only these columns through its sort instead of whole rows.
    """
    if len(ids) == 1:
        query = select(project_id, *columns).where(project_id == ids[0], *where).order_by(*order_by)
        return _grouped(db.execute(query.limit(limit)))
    rank = func.row_number().over(partition_by=project_id, order_by=order_by).label("rank")
    ranked = select(project_id, *columns, rank).where(among(project_id, ids), *where).subquery()
    *shown, ranked_by = ranked.c
    rows = db.execute(select(*shown).where(ranked_by <= limit).order_by(shown[0], ranked_by))
    return _grouped(rows)


def _grouped(rows: Iterable[Row[Any]]) -> dict[int, list[Row[Any]]]:
    """Rows whose first column is their project's id, by project id."""
    grouped: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped
