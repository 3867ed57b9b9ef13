"""Alembic environment: always handed a live connection by models.core.migrate."""

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from models.core.base import Money, UTCDateTime

# Migrations are frozen history: they name plain SQLAlchemy types, not our Python-side
# wrappers, so renaming a wrapper can never break an old migration.
PLAIN_TYPES: dict[type, str] = {UTCDateTime: "sa.DateTime(timezone=True)", Money: "sa.BigInteger()"}


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    if kind == "type":
        for wrapper, rendered in PLAIN_TYPES.items():
            if isinstance(obj, wrapper):
                return rendered
    return False


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `pmo-bot db upgrade`, which supplies the connection")

is_sqlite = connection.dialect.name == "sqlite"
context.configure(
    connection=connection,
    target_metadata=context.config.attributes["target_metadata"],
    # SQLite cannot ALTER most things; batch mode recreates the table instead.
    render_as_batch=is_sqlite,
    # SQLite does transactional DDL too; one transaction makes the whole upgrade atomic and,
    # begun IMMEDIATE, serialises concurrent upgrades.
    transactional_ddl=True,
    compare_type=True,
    render_item=render_item,
    # `pmo-bot db revision` drops a migration with nothing in it (models.core.migrate).
    process_revision_directives=context.config.attributes.get("process_revision_directives"),
)

with context.begin_transaction():
    context.run_migrations()
