"""What the passes of one tick share: looked up by the first pass that needs it, gone after the tick.

Every pass of a tick meets the same people (standups, reminders, reviews, reports, digests all
ask for time zones, statuses and languages) as of the same minute. Kept per tick, not per
process, so nothing learnt is older than the tick: the next one starts afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

# The running tick's shared values; None outside a tick (a pass run alone keeps its own).
_SHARED: ContextVar[dict[Any, Any] | None] = ContextVar("pmo_tick_shared", default=None)
_LOCK = threading.Lock()


@contextmanager
def one_tick() -> Iterator[None]:
    """The passes run inside share what they keep with `shared`; it is dropped at the end."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(key: object, make: Callable[[], T]) -> T:
    """The tick's value under `key`, made by the first caller; outside a tick, a new one each call."""
    values = _SHARED.get()
    if values is None:
        return make()
    with _LOCK:
        if key not in values:
            values[key] = make()
        value: T = values[key]
        return value
