"""Scheduled sends, each made once: claim the key, send, record what happened.

A Slack error after slack-sdk's own retries (429 with Retry-After, 5xx) is a failure, tried
again later with back-off. A dropped connection is uncertain: Slack may have posted, so the
send is not repeated blindly and stays visible in `pmo-bot jobs status`. So is a claim whose
process died before it could record the outcome (see models.core.deliveries.STALE_CLAIM).
Posts are paced per channel (bot.pacing) so a pass with many sends stays under Slack's limits.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import zip_longest
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.runtime import Runtime
from models.core.clock import utcnow
from models.core.deliveries import claim_delivery, mark_failed, mark_sent, mark_uncertain, notices_due

log = logging.getLogger(__name__)

Send = Callable[[WebClient], SlackResponse]
# Told why a send failed (or may not have arrived).
OnFailure = Callable[[str], None]
UNCERTAIN_ERRORS = (URLError, TimeoutError, ConnectionError)


class NotWrittenError(Exception):
    """The message could not be written (its rows, a bug), so no request left for Slack."""


def send_once(
    runtime: Runtime,
    *,
    team_id: str,
    key: str,
    kind: str,
    now: datetime,
    channel: str,
    send: Send,
    on_failure: OnFailure | None = None,
    payload: str | None = None,
) -> bool:
    """Send to `channel` unless another process or an earlier pass already did; True when this call sent.

    A send that failed or may not have arrived is recorded in the delivery log and told to
    `on_failure` (a scheduled pass counts it against the project it was for). `payload` is kept
    with the claim for a send no pass could make again (bot.outbox.Notice).
    """
    with runtime.database.session(team_id) as db:
        delivery_id = claim_delivery(db, team_id=team_id, key=key, kind=kind, now=now, payload=payload)
    if delivery_id is None:
        return False
    failed = on_failure or (lambda reason: None)
    try:
        with runtime.pacer.slot(team_id, channel):
            answer = send(runtime.client_for(team_id))
    except SlackApiError as error:
        reason = str(error.response.get("error") or error)
        log.warning("send %s failed: %s", key, reason)
        with runtime.database.session(team_id) as db:
            mark_failed(db, delivery_id, now=now, error=reason)
        failed(reason)
        return False
    except UNCERTAIN_ERRORS as error:
        log.warning("send %s may or may not have reached Slack: %s", key, error)
        with runtime.database.session(team_id) as db:
            mark_uncertain(db, delivery_id, error=str(error))
        failed(f"may or may not have reached Slack: {error}")
        return False
    except NotWrittenError as error:
        # Nothing reached Slack: a failure tried again with back-off, not a claim left hanging.
        log.error("send %s could not be written: %s", key, error, exc_info=error.__cause__)
        with runtime.database.session(team_id) as db:
            mark_failed(db, delivery_id, now=now, error=str(error))
        failed(str(error))
        return False
    except Exception as error:
        # Anything else may have happened after the request left: shown, never re-sent blindly.
        log.exception("send %s ended in an unexpected error", key)
        with runtime.database.session(team_id) as db:
            mark_uncertain(db, delivery_id, error=repr(error))
        failed(f"may or may not have reached Slack: {error!r}")
        return False
    with runtime.database.session(team_id) as db:
        mark_sent(db, delivery_id, now=now, channel_id=answer.get("channel"), ts=answer.get("ts"))
    return True


Blocks = list[dict[str, Any]]
SEND_WORKERS = 4


def post_dm(client: WebClient, user: str, text: str, blocks: Blocks) -> SlackResponse:
    return client.chat_postMessage(channel=user, text=text, blocks=blocks)


@dataclass(frozen=True)
class Dm:
    """One direct message to send once: its delivery key, kind, recipient and content."""

    key: str
    kind: str
    user: str
    text: str
    blocks: Blocks
    subject: str = ""  # whom a failure is counted against in `jobs status`: a project's key

    def outgoing(self) -> Outgoing:
        return Outgoing(self.key, self.kind, self.user, self.post, self.subject)

    def post(self, client: WebClient) -> SlackResponse:
        return post_dm(client, self.user, self.text, self.blocks)


@dataclass(frozen=True)
class DmLater:
    """A direct message found due, written only when it is sent: a pass may find thousands."""

    key: str
    kind: str
    user: str
    write: Callable[[], tuple[str, Blocks]]
    subject: str = ""

    def outgoing(self) -> Outgoing:
        return Outgoing(self.key, self.kind, self.user, self.post, self.subject)

    def post(self, client: WebClient) -> SlackResponse:
        try:
            text, blocks = self.write()
        except Exception as error:
            raise NotWrittenError(repr(error)) from error
        return post_dm(client, self.user, text, blocks)


def send_dm(runtime: Runtime, *, team_id: str, now: datetime, dm: Dm) -> bool:
    return send_once(
        runtime, team_id=team_id, key=dm.key, kind=dm.kind, now=now, channel=dm.user, send=dm.post
    )


@dataclass(frozen=True)
class Outgoing:
    """One scheduled send: its delivery key and kind, the channel it goes to, and how to make it."""

    key: str
    kind: str
    channel: str
    send: Send
    subject: str = ""  # whom a failure is counted against in `jobs status`: a project's key


def send_all(
    runtime: Runtime,
    *,
    team_id: str,
    now: datetime,
    outgoing: list[Outgoing],
    on_failure: Callable[[Outgoing, str], None] | None = None,
) -> int:
    """Send each once, several at a time; how many this call sent. One failing stops no other.

    Slack takes 100 to 300 ms to answer a post, so a pass of a thousand digests one after the
    other would take minutes. Sends go in waves of one message per channel: a channel's
    messages keep their order and are spread across the pass, so the pacer (one post a second
    per channel) rarely has to hold a worker back.
    """
    by_channel: dict[str, list[Outgoing]] = defaultdict(list)
    for item in outgoing:
        by_channel[item.channel].append(item)
    waves = [[item for item in wave if item is not None] for wave in zip_longest(*by_channel.values())]

    def failed(item: Outgoing, reason: str) -> None:
        if on_failure is not None:
            on_failure(item, reason)

    def send(item: Outgoing) -> bool:
        try:
            return send_once(
                runtime,
                team_id=team_id,
                key=item.key,
                kind=item.kind,
                now=now,
                channel=item.channel,
                send=item.send,
                on_failure=partial(failed, item),
            )
        except Exception as error:  # the delivery log itself (a database fault): this send only
            log.exception("send %s failed", item.key)
            failed(item, repr(error))
            return False

    if len(by_channel) <= 1:
        return sum(send(item) for item in outgoing)
    workers = min(SEND_WORKERS, len(by_channel))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pmo-send") as pool:
        return sum(sum(pool.map(send, wave)) for wave in waves)


# How many failed notifications one pass sends again; the rest wait for the next tick.
NOTICES_PER_PASS = 200


@dataclass(frozen=True)
class Notice:
    """A message people depend on, sent after the answer: an approval request to a decider, an
    assignment DM, a channel announcement.

    It goes through the delivery log with what it says, so a send Slack refused (an outage, a
    rate limit past the client's retries) is made again by the `notices` pass after its
    back-off, and one whose outcome is unknown is shown in `pmo-bot jobs status`, not repeated.
    """

    key: str
    kind: str
    channel: str
    text: str
    blocks: Blocks | None = None

    @classmethod
    def once(cls, kind: str, *about: object, channel: str, text: str, blocks: Blocks | None = None) -> Notice:
        """A notice that happens once per `about` (a request to one decider): a second is not sent."""
        return cls(":".join(str(part) for part in (kind, *about, channel)), kind, channel, text, blocks)

    @classmethod
    def new(cls, kind: str, *about: object, channel: str, text: str, blocks: Blocks | None = None) -> Notice:
        """A notice of an event that may happen again (a charter edited twice): each is sent."""
        return cls.once(kind, *about, uuid.uuid4().hex[:12], channel=channel, text=text, blocks=blocks)

    def payload(self) -> str:
        return json.dumps({"channel": self.channel, "text": self.text, "blocks": self.blocks})

    @classmethod
    def stored(cls, key: str, kind: str, payload: str) -> Notice:
        saved = json.loads(payload)
        return cls(key, kind, saved["channel"], saved["text"], saved.get("blocks"))

    def post(self, client: WebClient) -> SlackResponse:
        return client.chat_postMessage(channel=self.channel, text=self.text, blocks=self.blocks)


def send_notice(
    runtime: Runtime,
    team_id: str,
    notice: Notice,
    now: datetime | None = None,
    on_failure: OnFailure | None = None,
) -> bool:
    """Send `notice` once, recorded with its content so a failure is tried again; True when sent."""
    return send_once(
        runtime,
        team_id=team_id,
        key=notice.key,
        kind=notice.kind,
        now=now or utcnow(),
        channel=notice.channel,
        send=notice.post,
        on_failure=on_failure,
        payload=notice.payload(),
    )


def retry_notices(runtime: Runtime, now: datetime) -> list[str]:
    """The `notices` pass: send again the notifications that failed and whose back-off has passed.

    Answers what failed again (one line a notice), so `jobs run notices` exits non-zero then.
    """
    with runtime.database.system_session(write=False) as db:
        due = [
            (row.team_id, Notice.stored(row.key, row.kind, row.payload or "{}"))
            for row in notices_due(db, now=now, limit=NOTICES_PER_PASS)
        ]
    failures: list[str] = []
    for team_id, notice in due:
        send_notice(
            runtime,
            team_id,
            notice,
            now,
            on_failure=_noting(failures, notice.key),
        )
    return failures


def _noting(failures: list[str], key: str) -> OnFailure:
    """A failure handler that notes the reason as one line naming the notice."""
    return lambda reason: failures.append(f"{key}: {reason}")
