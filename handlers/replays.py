"""A signed request sent again is refused: Slack signs each request it sends once.

Bolt checks that a request is signed with the app's secret and no more than five minutes old,
but a request captured on the way could be sent again within those minutes and would run
again (a task added twice, a decision repeated). Each signature is remembered for as long as
its timestamp is accepted, and a second request bearing it is answered 401, as a forged one is.

Events are left to `handlers.events`, which handles each event id once: Slack re-sends an
event it thinks was lost, and refusing the re-delivery would only make it try again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.runtime import Runtime
from handlers.command import CommandRouter

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-slack-signature"
# Bolt accepts a timestamp up to five minutes away from now, either side.
REMEMBERED_S = 2 * 5 * 60 + 30


class SeenSignatures:
    """Signatures of accepted requests, each forgotten once its request would be stale anyway."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._order: deque[tuple[float, str]] = deque()
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def first_time(self, signature: str) -> bool:
        now = self._clock()
        with self._lock:
            while self._order and now - self._order[0][0] > REMEMBERED_S:
                self._seen.discard(self._order.popleft()[1])
            if signature in self._seen:
                return False
            self._seen.add(signature)
            self._order.append((now, signature))
            return True


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    seen = SeenSignatures()

    @app.middleware
    def refuse_replays(
        req: BoltRequest, body: dict[str, Any], next: Callable[[], None]
    ) -> BoltResponse | None:
        signature = first_value(req.headers.get(SIGNATURE_HEADER))
        if signature is None or body.get("type") == "event_callback":  # Socket Mode carries none
            next()
            return None
        if not seen.first_time(signature):
            log.warning("refused a replayed request (%s)", body.get("type") or body.get("command"))
            return BoltResponse(status=401, body="")
        next()
        return None


def first_value(values: Any) -> str | None:
    """The first value of a header, as Bolt keeps every header as a list."""
    return values[0] if values else None
