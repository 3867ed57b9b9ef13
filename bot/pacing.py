"""Bulk sends spread out: at most one post a second to any one channel from this process.

Slack allows chat.postMessage about once a second per channel (short bursts aside) and answers
429 beyond it. Pacing here keeps a pass that sends many messages (a reminder and two review
prompts to one person, digests of projects sharing a channel) under that limit, rather than
leaning on Retry-After; a 429 that happens anyway is still honoured by the client.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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

    @contextmanager
    def slot(self, team_id: str, channel: str) -> Iterator[None]:
        """Wait for the channel's next slot, post inside it; the next one starts a second after this ends.

        Counting from the end, not the start, keeps the spacing when a post itself waited (a
        Retry-After inside the client). The slot is reserved before sleeping, so threads queue.
        """
        key = (team_id, channel)
        with self._lock:
            now = self.clock()
            if len(self._next) > FORGET_AFTER:
                self._next = {other: at for other, at in self._next.items() if at > now}
            start = max(now, self._next.get(key, now))
            self._next[key] = start + self.interval
        if start > now:
            self.sleep(start - now)
        try:
            yield
        finally:
            with self._lock:
                self._next[key] = max(self._next.get(key, 0.0), self.clock() + self.interval)
