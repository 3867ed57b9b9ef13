"""Test databases: every table's name, a fresh database of a kind, emptying PostgreSQL between tests."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from handlers.slack.installations import schema_metadata

# What the database is not the subject of runs once, on SQLite: wording, parsing, escaping, the
# HTTP boundary, the visibility rule's walk over every verb, that a Home refresh follows an action,
# pages drawn from queries that tests on both databases already read. What a test learns from
# the database itself (its queries' answers, races, locks, limits, migrations) runs on both. Put
# on a test, or on a module as `pytestmark`.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def all_tables() -> list[str]:
    return [table.name for metadata in schema_metadata() for table in metadata.sorted_tables]


def fresh_database_url(database_url: str, tmp_path: Path) -> str:
    """An empty, never-migrated database of the same kind as `database_url`."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/fresh.db"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    name = f"pmo_fresh_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(database_url).set(database=name).render_as_string(hide_password=False)


def empty_postgres(url: str) -> None:
    """Every row gone and every sequence back at 1, as the migrated database was.

    DELETE, children first, rather than TRUNCATE: a test leaves a few rows in a few tables, and
    TRUNCATE makes every table anew (170 ms for the forty, against 25), before each of five
    hundred tests.
    """
    engine = create_engine(url)
    with engine.begin() as conn:
        # The previous test is over: a connection it left behind (a process or thread still
        # finishing) would otherwise hold locks that the deletes would wait on.
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        conn.execute(text("; ".join(f'DELETE FROM "{name}"' for name in children_first())))
        conn.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))
    engine.dispose()


def children_first() -> list[str]:
    return [table.name for metadata in schema_metadata() for table in reversed(metadata.sorted_tables)]
