"""The database layer: migrations, workspace scoping, types and write locking, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, StatementError

from handlers.slack.installations import schema_metadata
from models import Project, Workspace
from models.core import database as database_module
from models.core.base import utcnow
from models.core.claims import claim
from models.core.database import Database
from models.core.deliveries import copies_of
from models.core.enums import Phase
from models.core.migrate import current_revision, head_revision, upgrade
from models.core.records import Delivery
from models.core.scoping import ScopeError
from models.projects.tables import CostEntry
from models.tasks.tables import Task
from tests.support.databases import fresh_database_url
from tests.support.workspace import OTHER_TEAM, TEAM


def add_project(database: Database, team_id: str, key: str, channel: str = "C100", **fields: object) -> int:
    database.ensure_workspace(team_id)
    with database.session(team_id) as db:
        project = Project(key=key, name=f"Project {key}", channel_id=channel, created_by="U0001", **fields)
        db.add(project)
        db.flush()
        return project.id


def test_migrations_reach_head_and_match_the_models(database: Database) -> None:
    assert current_revision(database) == head_revision()
    with database.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), schema_metadata())
    assert differences == [], "the models changed without a migration: run `pmo-bot db revision -m …`"


def test_upgrade_again_is_a_no_op(database: Database) -> None:
    upgrade(database)
    upgrade(database)
    assert current_revision(database) == head_revision()


def test_replicas_starting_together_migrate_once(database_url: str, tmp_path: Path) -> None:
    """Three `pmo-bot db upgrade` processes at once: all succeed and the schema is at head."""
    fresh = fresh_database_url(database_url, tmp_path)
    env = {**os.environ, "DATABASE_URL": fresh}
    command = [
        sys.executable,
        "-c",
        "import sys; from bot.cli import main; sys.exit(main(['db', 'upgrade']))",
    ]
    processes = [
        subprocess.Popen(
            command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    database = Database(fresh)
    assert current_revision(database) == head_revision()
    database.dispose()


def test_upgrade_moves_posted_messages_into_the_delivery_log(database_url: str, tmp_path: Path) -> None:
    """Copies remembered before the delivery log recorded them are still found, and edited."""
    database = Database(fresh_database_url(database_url, tmp_path))
    upgrade(database, "0009")
    with database.engine.begin() as conn:
        conn.execute(text("INSERT INTO workspaces (team_id) VALUES (:team)"), {"team": TEAM})
        conn.execute(
            text(
                "INSERT INTO posted_messages (team_id, subject, channel_id, ts)"
                " VALUES (:team, :about, :c, :ts)"
            ),
            {"team": TEAM, "about": "checklist:APL", "c": "C100", "ts": "1700000000.000100"},
        )
        conn.execute(
            text(
                "INSERT INTO deliveries (team_id, key, kind, state, attempts, channel_id, message_ts)"
                " VALUES (:team, :key, 'change_request', 'sent', 1, 'D0002', '1700000000.000200')"
            ),
            {"team": TEAM, "key": "change_request:APL-C1:U0002"},
        )
    upgrade(database)
    with database.session(TEAM, write=False) as db:
        assert copies_of(db, about="checklist:APL") == [("C100", "1700000000.000100")]
        assert copies_of(db, about="APL-C1") == [("D0002", "1700000000.000200")]
    database.dispose()


def test_queries_see_only_their_workspace(database: Database) -> None:
    add_project(database, TEAM, "APL")
    add_project(database, OTHER_TEAM, "APL")
    add_project(database, OTHER_TEAM, "ZEN", channel="C200")
    with database.session(TEAM, write=False) as db:
        assert [p.team_id for p in db.scalars(select(Project))] == [TEAM]
        assert db.scalar(select(func.count(Project.id))) == 1
    with database.session(OTHER_TEAM, write=False) as db:
        assert sorted(p.key for p in db.scalars(select(Project))) == ["APL", "ZEN"]


def test_updates_and_deletes_are_scoped_too(database: Database) -> None:
    add_project(database, TEAM, "APL")
    add_project(database, OTHER_TEAM, "APL")
    with database.session(TEAM) as db:
        db.execute(update(Project).values(name="renamed"))
    with database.system_session(write=False) as db:
        names = {p.team_id: p.name for p in db.scalars(select(Project))}
    assert names == {TEAM: "renamed", OTHER_TEAM: "Project APL"}


def test_a_row_of_another_workspace_is_refused(database: Database) -> None:
    database.ensure_workspace(TEAM)
    database.ensure_workspace(OTHER_TEAM)
    with pytest.raises(ScopeError), database.session(TEAM) as db:
        db.add(Project(team_id=OTHER_TEAM, key="X", name="x", channel_id="C1", created_by="U1"))
    with database.system_session(write=False) as db:
        assert db.scalar(select(func.count(Project.id))) == 0


def test_a_session_without_workspace_cannot_query(database: Database) -> None:
    session = database._sessions(bind=database.engine)
    with pytest.raises(ScopeError):
        session.scalars(select(Project)).all()
    session.close()


def test_new_rows_take_the_session_workspace(database: Database) -> None:
    project_id = add_project(database, TEAM, "APL")
    with database.session(TEAM, write=False) as db:
        assert db.get(Project, project_id).team_id == TEAM


def test_key_is_unique_per_workspace_and_one_open_project_per_channel(database: Database) -> None:
    add_project(database, TEAM, "APL", channel="C1")
    with pytest.raises(IntegrityError):
        add_project(database, TEAM, "APL", channel="C2")
    with pytest.raises(IntegrityError):
        add_project(database, TEAM, "BOX", channel="C1")
    # A closed project frees its channel for the next one.
    with database.session(TEAM) as db:
        db.execute(update(Project).values(phase=Phase.CLOSED))
    add_project(database, TEAM, "BOX", channel="C1")


def test_naive_datetimes_are_refused_and_times_come_back_in_utc(database: Database) -> None:
    project_id = add_project(database, TEAM, "APL")
    with pytest.raises(StatementError, match="naive datetime"), database.session(TEAM) as db:
        db.get(Project, project_id).closed_at = datetime(2026, 12, 1, 9, 0)
    with database.session(TEAM, write=False) as db:
        created = db.get(Project, project_id).created_at
    assert created.utcoffset() is not None and created.utcoffset().total_seconds() == 0


def test_money_sums_exactly(database: Database) -> None:
    project_id = add_project(database, TEAM, "APL")
    with database.session(TEAM) as db:
        for _ in range(10):
            db.add(
                CostEntry(
                    project_id=project_id,
                    amount=Decimal("0.10"),
                    category="x",
                    description="d",
                    spent_on=utcnow().date(),
                    logged_by="U1",
                )
            )
    with database.session(TEAM, write=False) as db:
        assert db.scalar(select(func.sum(CostEntry.amount))) == Decimal("1.00")


def test_claim_is_won_once(database: Database) -> None:
    database.ensure_workspace(TEAM)
    values = {"team_id": TEAM, "key": "digest:1:2026-W49", "kind": "digest"}
    with database.session(TEAM) as db:
        first = claim(db, Delivery, values, conflict=["team_id", "key"])
    with database.session(TEAM) as db:
        second = claim(db, Delivery, values, conflict=["team_id", "key"])
    assert (first, second) == (True, False)


def test_read_then_write_loses_no_update_under_concurrency(database: Database) -> None:
    """What BEGIN IMMEDIATE (SQLite) and FOR UPDATE (PostgreSQL) are for."""
    project_id = add_project(database, TEAM, "APL")
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(10):
                with database.session(TEAM) as db:
                    project = db.scalars(
                        select(Project).where(Project.id == project_id).with_for_update()
                    ).one()
                    project.task_seq = project.task_seq + 1
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.session(TEAM, write=False) as db:
        assert db.get(Project, project_id).task_seq == 40


def test_ensure_workspace_is_idempotent(database: Database) -> None:
    database.ensure_workspace(TEAM)
    database.ensure_workspace(TEAM)
    with database.system_session(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Workspace)) == 1


def test_a_pooled_connection_the_server_ended_while_idle_is_replaced_before_use(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pooled PostgreSQL connections are pinged once idle, not at every checkout: one the server
    ended meanwhile is never handed to a request."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("SQLite has no server to end a connection")
    pooled, other = Database(database_url), Database(database_url)
    try:
        with pooled.engine.connect() as conn:
            ended = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with other.engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": ended})
        monkeypatch.setattr(database_module, "PING_AFTER_IDLE_S", 0.0)  # it has lain idle long enough
        with pooled.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() not in (None, ended)
    finally:
        pooled.dispose()
        other.dispose()


def test_ping_says_whether_the_database_answers(database: Database, tmp_path) -> None:
    assert database.ping()
    unreachable = Database(f"sqlite:///{tmp_path}/missing-dir/pmo.db")
    assert not unreachable.ping()


def test_after_refreshing_statistics_a_few_projects_tasks_are_found_through_the_project_index(
    database: Database,
) -> None:
    """A workspace of many projects: reading three of them must not walk all its tasks."""
    ids = [add_project(database, TEAM, f"P{n}", channel=f"C{n}") for n in range(40)]
    for project_id in ids:
        add_tasks(database, project_id, 50)
    database.refresh_statistics()
    some = select(func.count()).select_from(Task).where(Task.project_id.in_(ids[:3]))
    with database.session(TEAM, write=False) as db:
        assert db.scalar(some) == 150
        if database.is_sqlite:  # PostgreSQL plans from the statistics autovacuum keeps
            scoped = some.where(Task.team_id == TEAM).compile(
                database.engine, compile_kwargs={"literal_binds": True}
            )
            plan = db.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {scoped}").all()
            assert "ix_tasks_project_id" in str(plan)


def add_tasks(database: Database, project_id: int, count: int) -> None:
    rows = [
        {"team_id": TEAM, "project_id": project_id, "number": n, "title": f"Task {n}", "created_by": "U0001"}
        for n in range(1, count + 1)
    ]
    with database.session(TEAM) as db:
        db.execute(insert(Task), rows)


def test_statistics_are_gathered_at_start_only_when_missing(database: Database) -> None:
    add_tasks(database, add_project(database, TEAM, "APL"), 3)
    analysed = (
        "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_tasks_project_id'"
        if database.is_sqlite
        else "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'tasks'"
    )

    def statistics() -> object:
        with database.engine.connect() as conn:
            return conn.exec_driver_sql(analysed).scalar()

    database.ensure_statistics()
    first = statistics()
    assert first, "a database without statistics is analysed at start"
    add_tasks(database, add_project(database, TEAM, "NEW", channel="C200"), 7)
    database.ensure_statistics()  # there are some: a restart leaves them to the nightly refresh
    assert statistics() == first
    if database.is_sqlite:  # "<tasks> <tasks per project>"
        assert first == "3 3"
        database.refresh_statistics()
        assert statistics() == "10 5"
