"""Records the bot keeps about itself: the audit log, sends and where they landed, inbound events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, TeamScoped, Timestamped, UTCDateTime
from models.core.enums import DeliveryState, Health, stored_enum


class AuditEntry(TeamScoped, Base):
    """Who changed what, when, with the values before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str | None] = mapped_column(String(40), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    change_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_requests.id", ondelete="SET NULL")
    )


class Delivery(TeamScoped, Base):
    """One send, claimed by key before it is sent so it is sent once, and where it landed.

    The key names the kind, target and period (`digest:<project>:<ISO week>`,
    `standup:<project>:<user>:<local date>`…); whichever process inserts it first sends.
    Messages with the same `about` are copies of one thing (a change request in the channel
    and in each decider's DMs): when it changes, every copy is edited together.
    """

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    state: Mapped[DeliveryState] = mapped_column(stored_enum(DeliveryState), default=DeliveryState.CLAIMED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the current attempt was claimed (the wall clock, not a pass's `--at`): a claim that
    # has had no outcome for long is a process that died mid-send.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # A notification a listener queued (bot.outbox.Notice), as JSON: no pass can rebuild it,
    # so a failed one is sent again from what is stored here.
    payload: Mapped[str | None] = mapped_column(Text)
    about: Mapped[str | None] = mapped_column(String(60), index=True)


class InboundEvent(TeamScoped, Base):
    """An Events API delivery already handled; Slack retries unacknowledged events."""

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("team_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64))


class HealthSnapshot(TeamScoped, Base):
    """A project's health as of one ISO week, for week-on-week change and portfolio charts."""

    __tablename__ = "health_snapshots"
    __table_args__ = (UniqueConstraint("project_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(10))
    health: Mapped[Health] = mapped_column(stored_enum(Health))
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)


class SeenRequest(Timestamped, Base):
    """The signature of a signed request already acted on, so a replay does nothing twice.

    Kept in the database, not in memory, so that a request replayed to another replica or after
    a restart is recognised too; the signature is checked before the body is read, so the row
    belongs to no workspace yet. Pruned by the tick once Slack's five-minute window has passed.
    """

    __tablename__ = "seen_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(String(100), unique=True)


class HandledSubmission(TeamScoped, Base):
    """A form submission or button press already saved: the same one again saves nothing.

    `key` names what was submitted (a view id, a message's button and its value); `outcome` is
    what the first submission answered, so a double click gets the same answer.
    """

    __tablename__ = "handled_submissions"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PassFailure(TeamScoped, Base):
    """What went wrong for one project (or person) in a scheduled pass, for `pmo-bot jobs status`.

    One row per pass and subject, updated each time it fails again: a project that fails every
    minute's tick is one line with a count, not a thousand rows a day.
    """

    __tablename__ = "pass_failures"
    __table_args__ = (UniqueConstraint("team_id", "pass_name", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pass_name: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(Text)
    times: Mapped[int] = mapped_column(default=1)
    # The wall clock, not the pass's `--at`: when an operator would have seen it fail.
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
