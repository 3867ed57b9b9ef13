"""Reading `:time …`: the moment to travel to, in the typing person's own time zone.

`2026-12-07 09:00`, `2026-12-07T09:00+08:00`, a date alone (09:00 that day), plain words with an
optional time (`next monday 09:00`), or a step from the console's clock (`+2h`, `+3d`, `+1w`).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.dates import DateParseError, parse_date

STEP = re.compile(r"^\+\s*(\d+)\s*(m|min|h|d|w)$", re.IGNORECASE)
STEP_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
TRAILING_TIME = re.compile(r"^(?P<day>.*?)\s*(?P<time>\d{1,2}:\d{2})$")
WORKDAY_START = time(9, 0)


class MomentError(ValueError):
    """Text that names no moment."""


def read_moment(text: str, *, tz: str, now: datetime) -> datetime:
    """The moment `text` names, seen from `now` by someone in time zone `tz`."""
    text = text.strip()
    step = STEP.match(text)
    if step:
        return now + timedelta(**{STEP_UNITS[step[2].lower()]: int(step[1])})
    if text.startswith("+"):
        raise MomentError(text)
    zone = ZoneInfo(tz)
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return _in_words(text, zone, now)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    if len(text) <= len("2026-12-07"):
        moment = datetime.combine(moment.date(), WORKDAY_START, tzinfo=moment.tzinfo)
    return moment


def _in_words(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    found = TRAILING_TIME.match(text)
    day_text, at = (found["day"], found["time"]) if found else (text, None)
    try:
        clock = time.fromisoformat(at.zfill(5)) if at else WORKDAY_START
        day = parse_date(day_text, tz=str(zone), now=now) if day_text else now.astimezone(zone).date()
    except (ValueError, DateParseError):
        raise MomentError(text) from None
    return datetime.combine(day, clock, tzinfo=zone)
