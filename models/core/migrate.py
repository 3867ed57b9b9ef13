"""Alembic migrations, applied at start-up and by `pmo-bot db upgrade`, under a lock.

Replicas that start together must not run the same migration twice: on PostgreSQL the
upgrade holds an advisory lock; on SQLite it runs in one BEGIN IMMEDIATE transaction, which
the second process waits for and then finds nothing left to do.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, text

from models.core.base import Base
from models.core.database import IMMEDIATE, Database

MIGRATIONS_DIR = Path(__file__).parent.parent / "migrations"
# Any constant will do, as long as nothing else in the database uses it for an advisory lock.
ADVISORY_LOCK_KEY = 0x504D4F  # "PMO"


def target_metadata(*beside: MetaData) -> list[MetaData]:
    """The tables migrations keep: the domain's, and `beside` them those the app keeps for Slack.

    The domain knows nothing of Slack, so the Slack plumbing hands its tables in
    (handlers.slack.installations.schema_metadata).
    """
    return [Base.metadata, *beside]


def alembic_config(connection: Connection | None = None, metadata: Sequence[MetaData] = ()) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    # Only autogenerate reads it: an upgrade applies the migrations as written.
    config.attributes["target_metadata"] = list(metadata) or target_metadata()
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# Alembic's `context` is a module-level proxy, so two threads of one process must not migrate
# at once; other processes are kept out by the database lock below.
_IN_PROCESS = threading.Lock()


def upgrade(database: Database, revision: str = "head") -> None:
    with _IN_PROCESS, _migration_connection(database) as conn:
        command.upgrade(alembic_config(conn), revision)
        conn.commit()


def make_revision(
    database: Database, message: str, *, metadata: Sequence[MetaData], rev_id: str | None = None
) -> None:
    """Autogenerate a new migration from `metadata`, every table the app keeps (for developers).

    Required, not defaulted: compared against the domain's tables alone, the migration would
    drop the tables kept beside them.
    """
    with _migration_connection(database) as conn:
        command.revision(alembic_config(conn, metadata), message=message, autogenerate=True, rev_id=rev_id)


@contextmanager
def _migration_connection(database: Database) -> Iterator[Connection]:
    with database.engine.connect() as conn:
        if database.is_sqlite:
            yield conn.execution_options(**{IMMEDIATE: True})
            return
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        conn.commit()
        try:
            yield conn
        finally:
            conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
            conn.commit()
