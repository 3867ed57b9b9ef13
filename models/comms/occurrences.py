"""When a recurring send is due: its latest occurrence, if still inside its kind's catch-up window.

A tick missed while the bot was down is caught up at the next one, but only while the send
still makes sense: a standup prompt is pointless by the afternoon, a reminder should not wake
anyone at night, and a weekly digest is still worth reading a couple of days late. The
occurrence's *local date* keys the send, so a daylight-saving change (which moves the UTC
time of 09:30 by an hour) can neither double nor skip one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.comms.plan import WEEKDAYS, WORKDAYS
from models.comms.tables import CommPlanLine

# How long after its time each kind of send is still made.
STANDUP_WINDOW = timedelta(hours=3)
DAYTIME_WINDOW = timedelta(hours=8)  # reminders, summaries and reviews: 09:00 until 17:00
DIGEST_WINDOW = timedelta(days=3)  # Monday's digest can still go out until Thursday morning


@dataclass(frozen=True)
class Recurrence:
    """On these weekdays at this local time, sent within `window` of it."""

    days: frozenset[str]
    at: time
    window: timedelta

    @classmethod
    def of(cls, line: CommPlanLine, window: timedelta) -> Recurrence:
        return cls.parse(line.days, line.local_time, window)

    @classmethod
    def parse(cls, days: str, local_time: str, window: timedelta) -> Recurrence:
        hour, minute = (int(part) for part in local_time.split(":"))
        return cls(frozenset(days.split(",")), time(hour, minute), window)

    def due_on(self, now: datetime, tz: str) -> date | None:
        """The local date of the occurrence whose window holds `now`, or None when nothing is due."""
        zone = ZoneInfo(tz)
        today = now.astimezone(zone).date()
        for back in range(len(WEEKDAYS) + 1):
            day = today - timedelta(days=back)
            if WEEKDAYS[day.weekday()] not in self.days:
                continue
            start = datetime.combine(day, self.at, tzinfo=zone)
            if start <= now:
                # Only the latest occurrence counts: an older one's window has closed too.
                return day if now - start < self.window else None
        return None


# Review prompts: working days from 09:00 in the project's time zone.
REVIEWS = Recurrence.parse(WORKDAYS, "09:00", DAYTIME_WINDOW)
# The portfolio digest: Monday from 09:00 UTC.
PORTFOLIO = Recurrence.parse("mon", "09:00", DIGEST_WINDOW)
