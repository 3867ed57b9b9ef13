"""What the database holds, row by row, so a test can say a refused request changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from models.core.database import Database
from tests.support.databases import all_tables

# Caches and bookkeeping a request may touch without changing anything a person owns: the
# workspace seen for the first time, a Slack profile looked up, an event id or a request's
# signature remembered.
NOT_CONTENT = frozenset({"workspaces", "slack_users", "inbound_events", "seen_requests", "alembic_version"})


def contents(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that holds what people made, in primary-key order."""
    found = {}
    with database.engine.connect() as conn:
        for table in all_tables():
            if table not in NOT_CONTENT:
                rows = conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1'))
                found[table] = [tuple(row) for row in rows]
    return found
