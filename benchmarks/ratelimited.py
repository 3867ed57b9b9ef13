"""A fake Slack that rate-limits `chat.postMessage` as Slack does: one message a second per channel.

A post to a channel less than a second after the last one delivered there is answered 429
with `Retry-After: 1`, and recorded as a failed call, so a benchmark can count both.
"""

from __future__ import annotations

import time
from collections import deque

from tests.support.fakeslack import Answer, Failure, FakeSlack, Incoming, read_arguments

POST = "chat.postMessage"


class RateLimitedSlack(FakeSlack):
    def __init__(self, *, per_channel_s: float = 1.0) -> None:
        super().__init__()
        self.per_channel_s = per_channel_s
        self._last_post: dict[str, float] = {}

    def _serve_api(self, name: str, request: Incoming) -> Answer:
        # Called with the fake's lock held, so the bookkeeping needs no lock of its own.
        if name == POST:
            channel = str(read_arguments(request)[0].get("channel"))
            now = time.monotonic()
            if now - self._last_post.get(channel, float("-inf")) < self.per_channel_s:
                self._failures.setdefault(POST, deque()).appendleft(Failure(429, 1, None))
            else:
                self._last_post[channel] = now
        return super()._serve_api(name, request)
