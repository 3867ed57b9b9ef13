"""Alembic migrations, applied at start-up and by `pmo-bot db upgrade`, under a lock.

Replicas that start together must not run the same migration twice: on PostgreSQL the
upgrade holds an advisory lock; on SQLite it runs in one BEGIN IMMEDIATE transaction, which
the second process waits for and then finds nothing left to do.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Connection, MetaData, text

from models.core.base import Base
from models.core.database import IMMEDIATE, Database

MIGRATIONS_DIR = Path(__file__).parent.parent / "migrations"
# Any constant will do, as long as nothing else in the database uses it for an advisory lock.
ADVISORY_LOCK_KEY = 0x504D4F  # "PMO"

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"


def slack_store_metadata() -> MetaData:
    """The tables of slack-sdk's SQLAlchemy installation and OAuth state stores.

    They are slack-sdk's own definitions; migrating them with ours keeps one schema history.
    """
    metadata = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS_TABLE)
    SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS_TABLE)
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, OAUTH_STATES_TABLE)
    return metadata


def target_metadata() -> list[MetaData]:
    return [Base.metadata, slack_store_metadata()]


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
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


def make_revision(database: Database, message: str, *, rev_id: str | None = None) -> None:
    """Autogenerate a new migration from the models (for developers)."""
    with _migration_connection(database) as conn:
        command.revision(alembic_config(conn), message=message, autogenerate=True, rev_id=rev_id)


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
