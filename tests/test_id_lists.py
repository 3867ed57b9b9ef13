"""A batch's ids in one parameter: the same rows as an IN list, one statement text for any count."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from models.core.database import Database
from models.core.id_lists import among
from models.projects.tables import Project
from tests.support.projects import add_projects
from tests.support.queries import texts
from tests.support.workspace import TEAM


def test_among_finds_what_an_in_list_finds_for_any_count_with_one_text_on_postgresql(
    database: Database,
) -> None:
    database.ensure_workspace(TEAM)
    add_projects(database, 0, 6, date(2026, 12, 7))
    with database.session(TEAM, write=False) as db:
        every = sorted(db.scalars(select(Project.id)))
        asked = [every[:1], every[1:4], [], every, [every[0], 10**9], every[::2]]
        with texts(database) as sent:
            found = [sorted(db.scalars(select(Project.id).where(among(Project.id, ids)))) for ids in asked]
        with texts(database) as listed:
            expected = [sorted(db.scalars(select(Project.id).where(Project.id.in_(ids)))) for ids in asked]
    assert found == expected == [every[:1], every[1:4], [], every, every[:1], every[::2]]
    if database.is_sqlite:
        # No arrays: exactly the IN list SQLAlchemy writes, which the index on the column serves
        # (a `… IN (…) = 1` would have been read row by row).
        assert sent == listed
        return
    assert len(set(sent)) == 1 and "ANY" in sent[0], sent  # one text whatever the count


def test_among_names_its_columns_table_when_nothing_else_does(database: Database) -> None:
    """As `column.in_()` does: a count of the rows it picks reads their table."""
    database.ensure_workspace(TEAM)
    add_projects(database, 0, 3, date(2026, 12, 7))
    with database.session(TEAM, write=False) as db:
        every = list(db.scalars(select(Project.id)))
        assert db.scalar(select(func.count()).where(among(Project.id, every[:2]))) == 2
