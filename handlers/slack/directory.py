"""What Slack knows about people (time zone, locale, name), looked up once a day and cached.

Dates people type are read in their own time zone, so nearly every form needs this; a cache in
the database keeps it to one `users.info` call per person per day across every process. A
scheduled pass, which meets thousands of people, reads the whole directory from `users.list`
in pages instead; `user_change` and `team_join` events keep the cache current in between.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.i18n import language_for_locale
from models.core.claims import claim, upsert_rows
from models.core.clock import utcnow
from models.core.workspace import SlackUser, stored_profile

if TYPE_CHECKING:
    # Ctx settles its language through this module, so the import runs one way only.
    from handlers.slack.context import Ctx

log = logging.getLogger(__name__)

FRESH_FOR = timedelta(days=1)
DEFAULT_TZ = "UTC"
NOT_FOUND = {"user_not_found", "users_not_found"}
# Slack asks for pages of at most 200 people; bigger ones risk a timeout on its side.
PAGE_SIZE = 200
# Someone Slack does not know (a guest of a shared channel, a mistyped mention) is not asked
# about again for this long; if they join, their `team_join` event is read before this memo.
ABSENT_FOR = timedelta(hours=1)
# The memo's bound: ids people typed must not grow it without end; the oldest go first.
ABSENT_KEPT = 10_000

# Everyone a read of the whole directory found, by user id, read when first called.
Listed = Callable[[], Mapping[str, SlackUser]]


def _fresh(user: SlackUser | None) -> bool:
    return user is not None and utcnow() - user.fetched_at < FRESH_FOR


def _stored(ctx: Ctx, user_id: str) -> SlackUser | None:
    with ctx.db(write=False) as db:
        return stored_profile(db, user_id)


def _cached(ctx: Ctx, user_id: str, stored: Callable[[], SlackUser | None] | None = None) -> SlackUser | None:
    fetched = ctx.runtime.fetched_profiles.get((ctx.team_id, user_id))
    if fetched is not None:
        return fetched
    user = stored() if stored is not None else _stored(ctx, user_id)
    return user if _fresh(user) else None


def _store(ctx: Ctx, profile: dict[str, Any]) -> SlackUser:
    """The profile as Slack gave it, cached in the database off the request's thread.

    Caching is bookkeeping, not the answer: written inside the request it waited for SQLite's
    write lock (the whole busy timeout while another writer held it) before the answer could
    go. Until the row is written, this process keeps the profile in memory.
    """
    values = _values(ctx.team_id, profile)
    user = SlackUser(**values)
    ctx.runtime.fetched_profiles[(ctx.team_id, user.user_id)] = user
    ctx.runtime.defer(_keep, ctx, values)
    return user


def _values(team_id: str, profile: dict[str, Any]) -> dict[str, Any]:
    """The cache row of a user object as users.info, users.list and events give it."""
    details = profile.get("profile") or {}
    return {
        "team_id": team_id,
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


def lookup(
    ctx: Ctx,
    user_id: str,
    stored: Callable[[], SlackUser | None] | None = None,
    listed: Listed | None = None,
) -> SlackUser | None:
    """The person as Slack describes them, or None when they are not in this workspace.

    `stored` gives their cache row when the caller has read it already (in its own session).
    `listed` gives the people a read of the whole directory found (a scheduled pass's): someone
    it lists costs no call of their own.
    """
    cached = _cached(ctx, user_id, stored)
    if cached is not None:
        return cached
    found = listed().get(user_id) if listed is not None else None
    if found is not None:
        return found
    if _known_absent(ctx, user_id):
        return None
    try:
        answer = ctx.client.users_info(user=user_id, include_locale=True)
    except SlackApiError as error:
        if error.response.get("error") in NOT_FOUND:
            _remember_absent(ctx, user_id)
            return None
        raise
    return _store(ctx, answer["user"])


def _known_absent(ctx: Ctx, user_id: str) -> bool:
    said_at = ctx.runtime.absent_people.get((ctx.team_id, user_id))
    return said_at is not None and utcnow() - said_at < ABSENT_FOR


def _remember_absent(ctx: Ctx, user_id: str) -> None:
    absent = ctx.runtime.absent_people
    absent.pop((ctx.team_id, user_id), None)  # re-inserted last: the newest, dropped last
    absent[(ctx.team_id, user_id)] = utcnow()
    # A copy of the keys, taken at once: other threads may add to the memo meanwhile.
    for oldest in list(absent)[: len(absent) - ABSENT_KEPT]:
        absent.pop(oldest, None)


def fresh_profiles(ctx: Ctx, user_ids: Collection[str]) -> dict[str, SlackUser]:
    """The people among these whose cached profile is fresh, read in one query."""
    with ctx.db(write=False) as db:
        rows = db.scalars(select(SlackUser).where(SlackUser.user_id.in_(user_ids)))
        return {user.user_id: user for user in rows if _fresh(user)}


def directory_if_stale(ctx: Ctx) -> dict[str, SlackUser]:
    """Everyone in the workspace, read in pages, unless this process read them less than a day
    ago (then nobody): someone the directory does not list (a guest from a shared channel) must
    not cost a whole read every minute's tick, and whom it listed is cached since."""
    read_at = ctx.runtime.directory_read_at.get(ctx.team_id)
    if read_at is not None and utcnow() - read_at < FRESH_FOR:
        return {}
    return read_directory(ctx)


def read_directory(ctx: Ctx) -> dict[str, SlackUser]:
    """Everyone in the workspace from `users.list`, page by page, each page cached as it comes.

    The client's retry handler waits out a 429's Retry-After, then asks for the page again.
    """
    everyone: dict[str, SlackUser] = {}
    cursor: str | None = None
    while True:
        answer = ctx.client.users_list(limit=PAGE_SIZE, cursor=cursor, include_locale=True)
        rows = [_values(ctx.team_id, member) for member in answer["members"]]
        _keep_page(ctx, rows)
        everyone |= {row["user_id"]: SlackUser(**row) for row in rows}
        cursor = (answer.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    ctx.runtime.directory_read_at[ctx.team_id] = utcnow()
    return everyone


def _keep_page(ctx: Ctx, rows: list[dict[str, Any]]) -> None:
    """Cache a page of profiles in one statement; a failure costs only another read later."""
    try:
        with ctx.db(claim=False) as db:
            upsert_rows(db, SlackUser, rows, conflict=["team_id", "user_id"])
    except SQLAlchemyError as error:
        log.warning("could not cache a page of profiles: %s", error.__class__.__name__)


def profile_changed(ctx: Ctx, profile: dict[str, Any]) -> None:
    """A person's profile as a `user_change` or `team_join` event gives it, used from now on.

    An event's user carries no locale, so the one already known is kept.
    """
    if "locale" not in profile:
        with ctx.db(write=False) as db:
            locale = db.scalar(select(SlackUser.locale).where(SlackUser.user_id == str(profile["id"])))
        profile = profile | {"locale": locale}
    _store(ctx, profile)


def is_person(ctx: Ctx, user_id: str) -> bool:
    """A real, active person of this workspace (not a bot, not deactivated)."""
    user = lookup(ctx, user_id)
    return user is not None and not user.is_bot and not user.deleted


def time_zone(ctx: Ctx, user_id: str) -> str:
    return zone_of(lookup(ctx, user_id))


def zone_of(user: SlackUser | None) -> str:
    """The time zone a person's dates are read in: their profile's, else UTC."""
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


def cached_names(db: Session, user_ids: Collection[str]) -> dict[str, str]:
    """The names the cache holds for these people, however old: pages that must not wait on
    Slack (the dashboard) label people with them, and with their ids where none is cached."""
    rows = db.execute(select(SlackUser.user_id, SlackUser.name).where(SlackUser.user_id.in_(user_ids)))
    return {user_id: name for user_id, name in rows if name}
