"""The one clock the app reads: every listener, scheduled pass and domain rule asks `utcnow()`.

It is the real time, unless `pmo-bot console` travelled in time: then the real time moved by a
fixed offset, so the clock keeps running from the moment it was set to and "tomorrow", "overdue"
and "Monday 09:00" all mean what they would on that day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def travel_to(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a moment to travel to needs its offset")
        self.offset = moment - datetime.now(UTC)

    def reset(self) -> None:
        self.offset = timedelta(0)

    @property
    def travelled(self) -> bool:
        return self.offset != timedelta(0)


CLOCK = Clock()


def utcnow() -> datetime:
    return CLOCK.now()
