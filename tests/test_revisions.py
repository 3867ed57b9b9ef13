"""Every kind of write to a project moves its revision, the key its status is kept under.

The schema is walked, not listed: each table with a `project_id` (and each table under one,
through a foreign key) is written through the ORM, inserted, changed and deleted, and each
commit must move the project's revision and leave another project's alone. Then the bulk
statements the code sends past the flush, each as the code writes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

import models  # noqa: F401 - every table mapped, so the walk sees them all
from models import (
    HealthSnapshot,
    Holiday,
    Lesson,
    MilestoneLink,
    Project,
    ProjectHoliday,
    StandupReport,
    Task,
    TrendSnapshot,
)
from models.core.base import Base
from models.core.claims import claim, claim_rows
from models.core.database import Database
from models.core.keys import ItemKind, next_number
from models.core.revisions import DERIVED, WORKSPACE_WIDE, project_scoped
from tests.support.rows import (
    make_row,
    mapper_of,
    parents_of,
    row_values,
    touched,
    under_a_project,
    with_project_id,
)
from tests.support.workspace import OTHER_TEAM, TEAM

TABLES = Base.metadata.tables
PROJECTS = TABLES["projects"]


def test_the_walk_sees_the_tables_that_make_a_status() -> None:
    # If the walk found nothing, every test below would pass without proving anything.
    names = {t.name for t in with_project_id(DERIVED)}
    assert {"tasks", "risks", "cost_entries", "budget_lines", "milestones", "issues"} <= names
    assert {"task_dependencies", "milestone_links", "risk_assessments"} <= {t.name for t in under_a_project()}
    assert all(project_scoped(t) for t in with_project_id(DERIVED))


class Revisions:
    """Two projects in one workspace, and a third in another, with their revisions at hand."""

    def __init__(self, database: Database) -> None:
        self.database = database
        for team in (TEAM, OTHER_TEAM):
            database.ensure_workspace(team)
        with database.session(TEAM) as db:
            self.mine = make_row(db, PROJECTS, team_id=TEAM, project_id=0).id
            self.neighbour = make_row(db, PROJECTS, team_id=TEAM, project_id=0).id
        with database.session(OTHER_TEAM) as db:
            self.elsewhere = make_row(db, PROJECTS, team_id=OTHER_TEAM, project_id=0).id

    def now(self) -> dict[int, int]:
        with self.database.system_session(write=False) as db:
            rows = db.execute(select(Project.id, Project.revision))
            return {project: revision for project, revision in rows}

    @contextmanager
    def writing(self, team: str = TEAM) -> Iterator[Session]:
        with self.database.session(team) as db:
            yield db

    def moved(self, before: dict[int, int]) -> set[int]:
        after = self.now()
        assert all(after[p] >= before[p] for p in before), "a revision went back"
        return {p for p in before if after[p] != before[p]}


@pytest.fixture
def revisions(database: Database) -> Revisions:
    return Revisions(database)


def _written(revisions: Revisions, table: Table) -> None:
    """Insert, change and delete one row of `table` in my project, each in its own commit."""
    cls = mapper_of(table).class_
    with revisions.writing() as db:
        parents = parents_of(db, table, team_id=TEAM, project_id=revisions.mine)

    before = revisions.now()
    with revisions.writing() as db:
        row_id = make_row(db, table, team_id=TEAM, project_id=revisions.mine, parents=parents).id
    assert revisions.moved(before) == {revisions.mine}, f"insert into {table.name}"

    before = revisions.now()
    with revisions.writing() as db:
        touched(db.get_one(cls, row_id))
    assert revisions.moved(before) == {revisions.mine}, f"update of {table.name}"

    before = revisions.now()
    with revisions.writing() as db:
        db.delete(db.get_one(cls, row_id))
    assert revisions.moved(before) == {revisions.mine}, f"delete from {table.name}"


@pytest.mark.parametrize("table", [t.name for t in with_project_id(DERIVED)])
def test_an_orm_write_to_a_project_table_moves_that_projects_revision_only(
    revisions: Revisions, table: str
) -> None:
    _written(revisions, Base.metadata.tables[table])


@pytest.mark.parametrize("table", [t.name for t in under_a_project()])
def test_an_orm_write_under_a_projects_row_moves_that_projects_revision_only(
    revisions: Revisions, table: str
) -> None:
    _written(revisions, Base.metadata.tables[table])


def test_a_change_to_the_project_row_moves_it(revisions: Revisions) -> None:
    before = revisions.now()
    with revisions.writing() as db:
        db.get_one(Project, revisions.mine).budget = Decimal(1000)
    assert revisions.moved(before) == {revisions.mine}


def test_a_workspace_holiday_moves_every_project_of_the_workspace_and_no_other(revisions: Revisions) -> None:
    assert "holidays" in WORKSPACE_WIDE
    before = revisions.now()
    with revisions.writing() as db:
        holiday = Holiday(team_id=TEAM, day=date.today() + timedelta(days=3), name="Founders' day")
        db.add(holiday)
    assert revisions.moved(before) == {revisions.mine, revisions.neighbour}
    before = revisions.now()
    with revisions.writing() as db:  # as the command adds one: insert-if-absent, past the flush
        day = date.today() + timedelta(days=4)
        claim(db, Holiday, {"team_id": TEAM, "day": day}, conflict=["team_id", "day"])
    assert revisions.moved(before) == {revisions.mine, revisions.neighbour}


@pytest.mark.parametrize(
    ("model", "conflict"),
    [
        (HealthSnapshot, ["project_id", "week"]),  # the week's health a digest records
        (TrendSnapshot, ["project_id", "day"]),  # the day's figures the trends pass keeps
    ],
)
def test_a_row_kept_from_a_status_moves_nothing(
    revisions: Revisions, model: Any, conflict: list[str]
) -> None:
    """Both are written from the status just read: that must not make the same status stale."""
    before = revisions.now()
    with revisions.writing() as db:
        values = row_values(TABLES[model.__tablename__], project_id=revisions.mine, parents={})
        claim_rows(db, model, [{**values, "team_id": TEAM}], conflict=conflict)
    assert revisions.moved(before) == set()


# -- the statements the code sends past the flush, as it sends them


@pytest.mark.parametrize(
    ("model", "conflict"),
    [
        (ProjectHoliday, ["project_id", "day"]),  # models.calendar.project_calendar
        (Lesson, ["project_id", "user_id"]),  # models.closing.lessons
        (StandupReport, ["project_id", "user_id", "local_date"]),  # models.standups.answers
    ],
)
def test_an_insert_if_absent_moves_the_project_it_inserts_into(
    revisions: Revisions, model: Any, conflict: list[str]
) -> None:
    table = TABLES[model.__tablename__]
    values = {**row_values(table, project_id=revisions.mine, parents={}), "team_id": TEAM}
    before = revisions.now()
    with revisions.writing() as db:
        assert claim(db, model, values, conflict=conflict)
    assert revisions.moved(before) == {revisions.mine}


def test_several_rows_in_one_statement_move_each_of_their_projects(revisions: Revisions) -> None:
    table = TABLES["project_holidays"]
    rows = [
        {**row_values(table, project_id=project, parents={}), "team_id": TEAM}
        for project in (revisions.mine, revisions.neighbour)
    ]
    before = revisions.now()
    with revisions.writing() as db:
        assert claim_rows(db, ProjectHoliday, rows, conflict=["project_id", "day"]) == 2
    assert revisions.moved(before) == {revisions.mine, revisions.neighbour}


def test_a_key_counter_moves_its_project(revisions: Revisions) -> None:
    before = revisions.now()
    with revisions.writing() as db:
        next_number(db, db.get_one(Project, revisions.mine), ItemKind.TASK)
    assert revisions.moved(before) == {revisions.mine}


def test_deleting_a_milestones_links_moves_the_milestones_project(revisions: Revisions) -> None:
    with revisions.writing() as db:
        link = make_row(db, TABLES["milestone_links"], team_id=TEAM, project_id=revisions.mine)
        milestone_id = link.milestone_id
    before = revisions.now()
    with revisions.writing() as db:  # as models.schedule.milestones.move_milestone does
        db.execute(delete(MilestoneLink).where(MilestoneLink.milestone_id == milestone_id))
    assert revisions.moved(before) == {revisions.mine}


def test_a_bulk_update_by_row_id_moves_the_rows_project(revisions: Revisions) -> None:
    with revisions.writing() as db:
        task_id = make_row(db, TABLES["tasks"], team_id=TEAM, project_id=revisions.mine).id
    before = revisions.now()
    with revisions.writing() as db:
        db.execute(update(Task).where(Task.id == task_id).values(title="Renamed"))
    assert revisions.moved(before) == {revisions.mine}


def test_a_bulk_statement_that_names_no_project_moves_the_whole_workspace(revisions: Revisions) -> None:
    before = revisions.now()
    with revisions.writing() as db:
        db.execute(update(Task).where(Task.title == "nothing by this name").values(title="x"))
    assert revisions.moved(before) == {revisions.mine, revisions.neighbour}


def test_a_write_rolled_back_moves_nothing(revisions: Revisions) -> None:
    before = revisions.now()
    with pytest.raises(RuntimeError), revisions.writing() as db:
        make_row(db, TABLES["tasks"], team_id=TEAM, project_id=revisions.mine)
        raise RuntimeError("the save failed")
    assert revisions.moved(before) == set()
    with revisions.writing() as db:  # and the next transaction of a session starts clean
        db.get_one(Project, revisions.neighbour).name = "Renamed"
    assert revisions.moved(before) == {revisions.neighbour}
