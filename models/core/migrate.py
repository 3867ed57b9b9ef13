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
from alembic.operations.ops import MigrationScript
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


def source_checkout() -> Path | None:
    """The source checkout the migrations live in, or None when they are an installed copy.

    A migration written into site-packages is lost on the next install, so new ones are only
    written where pyproject.toml sits beside the packages (a checkout, installed editable).
    """
    root = MIGRATIONS_DIR.parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def next_revision_id() -> str:
    """The repository's numbering: the head's number plus one, four digits."""
    head = head_revision() or "0000"
    return f"{int(head.split('_')[0]) + 1:04d}"


def _drop_if_empty(context: MigrationContext, revision: object, directives: list[MigrationScript]) -> None:
    if directives and directives[0].upgrade_ops is not None and directives[0].upgrade_ops.is_empty():
        directives[:] = []


def make_revision(database: Database, message: str, *, metadata: Sequence[MetaData]) -> Path | None:
    """Autogenerate a new migration from `metadata`, every table the app keeps (for developers).

    Required, not defaulted: compared against the domain's tables alone, the migration would
    drop the tables kept beside them. Returns the file written, or None when the models match
    the newest migration (an empty migration is noise in the history).
    """
    with _migration_connection(database) as conn:
        config = alembic_config(conn, metadata)
        config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
        config.attributes["process_revision_directives"] = _drop_if_empty
        script = command.revision(config, message=message, autogenerate=True, rev_id=next_revision_id())
    # Alembic hands back a list when it wrote no script or several.
    written = script if not isinstance(script, list) else script[0] if script else None
    return Path(written.path) if written is not None else None


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
