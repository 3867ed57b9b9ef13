"""The delivery log: a send is claimed by key before it is made, so it is made once.

It is also the one record of where each message landed: the sends made `about` one thing are
its copies, found by `copies_of` to be edited together.

Whoever inserts the key first sends (`INSERT … ON CONFLICT DO NOTHING RETURNING`). A send
that failed is claimed again once its back-off has passed; one whose outcome is unknown (the
connection dropped after Slack may have posted) is marked uncertain and never re-sent blindly.
A claim with no outcome after STALE_CLAIM belongs to a process that died between claiming and
recording: it too may or may not have reached Slack, so it is shown as uncertain, never re-sent.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, Update, bindparam, select, update
from sqlalchemy.orm import Session

from models.core.claims import claimed_rows
from models.core.clock import utcnow
from models.core.enums import DeliveryState
from models.core.records import Delivery

# Waits before the 2nd, 3rd… attempt; after the last one a failed send stays failed, visibly.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
ERROR_MAX = 500
# Longer than any one send can take (a 10 s timeout, Retry-After waits, pacing), so a claim this
# old with no outcome is one whose process died.
STALE_CLAIM = timedelta(minutes=10)
STALE_ERROR = "claimed, then no outcome recorded: the process may have stopped mid-send"
# What `pmo-bot jobs status` keeps showing as needing attention.
ATTENTION_FOR = timedelta(days=7)


def _update() -> Update:
    # Sessions that record sends hold no Delivery objects to keep in step, and the ORM's
    # synchronisation doubled the cost of each of a pass's thousand updates.
    return update(Delivery).execution_options(synchronize_session=False)


@dataclass(frozen=True)
class Claim:
    """One send to claim: its key, its kind, what a kept notice says and what it is about."""

    key: str
    kind: str
    payload: str | None = None
    about: str | None = None


def claim_deliveries(db: Session, *, team_id: str, claims: Sequence[Claim], now: datetime) -> dict[str, int]:
    """Of a group of sends, those this caller should make now, each key with its delivery id.

    The new keys are claimed in one statement; only when some were already in the log does a
    second statement take those of them that failed and whose back-off has passed.
    """
    if not claims:
        return {}
    claimed_at = utcnow()
    rows = [
        {
            "team_id": team_id,
            "key": claim.key,
            "kind": claim.kind,
            "state": DeliveryState.CLAIMED,
            "attempts": 1,
            "claimed_at": claimed_at,
            "payload": claim.payload,
            "about": claim.about,
        }
        for claim in claims
    ]
    inserted = claimed_rows(db, Delivery, rows, conflict=["team_id", "key"], returning=[Delivery.key])
    mine = {row.key: int(row.id) for row in inserted}
    refused = [claim.key for claim in claims if claim.key not in mine]
    if refused:
        retried = db.execute(
            _update()
            .where(
                Delivery.team_id == team_id,
                Delivery.key.in_(refused),
                Delivery.state == DeliveryState.FAILED,
                Delivery.next_attempt_at.is_not(None),
                Delivery.next_attempt_at <= now,
            )
            .values(
                state=DeliveryState.CLAIMED,
                attempts=Delivery.attempts + 1,
                next_attempt_at=None,
                claimed_at=claimed_at,
            )
            .returning(Delivery.id, Delivery.key)
        )
        mine |= {key: int(delivery_id) for delivery_id, key in retried}
    return mine


def settled_keys(db: Session, keys: Collection[str], now: datetime) -> set[str]:
    """Those of `keys` that `claim_deliveries` would refuse now: a pass need not even prepare them."""
    rows = db.execute(
        select(Delivery.key, Delivery.state, Delivery.next_attempt_at).where(Delivery.key.in_(keys))
    )
    return {
        key
        for key, state, retry_at in rows
        if not (state is DeliveryState.FAILED and retry_at is not None and retry_at <= now)
    }


@dataclass(frozen=True)
class Landed:
    """Where Slack put a message it accepted."""

    delivery_id: int
    channel_id: str | None
    ts: str | None


# One statement for a group's accepted sends, each row's own values as parameters: executed
# with a group's rows, it is compiled once per process, where a CASE over the group's ids built
# and compiled a new statement for every group (most of what recording a group cost).
_SENT = (
    update(Delivery)
    .where(Delivery.id == bindparam("sent_id"))
    .values(
        state=DeliveryState.SENT,
        sent_at=bindparam("sent_now"),
        channel_id=bindparam("sent_channel"),
        message_ts=bindparam("sent_ts"),
        last_error=None,
    )
)


def mark_sent(db: Session, landed: Sequence[Landed], *, now: datetime) -> None:
    """Record the sends of a group that Slack accepted, all in one statement."""
    if not landed:
        return
    rows = [
        {"sent_id": sent.delivery_id, "sent_now": now, "sent_channel": sent.channel_id, "sent_ts": sent.ts}
        for sent in landed
    ]
    # On the session's connection: the session holds no Delivery objects to keep in step.
    db.connection().execute(_SENT, rows)


def mark_failed(db: Session, delivery_id: int, *, now: datetime, error: str) -> None:
    attempts = db.scalar(select(Delivery.attempts).where(Delivery.id == delivery_id)) or 1
    retry = now + BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else None
    db.execute(
        _update()
        .where(Delivery.id == delivery_id)
        .values(state=DeliveryState.FAILED, last_error=error[:ERROR_MAX], next_attempt_at=retry)
    )


def mark_uncertain(db: Session, delivery_id: int, *, error: str) -> None:
    db.execute(
        _update()
        .where(Delivery.id == delivery_id)
        .values(state=DeliveryState.UNCERTAIN, last_error=error[:ERROR_MAX])
    )


def expire_stale_claims(db: Session, *, now: datetime) -> int:
    """Claims older than STALE_CLAIM with no outcome become uncertain; how many did."""
    result = db.execute(
        _update()
        .where(Delivery.state == DeliveryState.CLAIMED, Delivery.claimed_at < now - STALE_CLAIM)
        .values(state=DeliveryState.UNCERTAIN, last_error=STALE_ERROR)
    )
    return _rowcount(result)


def send_again(db: Session, *, key: str, now: datetime) -> int:
    """An operator's call on a failed or uncertain send: the next pass that finds it due sends it.

    For an uncertain send this may post a second copy; whoever calls it has checked Slack.
    """
    result = db.execute(
        _update()
        .where(Delivery.key == key, Delivery.state.in_([DeliveryState.FAILED, DeliveryState.UNCERTAIN]))
        .values(state=DeliveryState.FAILED, next_attempt_at=now)
    )
    return _rowcount(result)


def _rowcount(result: Result[Any]) -> int:
    # An UPDATE's result is a CursorResult, which alone counts rows; Session.execute is typed
    # with the Result every statement gives.
    return cast(CursorResult[Any], result).rowcount or 0


def notices_due(db: Session, *, now: datetime, limit: int) -> list[Delivery]:
    """Failed notifications (those with a stored payload) whose back-off has passed, oldest first."""
    return list(
        db.scalars(
            select(Delivery)
            .where(
                Delivery.payload.is_not(None),
                Delivery.state == DeliveryState.FAILED,
                Delivery.next_attempt_at.is_not(None),
                Delivery.next_attempt_at <= now,
            )
            .order_by(Delivery.id)
            .limit(limit)
        )
    )


def copies_of(db: Session, *, about: str) -> list[tuple[str, str]]:
    """The channel and ts of every message sent about `about`, oldest first."""
    rows = db.execute(
        select(Delivery.channel_id, Delivery.message_ts)
        .where(
            Delivery.about == about,
            Delivery.state == DeliveryState.SENT,
            Delivery.message_ts.is_not(None),
        )
        .order_by(Delivery.id)
    )
    return [(channel, ts) for channel, ts in rows if channel and ts is not None]


def delivery_by_key(*, db: Session, key: str) -> Delivery | None:
    return db.scalar(select(Delivery).where(Delivery.key == key))


def recent_deliveries(db: Session, *, limit: int) -> list[Delivery]:
    return list(db.scalars(select(Delivery).order_by(Delivery.id.desc()).limit(limit)))


def deliveries_needing_attention(db: Session, *, now: datetime, limit: int) -> list[Delivery]:
    """Failed and uncertain sends of the past week, oldest first, whatever else happened since."""
    return list(
        db.scalars(
            select(Delivery)
            .where(
                Delivery.state.in_([DeliveryState.FAILED, DeliveryState.UNCERTAIN]),
                Delivery.created_at >= now - ATTENTION_FOR,
            )
            .order_by(Delivery.id)
            .limit(limit)
        )
    )
