"""Dates in plain words: a table of cases in both languages and several time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.dates import DateParseError, Lean, MonthWithoutDayError, chinese_number, parse_date

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


# Said on Friday 2026-12-04 in Shanghai: which way an incomplete date leans is the field's choice.
SAID_ON = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)

LEANING = [
    # text, lean, expected
    ("dec 3", Lean.PAST, date(2026, 12, 3)),  # a cost said the day after
    ("dec 3", Lean.FUTURE, date(2027, 12, 3)),  # a due date: next year's
    ("dec 25", Lean.FUTURE, date(2026, 12, 25)),  # a holiday: this year's, still to come
    ("dec 25", Lean.PAST, date(2025, 12, 25)),
    ("dec 4", Lean.FUTURE, date(2026, 12, 4)),  # today counts on either side
    ("dec 4", Lean.PAST, date(2026, 12, 4)),
    ("3 December", Lean.PAST, date(2026, 12, 3)),
    ("25th of dec", Lean.FUTURE, date(2026, 12, 25)),
    ("Sept 1", Lean.PAST, date(2026, 9, 1)),
    ("jan 2", Lean.FUTURE, date(2027, 1, 2)),
    ("feb 29", Lean.FUTURE, date(2028, 2, 29)),  # waits for its leap year
    ("feb 29", Lean.PAST, date(2024, 2, 29)),
    ("12月3日", Lean.PAST, date(2026, 12, 3)),
    ("12月3日", Lean.FUTURE, date(2027, 12, 3)),
    ("十二月二十五日", Lean.FUTURE, date(2026, 12, 25)),
    ("12月25号", Lean.PAST, date(2025, 12, 25)),
    ("friday", Lean.PAST, date(2026, 11, 27)),
    ("周三", Lean.PAST, date(2026, 12, 2)),
    ("周三", Lean.FUTURE, date(2026, 12, 9)),
    ("元旦", Lean.FUTURE, date(2027, 1, 1)),
    ("元旦", Lean.PAST, date(2026, 1, 1)),
    ("月底", Lean.FUTURE, date(2026, 12, 31)),
    ("本月底", Lean.PAST, date(2026, 12, 31)),
    ("下个月底", Lean.FUTURE, date(2027, 1, 31)),
    ("下下周三", Lean.FUTURE, date(2026, 12, 16)),
    ("下下星期一", Lean.FUTURE, date(2026, 12, 14)),
    ("上周五", Lean.PAST, date(2026, 11, 27)),
    ("下个月5号", Lean.FUTURE, date(2027, 1, 5)),
    ("下月五号", Lean.FUTURE, date(2027, 1, 5)),
    ("上个月30日", Lean.PAST, date(2026, 11, 30)),
    ("这个月20号", Lean.FUTURE, date(2026, 12, 20)),
    ("2026-12-25", Lean.PAST, date(2026, 12, 25)),  # a full date is what it says, either way
    ("yesterday", Lean.FUTURE, date(2026, 12, 3)),
]


@pytest.mark.parametrize(("text", "lean", "expected"), LEANING)
def test_a_date_without_its_year_leans_the_way_the_field_does(text: str, lean: Lean, expected: date) -> None:
    assert parse_date(text, tz="Asia/Shanghai", now=SAID_ON, lean=lean) == expected


@pytest.mark.parametrize(
    "text", ["dec", "December", "Dec.", "dec 2027", "12月", "十二月", "2027年12月", "12月份"]
)
def test_a_month_without_its_day_asks_which_day(text: str) -> None:
    with pytest.raises(MonthWithoutDayError) as refused:
        parse_date(text, tz="Asia/Shanghai", now=SAID_ON)
    assert refused.value.text == text


@pytest.mark.parametrize("text", ["下个月32号", "上个月0日", "dec 32", "feb 30", "2月30日"])
def test_a_day_its_month_does_not_have_is_refused(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_date(text, tz="Asia/Shanghai", now=SAID_ON)
