"""When recurring sends are due: local times across daylight-saving changes, and catch-up windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from models.comms.occurrences import DIGEST_WINDOW, STANDUP_WINDOW, Recurrence
from models.comms.plan import WORKDAYS

NEW_YORK = "America/New_York"
STANDUP = Recurrence.parse(WORKDAYS, "09:30", STANDUP_WINDOW)
EVERY_DAY = Recurrence.parse("mon,tue,wed,thu,fri,sat,sun", "09:30", STANDUP_WINDOW)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def first_due_each_day(recurrence: Recurrence, tz: str, start: str, days: int) -> dict[date, datetime]:
    """Sweep minute by minute (in 5-minute steps) and note when each local date first came due."""
    seen: dict[date, datetime] = {}
    moment = at(start)
    for _ in range(days * 24 * 12):
        day = recurrence.due_on(moment, tz)
        if day is not None:
            seen.setdefault(day, moment)
        moment += timedelta(minutes=5)
    return seen


def test_a_standup_follows_new_york_across_the_end_of_daylight_saving_time() -> None:
    # Friday 09:30 EDT is 13:30 UTC; Monday after the change, 09:30 EST is 14:30 UTC.
    assert STANDUP.due_on(at("2026-10-30T13:35Z"), NEW_YORK) == date(2026, 10, 30)
    assert STANDUP.due_on(at("2026-11-02T13:35Z"), NEW_YORK) is None
    assert STANDUP.due_on(at("2026-11-02T14:35Z"), NEW_YORK) == date(2026, 11, 2)


@pytest.mark.parametrize(
    ("start", "utc_times"),
    [
        # Autumn: 2026-11-01 (a Sunday) sets clocks back an hour at 02:00.
        ("2026-10-31T00:00Z", ["13:30", "14:30", "14:30"]),
        # Spring: 2027-03-14 (a Sunday) sets clocks forward an hour at 02:00.
        ("2027-03-13T00:00Z", ["14:30", "13:30", "13:30"]),
    ],
)
def test_a_daily_standup_is_due_once_a_day_at_0930_local_through_a_change(
    start: str, utc_times: list[str]
) -> None:
    seen = first_due_each_day(EVERY_DAY, NEW_YORK, start, days=3)
    assert len(seen) == 3, "one local date a day: none doubled, none skipped"
    assert [f"{moment:%H:%M}" for moment in seen.values()] == utc_times


def test_a_standup_prompt_is_not_sent_after_its_morning_or_at_weekends() -> None:
    assert STANDUP.due_on(at("2026-12-07T12:25-05:00"), NEW_YORK) == date(2026, 12, 7)
    assert STANDUP.due_on(at("2026-12-07T12:35-05:00"), NEW_YORK) is None  # three hours late
    assert STANDUP.due_on(at("2026-12-07T18:00-05:00"), NEW_YORK) is None
    assert STANDUP.due_on(at("2026-12-05T10:00-05:00"), NEW_YORK) is None  # Saturday


def test_a_digest_missed_on_monday_is_caught_up_until_thursday_and_keyed_by_its_monday() -> None:
    digest = Recurrence.parse("mon", "09:00", DIGEST_WINDOW)
    shanghai = "Asia/Shanghai"
    assert digest.due_on(at("2026-12-07T08:59+08:00"), shanghai) is None
    assert digest.due_on(at("2026-12-09T17:00+08:00"), shanghai) == date(2026, 12, 7)
    assert digest.due_on(at("2026-12-10T08:59+08:00"), shanghai) == date(2026, 12, 7)
    assert digest.due_on(at("2026-12-10T09:00+08:00"), shanghai) is None
    # A Sunday digest caught up on Monday keeps Sunday's date (and so its ISO week).
    sunday = Recurrence.parse("sun", "18:00", DIGEST_WINDOW)
    assert sunday.due_on(at("2026-12-07T10:00+08:00"), shanghai) == date(2026, 12, 6)
