"""Whom a plan file's people are: the workspace's people as the directory cache knows them."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.workspace import SlackUser
from models.schedule.mspdi import PlanResource
from models.schedule.plan_import import Owner


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def directory_owner(db: Session, emails: Mapping[str, str] | None = None) -> Owner:
    """A resource matched by the user id, by its email address (`emails`: each address, case
    folded, to the user id Slack gave for it) or by the name Slack gives a person (any case); a
    name two people share matches neither, so work never lands with the wrong one."""
    by_email = emails or {}
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
        if resource.email and resource.email.casefold() in by_email:
            return by_email[resource.email.casefold()]
        found = named.get(_folded(resource.name), set())
        return next(iter(found)) if len(found) == 1 else None

    return owner
