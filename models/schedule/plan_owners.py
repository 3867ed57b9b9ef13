"""Whom a plan file's people are: the workspace's people as the directory cache knows them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.workspace import SlackUser
from models.schedule.mspdi import PlanResource
from models.schedule.plan_import import Owner


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def directory_owner(db: Session) -> Owner:
    """A resource matched by the user id or the name (real or display, any case) Slack gives a
    person; a name two people share matches neither, so work never lands with the wrong one."""
    rows = db.execute(
        select(SlackUser.user_id, SlackUser.name).where(
            SlackUser.is_bot.is_(False), SlackUser.deleted.is_(False)
        )
    ).all()
    ids = {user_id for user_id, _ in rows}
    named: dict[str, set[str]] = {}
    for user_id, name in rows:
        if name:
            named.setdefault(_folded(name), set()).add(user_id)

    def owner(resource: PlanResource) -> str | None:
        if resource.name in ids:
            return resource.name
        found = named.get(_folded(resource.name), set())
        return next(iter(found)) if len(found) == 1 else None

    return owner
