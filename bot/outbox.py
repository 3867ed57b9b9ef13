"""The one sender: every message the bot sends on its own, each made once.

A listener's notice after its answer and a scheduled pass's DMs, posts and files all go the
same way: claim the key in the delivery log, send, record what happened (where the message
was posted and what it is about, so all copies of one thing can be edited together:
models.core.deliveries.copies_of). Whether it was already sent is decided here, never by the
caller, and the delivery log is the only record of where messages went.

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
from collections.abc import Callable, Iterable, Iterator
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

from bot.blocks import fallback
from bot.runtime import Runtime
from models.core.clock import utcnow
from models.core.deliveries import (
    Claim,
    Landed,
    claim_deliveries,
    mark_failed,
    mark_sent,
    mark_uncertain,
    notices_due,
    settled_keys,
)

log = logging.getLogger(__name__)

# Told why a send failed (or may not have arrived).
OnFailure = Callable[[str], None]
UNCERTAIN_ERRORS = (URLError, TimeoutError, ConnectionError)


class NotWrittenError(Exception):
    """The message could not be written (its rows, a bug), so no request left for Slack."""


def send_once(
    runtime: Runtime,
    *,
    team_id: str,
    now: datetime,
    notice: Notice,
    on_failure: OnFailure | None = None,
) -> bool:
    """Send `notice` unless another process or an earlier pass already did; True when this call sent.

    A send that failed or may not have arrived is recorded in the delivery log and told to
    `on_failure` (a scheduled pass counts it against the project it was for). A kept notice's
    content is stored with its claim, for a send no pass could make again.
    """
    told = on_failure or (lambda reason: None)
    sent = send_group(runtime, team_id=team_id, now=now, group=[notice], on_failure=lambda _, why: told(why))
    return sent == 1


def send_group(
    runtime: Runtime,
    *,
    team_id: str,
    now: datetime,
    group: list[Notice],
    on_failure: OnNoticeFailure,
    mapper: Mapper = map,
) -> int:
    """`send_once` for a group of notices posted all at once (`mapper` runs them side by side):
    how many this call sent. A fault of the delivery log itself is raised."""
    sending = Sending(runtime, team_id, now, on_failure)
    sending.group(group, mapper)
    return sending.finish()


class Sending:
    """Groups of notices sent one after the other, each claimed in one statement.

    Every claimed post starts as soon as its claim is committed, so a process killed then
    leaves no claim that was never tried: each claim it leaves is a post that may have reached
    Slack, which is never sent again (STALE_CLAIM makes it uncertain), and what it had not
    claimed the next run sends. A failure is recorded the moment Slack answers it. The posts
    Slack accepted are recorded together, in the transaction that claims the next group (or
    at `finish`): a pass commits once per group, where a commit per post was most of what a
    digest pass spent beside its posts, and a commit for the claims and another for the
    outcomes still took a fifth of it. A process killed before that commit leaves those claims
    to become uncertain: shown, never sent twice.
    """

    def __init__(self, runtime: Runtime, team_id: str, now: datetime, on_failure: OnNoticeFailure) -> None:
        self.runtime, self.team_id, self.now, self.on_failure = runtime, team_id, now, on_failure
        self.landed: list[tuple[Notice, Landed]] = []  # accepted by Slack, not yet recorded
        self.recorded = 0

    def group(self, group: list[Notice], mapper: Mapper = map) -> None:
        """Claim and post a group; a fault of the delivery log is raised (this group is not sent)."""
        unique = list({notice.key: notice for notice in group}.values())
        claims = [Claim(n.key, n.kind, n.payload(), n.about or None) for n in unique]
        landed, self.landed = self.landed, []
        try:
            with self.runtime.database.session(self.team_id) as db:
                mark_sent(db, [sent for _, sent in landed], now=self.now)
                claimed = claim_deliveries(db, team_id=self.team_id, claims=claims, now=self.now)
        except Exception:
            self._record_alone(landed)  # the claim's fault must not lose what was already sent
            raise
        self.recorded += len(landed)
        mine = [(notice, claimed[notice.key]) for notice in unique if notice.key in claimed]
        post = partial(_post, self.runtime, self.team_id, self.now, self.on_failure)
        posted = zip((notice for notice, _ in mine), mapper(post, mine), strict=True)
        self.landed = [(notice, sent) for notice, sent in posted if sent is not None]

    def finish(self) -> int:
        """Record the last group's accepted posts; how many were sent and recorded in all.

        A fault of the delivery log is raised, and `landed` still holds what was not recorded.
        """
        if self.landed:
            self._record(self.landed)
            self.landed = []
        return self.recorded

    def close(self) -> int:
        """`finish`, telling `on_failure` of each post it could not record instead of raising."""
        landed, self.landed = self.landed, []
        self._record_alone(landed)
        return self.recorded

    def _record(self, landed: list[tuple[Notice, Landed]]) -> None:
        with self.runtime.database.session(self.team_id) as db:
            mark_sent(db, [sent for _, sent in landed], now=self.now)
        self.recorded += len(landed)

    def _record_alone(self, landed: list[tuple[Notice, Landed]]) -> None:
        if not landed:
            return
        try:
            self._record(landed)
        except Exception as error:
            log.exception("could not record %d sends Slack accepted", len(landed))
            for notice, _ in landed:
                self.on_failure(notice, repr(error))


def _post(
    runtime: Runtime, team_id: str, now: datetime, on_failure: OnNoticeFailure, claimed: tuple[Notice, int]
) -> Landed | None:
    """Make one claimed post: where it landed, or None once a failure is recorded."""
    notice, delivery_id = claimed
    key = notice.key
    try:
        with runtime.pacer.slot(team_id, notice.channel):
            answer = notice.post(runtime.client_for(team_id))
    except SlackApiError as error:
        reason = str(error.response.get("error") or error)
        log.warning("send %s failed: %s", key, reason)
        with runtime.database.session(team_id) as db:
            mark_failed(db, delivery_id, now=now, error=reason)
        on_failure(notice, reason)
        return None
    except UNCERTAIN_ERRORS as error:
        log.warning("send %s may or may not have reached Slack: %s", key, error)
        with runtime.database.session(team_id) as db:
            mark_uncertain(db, delivery_id, error=str(error))
        on_failure(notice, f"may or may not have reached Slack: {error}")
        return None
    except NotWrittenError as error:
        # Nothing reached Slack: a failure tried again with back-off, not a claim left hanging.
        log.error("send %s could not be written: %s", key, error, exc_info=error.__cause__)
        with runtime.database.session(team_id) as db:
            mark_failed(db, delivery_id, now=now, error=str(error))
        on_failure(notice, str(error))
        return None
    except Exception as error:
        # Anything else may have happened after the request left: shown, never re-sent blindly.
        log.exception("send %s ended in an unexpected error", key)
        with runtime.database.session(team_id) as db:
            mark_uncertain(db, delivery_id, error=repr(error))
        on_failure(notice, f"may or may not have reached Slack: {error!r}")
        return None
    return Landed(delivery_id, answer.get("channel"), answer.get("ts"))


Blocks = list[dict[str, Any]]
SEND_WORKERS = 4


@dataclass(frozen=True)
class Content:
    """What a message says: its text (a file's comment), its blocks, and a file to upload with it."""

    text: str
    blocks: Blocks | None = None
    file: bytes | None = None
    filename: str = ""


Write = Callable[[], Content]


@dataclass(frozen=True)
class Notice:
    """One message the bot sends once: a channel post, a DM (its channel a user id) or a file.

    A listener's notice (an approval request to a decider, an assignment DM, a channel
    announcement) is `kept`: it goes through the delivery log with what it says, so a send Slack
    refused (an outage, a rate limit past the client's retries) is made again by the `notices`
    pass after its back-off. A scheduled pass's message (`Notice.due`) is not kept: the pass
    makes it again on its next run. One whose outcome is unknown is shown in `pmo-bot jobs
    status`, never repeated. A message a pass may find thousands of is written only when it
    is sent (`write`).
    """

    key: str
    kind: str
    channel: str
    text: str = ""
    blocks: Blocks | None = None
    subject: str = ""  # whom a failure is counted against in `jobs status`: a project's key
    write: Write | None = None
    kept: bool = True
    # What the message shows (a change request's key): its copies are edited together later.
    about: str = ""

    @classmethod
    def once(
        cls,
        kind: str,
        *parts: object,
        channel: str,
        text: str,
        blocks: Blocks | None = None,
        about: str = "",
    ) -> Notice:
        """A notice that happens once per `parts` (a request to one decider): a second is not sent."""
        key = ":".join(str(part) for part in (kind, *parts, channel))
        return cls(key, kind, channel, text, blocks, about=about)

    @classmethod
    def new(
        cls,
        kind: str,
        *parts: object,
        channel: str,
        text: str,
        blocks: Blocks | None = None,
        about: str = "",
    ) -> Notice:
        """A notice of an event that may happen again (a charter edited twice): each is sent."""
        unique = uuid.uuid4().hex[:12]
        return cls.once(kind, *parts, unique, channel=channel, text=text, blocks=blocks, about=about)

    @classmethod
    def due(
        cls,
        key: str,
        kind: str,
        channel: str,
        text: str = "",
        blocks: Blocks | None = None,
        *,
        write: Write | None = None,
        subject: str = "",
        about: str = "",
    ) -> Notice:
        """A scheduled pass's message: made again by the pass, so not kept in the log."""
        return cls(key, kind, channel, text, blocks, subject, write, kept=False, about=about)

    def payload(self) -> str | None:
        if not self.kept:
            return None
        return json.dumps({"channel": self.channel, "text": self.text, "blocks": self.blocks})

    @classmethod
    def stored(cls, key: str, kind: str, payload: str) -> Notice:
        saved = json.loads(payload)
        return cls(key, kind, saved["channel"], saved["text"], saved.get("blocks"))

    def content(self) -> Content:
        if self.write is None:
            return Content(self.text, self.blocks)
        try:
            return self.write()
        except Exception as error:
            raise NotWrittenError(repr(error)) from error

    def post(self, client: WebClient) -> SlackResponse:
        content = self.content()
        if content.file is not None:
            return client.files_upload_v2(
                channel=self.channel,
                file=content.file,
                filename=content.filename,
                initial_comment=content.text,
            )
        return client.chat_postMessage(
            channel=self.channel, text=fallback(content.text), blocks=content.blocks
        )


# Told which notice failed, and why.
OnNoticeFailure = Callable[[Notice, str], None]
# Runs a function over a group's claimed posts: one after the other, or on a pool's threads.
Mapper = Callable[
    [Callable[[tuple[Notice, int]], Landed | None], list[tuple[Notice, int]]], Iterable[Landed | None]
]
# Writes a batch of drafts together (digests read in one go), answering the written notices.
WriteAll = Callable[[list[Notice]], list[Notice]]


def unsent(runtime: Runtime, team_id: str, now: datetime, notices: list[Notice]) -> list[Notice]:
    """Those of `notices` a claim could take now: a pass need not even write the others.

    Only a shortcut (each claim still decides), so a log that cannot be read leaves them all.
    """
    if len(notices) <= 1:
        return notices  # one claim decides a single send as cheaply as this look would
    try:
        with runtime.database.session(team_id, write=False) as db:
            settled = settled_keys(db, [notice.key for notice in notices], now)
    except Exception:
        log.exception("could not read the delivery log ahead of %d sends", len(notices))
        return notices
    return [notice for notice in notices if notice.key not in settled]


def send_all(
    runtime: Runtime,
    *,
    team_id: str,
    now: datetime,
    notices: list[Notice],
    on_failure: OnNoticeFailure | None = None,
    write_all: WriteAll | None = None,
    batch: int = 0,
) -> int:
    """Send each once, several at a time; how many this call sent. One failing stops no other.

    Those already sent (or failed and not yet due again) are left out first, so what is
    expensive to write is written only for what will be sent: by `write_all`, `batch` drafts at
    a time, when given, each batch written while the one before it is being sent.
    """
    due = unsent(runtime, team_id, now, notices)
    if write_all is None:
        return _send_written(runtime, team_id, now, due, on_failure)
    size = batch or len(due) or 1
    batches = [due[n : n + size] for n in range(0, len(due), size)]
    sent = 0
    for written in _written_ahead(write_all, batches):
        sent += _send_written(runtime, team_id, now, written, on_failure)
        if runtime.stopping:
            break  # the batch being written ahead is the last
    return sent


def _written_ahead(write_all: WriteAll, batches: list[list[Notice]]) -> Iterator[list[Notice]]:
    """Each batch written, the next one on a thread of its own while this one is sent.

    A batch's posts mostly wait on Slack and its writing mostly on the database, so the two
    overlap instead of taking turns. Writing claims nothing (the sender claims each post as it
    sends it), so a batch written ahead and never sent (the process stopped) is simply written
    again by the next pass. One batch at a time is written ahead, so memory stays one batch deep.
    """
    if len(batches) <= 1:
        yield from map(write_all, batches)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pmo-write") as writer:
        ahead = writer.submit(write_all, batches[0])
        for following in batches[1:]:
            written = ahead.result()
            ahead = writer.submit(write_all, following)
            yield written
        yield ahead.result()


def _send_written(
    runtime: Runtime, team_id: str, now: datetime, notices: list[Notice], on_failure: OnNoticeFailure | None
) -> int:
    """Slack takes 100 to 300 ms to answer a post, so a pass of a thousand digests one after the
    other would take minutes. Sends go in waves of one message per channel: a channel's
    messages keep their order and are spread across the pass, so the pacer (one post a second
    per channel) rarely has to hold a worker back.
    """
    by_channel: dict[str, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_channel[notice.channel].append(notice)
    waves = [[item for item in wave if item is not None] for wave in zip_longest(*by_channel.values())]

    def failed(notice: Notice, reason: str) -> None:
        if on_failure is not None:
            on_failure(notice, reason)

    sending = Sending(runtime, team_id, now, failed)

    def send(group: list[Notice], mapper: Mapper = map) -> None:
        try:
            sending.group(group, mapper)
        except Exception as error:  # the delivery log itself (a database fault): this group only
            log.exception("a group of %d sends failed", len(group))
            for notice in group:
                failed(notice, repr(error))

    if len(by_channel) <= 1:
        for notice in notices:
            if runtime.stopping:
                break
            send([notice])
    else:
        workers = min(SEND_WORKERS, len(by_channel))
        # A group is as many posts as there are workers, claimed together and all started at once.
        groups = [wave[n : n + workers] for wave in waves for n in range(0, len(wave), workers)]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pmo-send") as pool:
            for group in groups:
                if runtime.stopping:
                    break  # what is not claimed yet, the next run sends
                send(group, pool.map)
    return sending.close()


# How many failed notifications one pass sends again; the rest wait for the next tick.
NOTICES_PER_PASS = 200


def send_notice(
    runtime: Runtime,
    team_id: str,
    notice: Notice,
    now: datetime | None = None,
    on_failure: OnFailure | None = None,
) -> bool:
    """Send `notice` once (a listener's, after its answer); True when sent."""
    return send_once(runtime, team_id=team_id, now=now or utcnow(), notice=notice, on_failure=on_failure)


def retry_notices(runtime: Runtime, now: datetime) -> list[str]:
    """The `notices` pass: send again the notifications that failed and whose back-off has passed.

    Answers what failed again (one line a notice), so `jobs run notices` exits non-zero then.
    """
    by_team: dict[str, list[Notice]] = defaultdict(list)
    with runtime.database.system_session(write=False) as db:
        for row in notices_due(db, now=now, limit=NOTICES_PER_PASS):
            by_team[row.team_id].append(Notice.stored(row.key, row.kind, row.payload or "{}"))
    failures: list[str] = []
    for team_id, notices in by_team.items():
        send_all(
            runtime,
            team_id=team_id,
            now=now,
            notices=notices,
            on_failure=lambda notice, reason: failures.append(f"{notice.key}: {reason}"),
        )
    return failures
