"""Dates in plain words: a table of cases in both languages and several time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.dates import DateParseError, chinese_number, parse_date

WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday, mid-morning UTC
LATE_WEDNESDAY = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # already Thursday in Shanghai
FRIDAY = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
YEAR_END = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)

CASES = [
    # text, time zone, now, expected
    ("today", "UTC", WEDNESDAY, date(2026, 11, 25)),
    ("tomorrow", "Europe/Madrid", WEDNESDAY, date(2026, 11, 26)),
    ("tomorrow", "Asia/Shanghai", LATE_WEDNESDAY, date(2026, 11, 27)),
    ("tomorrow", "America/New_York", LATE_WEDNESDAY, date(2026, 11, 26)),
    ("friday", "UTC", WEDNESDAY, date(2026, 11, 27)),
    ("next friday", "Europe/Madrid", WEDNESDAY, date(2026, 11, 27)),
    ("next wed", "UTC", WEDNESDAY, date(2026, 12, 2)),
    ("next Thurs.", "America/New_York", WEDNESDAY, date(2026, 11, 26)),
    ("in 2 weeks", "Asia/Shanghai", WEDNESDAY, date(2026, 12, 9)),
    ("in 3 days", "America/New_York", WEDNESDAY, date(2026, 11, 28)),
    ("dec 15", "UTC", WEDNESDAY, date(2026, 12, 15)),
    ("15 dec", "Europe/Madrid", WEDNESDAY, date(2026, 12, 15)),
    ("December 15", "UTC", YEAR_END, date(2027, 12, 15)),
    ("2026-12-15", "Asia/Shanghai", WEDNESDAY, date(2026, 12, 15)),
    ("  2026-12-15  ", "UTC", WEDNESDAY, date(2026, 12, 15)),
    ("下周五", "Asia/Shanghai", WEDNESDAY, date(2026, 12, 4)),
    ("下周一", "Asia/Shanghai", FRIDAY, date(2026, 11, 30)),
    ("下星期日", "Asia/Shanghai", WEDNESDAY, date(2026, 12, 6)),
    ("周五", "Asia/Shanghai", WEDNESDAY, date(2026, 11, 27)),
    ("星期三", "Asia/Shanghai", WEDNESDAY, date(2026, 12, 2)),
    ("周五", "Asia/Shanghai", FRIDAY, date(2026, 12, 4)),
    ("明天", "Asia/Shanghai", WEDNESDAY, date(2026, 11, 26)),
    ("明天", "Asia/Shanghai", LATE_WEDNESDAY, date(2026, 11, 27)),
    ("后天", "Asia/Shanghai", WEDNESDAY, date(2026, 11, 27)),
    ("两天后", "Asia/Shanghai", WEDNESDAY, date(2026, 11, 27)),
    ("三天后", "Europe/Madrid", WEDNESDAY, date(2026, 11, 28)),
    ("2天后", "UTC", WEDNESDAY, date(2026, 11, 27)),
    ("两周后", "Asia/Shanghai", WEDNESDAY, date(2026, 12, 9)),
    ("十天后", "Asia/Shanghai", WEDNESDAY, date(2026, 12, 5)),
    ("12月15日", "Asia/Shanghai", WEDNESDAY, date(2026, 12, 15)),
    ("8月3日", "Asia/Shanghai", WEDNESDAY, date(2027, 8, 3)),
    ("12月15日", "Asia/Shanghai", YEAR_END, date(2027, 12, 15)),
    ("2026年12月15日", "Asia/Shanghai", WEDNESDAY, date(2026, 12, 15)),
]


@pytest.mark.parametrize(("text", "tz", "now", "expected"), CASES)
def test_plain_words_resolve_to_the_date_people_mean(
    text: str, tz: str, now: datetime, expected: date
) -> None:
    assert parse_date(text, tz=tz, now=now) == expected


@pytest.mark.parametrize("text", ["", "   ", "blorp", "the 45th", "2026-02-30", "2月30日", "next blursday"])
def test_what_cannot_be_read_is_refused(text: str) -> None:
    with pytest.raises(DateParseError) as refused:
        parse_date(text, tz="UTC", now=WEDNESDAY)
    assert refused.value.text == text


@pytest.mark.parametrize(
    ("numeral", "value"), [("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("二十五", 25)]
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value
