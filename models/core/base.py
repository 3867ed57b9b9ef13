"""Declarative base, naming convention and the column types every table shares."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, MetaData, String, func
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from models.core.clock import utcnow

# Alembic needs stable constraint names to alter them later (and SQLite batch mode needs
# names to recreate tables), so every constraint is named by convention.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC that refuses naive datetimes.

    SQLite has no time zone type and hands back naive values, so the zone is put back on load;
    refusing naive input on the way in is what keeps "9:00 where?" bugs out of the database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


CENT = Decimal("0.01")


class Money(TypeDecorator[Decimal]):
    """An amount of money kept as whole cents.

    Integers sum exactly in SQL on SQLite and PostgreSQL alike; SQLite has no decimal type and
    would round sums of NUMERIC through floats.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        cents = (Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(cents)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(CENT)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())


class TeamScoped(Timestamped):
    """A row that belongs to one Slack workspace.

    Sessions opened for a workspace add `team_id = …` to every ORM query of these classes and
    refuse to flush a row of another workspace (see models.core.scoping), so no data can cross
    workspaces even when a query forgets to say so.
    """

    @declared_attr
    def team_id(cls) -> Mapped[str]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(
            String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE"), index=True, nullable=False
        )


class ProjectItem(TeamScoped):
    """A row that lives inside one project."""

    @declared_attr
    def project_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True, nullable=False)
