"""Bulk sends spread out: at most one post a second to any one channel from this process.

Slack allows chat.postMessage about once a second per channel (short bursts aside) and answers
429 beyond it. Pacing here keeps a pass that sends many messages (a reminder and two review
prompts to one person, digests of projects sharing a channel) under that limit, rather than
leaning on Retry-After; a 429 that happens anyway is still honoured by the client.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

POST_INTERVAL_S = 1.0
FORGET_AFTER = 1_000  # channels remembered before the idle ones are dropped


class Pacer:
    def __init__(
        self,
        interval: float = POST_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._lock = threading.Lock()
        self._next: dict[tuple[str, str], float] = {}

    def wait(self, team_id: str, channel: str) -> None:
        """Return when a post to `channel` may go; reserves the slot before sleeping, so threads queue."""
        with self._lock:
            now = self.clock()
            if len(self._next) > FORGET_AFTER:
                self._next = {key: at for key, at in self._next.items() if at > now}
            slot = max(now, self._next.get((team_id, channel), now))
            self._next[(team_id, channel)] = slot + self.interval
        if slot > now:
            self.sleep(slot - now)
