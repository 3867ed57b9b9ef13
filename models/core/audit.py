"""The audit log: who changed what, when, with the values before and after."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.records import AuditEntry


def jsonable(value: Any) -> Any:
    """Dates, money and enums as the strings a person would read back."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose value differs, before and after."""
    keys = [key for key in after if jsonable(before.get(key)) != jsonable(after[key])]
    return {key: jsonable(before.get(key)) for key in keys}, {key: jsonable(after[key]) for key in keys}


def record(
    db: Session,
    *,
    project_id: int | None,
    actor_id: str,
    action: str,
    subject: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        project_id=project_id,
        actor_id=actor_id,
        action=action,
        subject=subject,
        before={key: jsonable(value) for key, value in before.items()} if before is not None else None,
        after={key: jsonable(value) for key, value in after.items()} if after is not None else None,
        reason=reason,
    )
    db.add(entry)
    return entry


def history(db: Session, *, project_id: int, subject: str | None = None, limit: int = 50) -> list[AuditEntry]:
    """Newest first."""
    query = select(AuditEntry).where(AuditEntry.project_id == project_id)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    return list(db.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))
