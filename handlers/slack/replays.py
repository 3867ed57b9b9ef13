"""A signed request sent again does nothing: Slack signs each request it sends once.

The signature check proves a request came from Slack and is no more than five minutes old,
but a request captured on the way could be sent again within those minutes and would run
again (a task added twice, a decision repeated). Each verified request's signature is claimed
in the database (`INSERT … ON CONFLICT DO NOTHING`), so a replay to another replica or after a
restart is recognised too; the replay is answered 200 with an empty body and nothing is done.
The tick forgets signatures once their requests would be refused as stale anyway.

Events are left to `handlers.slack.events`, which handles each event id once: Slack re-sends an
event it thinks was lost (X-Slack-Retry-Num), and that re-delivery is answered there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from sqlalchemy import Insert, bindparam, delete
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime
from bot.signing import SIGNATURE_HEADER, first_value
from handlers.slack.command import CommandRouter
from handlers.slack.context import runtime_of
from handlers.slack.errors import is_database_outage
from models.core.claims import insert_if_absent
from models.core.clock import utcnow
from models.core.database import Database, is_busy
from models.core.records import SeenRequest

log = logging.getLogger(__name__)

# A timestamp is accepted up to five minutes either side of the receiver's clock, so a request
# can be replayed until ten minutes after it was first seen; half a minute more for clock skew
# between replicas.
REMEMBERED = timedelta(minutes=2 * 5, seconds=30)


def first_time(database: Database, signature: str) -> bool:
    """Claim the signature; True for the request that claimed it, False for every replay.

    One statement, no read first: every request pays for the record, and a read first cost
    each of them a second round trip (a connection, a pre-ping on PostgreSQL) so that the rare
    replay would not queue for SQLite's write lock.
    """
    with database.writer(one_statement=True) as conn:
        return conn.execute(_claim_statement(conn.dialect.name), {"signature": signature}).first() is not None


@cache
def _claim_statement(dialect: str) -> Insert:
    """Built once per dialect: building the statement cost as much as sending it, per request."""
    return insert_if_absent(
        SeenRequest, {"signature": bindparam("signature")}, conflict=["signature"], dialect=dialect
    )


def seen_before(database: Database, signature: str) -> bool:
    """Whether a request with this signature was already let in.

    While the database is down, it is let in: whatever it would change needs the database
    too, so a replay can do nothing twice, and `/pmo help` still answers. A busy SQLite is
    different (the listener would wait out the busy timeout again): the user is told so.
    """
    try:
        return not first_time(database, signature)
    except SQLAlchemyError as error:
        if is_busy(error) or not is_database_outage(error):
            raise
        log.warning("could not record a request's signature: %s", error.__class__.__name__)
        return False


def forget_old_signatures(database: Database) -> None:
    # The wall clock, not the pass's `now`: `jobs run --at` a week ahead must not forget the
    # signatures of requests that could still be replayed.
    with database.writer() as conn:
        conn.execute(delete(SeenRequest).where(SeenRequest.created_at < utcnow() - REMEMBERED))


def refuse_replays(
    req: BoltRequest, body: dict[str, Any], context: BoltContext, next: Callable[[], None]
) -> BoltResponse | None:
    """Middleware: a replayed request is answered 200 with an empty body, and nothing is done."""
    signature = first_value(req.headers.get(SIGNATURE_HEADER))
    if signature is None or body.get("type") == "event_callback":  # Socket Mode carries none
        next()
        return None
    if not seen_before(runtime_of(context).database, signature):
        next()
        return None
    log.warning("ignored a replayed request (%s)", body.get("type") or body.get("command"))
    return BoltResponse(status=200, body="")


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    def prune(now: datetime) -> None:
        forget_old_signatures(runtime.database)

    runtime.add_job("prune_seen_requests", prune)
