"""What Slack knows about people (time zone, locale, name), looked up once a day and cached.

Dates people type are read in their own time zone, so nearly every form needs this; a cache in
the database keeps it to one `users.info` call per person per day across every process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from bot.i18n import language_for_locale
from models.core.claims import claim
from models.core.clock import utcnow
from models.core.workspace import SlackUser

if TYPE_CHECKING:
    # Ctx settles its language through this module, so the import runs one way only.
    from handlers.slack.context import Ctx

log = logging.getLogger(__name__)

FRESH_FOR = timedelta(days=1)
DEFAULT_TZ = "UTC"
NOT_FOUND = {"user_not_found", "users_not_found"}


def _fresh(user: SlackUser | None) -> bool:
    return user is not None and utcnow() - user.fetched_at < FRESH_FOR


def _cached(ctx: Ctx, user_id: str) -> SlackUser | None:
    fetched = ctx.runtime.fetched_profiles.get((ctx.team_id, user_id))
    if fetched is not None:
        return fetched
    with ctx.db(write=False) as db:
        user = db.scalar(select(SlackUser).where(SlackUser.user_id == user_id))
    return user if _fresh(user) else None


def _store(ctx: Ctx, profile: dict[str, Any]) -> SlackUser:
    """The profile as Slack gave it, cached in the database off the request's thread.

    Caching is bookkeeping, not the answer: written inside the request it waited for SQLite's
    write lock (the whole busy timeout while another writer held it) before the answer could
    go. Until the row is written, this process keeps the profile in memory.
    """
    details = profile.get("profile") or {}
    values = {
        "team_id": ctx.team_id,
        "user_id": str(profile["id"]),
        "name": profile.get("real_name") or profile.get("name"),
        "tz": profile.get("tz") or DEFAULT_TZ,
        "locale": profile.get("locale"),
        "status_text": (details.get("status_text") or "")[:200] or None,
        "status_emoji": (details.get("status_emoji") or "")[:100] or None,
        "is_bot": bool(profile.get("is_bot")),
        "deleted": bool(profile.get("deleted")),
        "fetched_at": utcnow(),
    }
    user = SlackUser(**values)
    ctx.runtime.fetched_profiles[(ctx.team_id, user.user_id)] = user
    ctx.runtime.defer(_keep, ctx, values)
    return user


def _keep(ctx: Ctx, values: dict[str, Any]) -> None:
    """Write a fetched profile to the cache; a failure costs only a second `users.info` later."""
    try:
        # A cache, not the request's save: it must not claim the request's submission (handlers.slack.once).
        with ctx.db(claim=False) as db:
            if not claim(db, SlackUser, values, conflict=["team_id", "user_id"]):
                db.execute(
                    update(SlackUser)
                    .where(SlackUser.user_id == values["user_id"])
                    .values({key: value for key, value in values.items() if key != "team_id"})
                )
    except SQLAlchemyError as error:
        log.warning("could not cache the profile of %s: %s", values["user_id"], error.__class__.__name__)
    finally:
        ctx.runtime.fetched_profiles.pop((ctx.team_id, values["user_id"]), None)


def lookup(ctx: Ctx, user_id: str) -> SlackUser | None:
    """The person as Slack describes them, or None when they are not in this workspace."""
    cached = _cached(ctx, user_id)
    if cached is not None:
        return cached
    try:
        answer = ctx.client.users_info(user=user_id, include_locale=True)
    except SlackApiError as error:
        if error.response.get("error") in NOT_FOUND:
            return None
        raise
    return _store(ctx, answer["user"])


def lookup_many(ctx: Ctx, user_ids: Collection[str]) -> dict[str, SlackUser | None]:
    """Many people at once, for a scheduled pass: the cached ones in one query, the rest from Slack."""
    with ctx.db(write=False) as db:
        cached = db.scalars(select(SlackUser).where(SlackUser.user_id.in_(user_ids)))
        found: dict[str, SlackUser | None] = {user.user_id: user for user in cached if _fresh(user)}
    for user_id in user_ids:
        if user_id not in found:
            found[user_id] = lookup(ctx, user_id)
    return found


def is_person(ctx: Ctx, user_id: str) -> bool:
    """A real, active person of this workspace (not a bot, not deactivated)."""
    user = lookup(ctx, user_id)
    return user is not None and not user.is_bot and not user.deleted


def time_zone(ctx: Ctx, user_id: str) -> str:
    user = lookup(ctx, user_id)
    return (user.tz if user else None) or DEFAULT_TZ


def cached_language(ctx: Ctx, user_id: str) -> str:
    """The person's language if their profile is cached, else the workspace default; no writes."""
    user = _cached(ctx, user_id) if user_id else None
    return language_for_locale(user.locale if user else None, ctx.runtime.settings.pmo_language)


def language_of(ctx: Ctx, user_id: str, find: Callable[[str], SlackUser | None] | None = None) -> str:
    """The catalog a person reads: their Slack locale's, else the workspace default.

    Language only changes how things are said, so a Slack that won't describe the person, or a
    database that is down, costs them their language, never the answer. `find` looks the person
    up instead of `lookup` (a scheduled pass's memo of people).
    """
    default = ctx.runtime.settings.pmo_language
    if not user_id:
        return default
    try:
        user = (find or partial(lookup, ctx))(user_id)
    except (SlackApiError, SQLAlchemyError) as error:
        log.warning("no locale for %s (%s): answering in %s", user_id, error.__class__.__name__, default)
        return default
    return language_for_locale(user.locale if user else None, default)
