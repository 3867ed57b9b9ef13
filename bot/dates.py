"""Dates in plain words, English and Chinese, read in the person's own time zone.

dateparser does the heavy lifting, restricted to English and Chinese (a bad string then costs
milliseconds, not a second). The field decides which way an incomplete date leans (`Lean`):
the future for due dates, holidays and absences, the past for a cost or something done, so
"dec 3" said on Dec 4 is yesterday for a cost and next year for a deadline. A small normaliser
covers what dateparser misses or gets wrong: "next wed" (abbreviated weekdays after "next"),
Chinese numerals ("两天后", "三周后"), "下周五" and "下下周三" (that weekday of the next or the
following calendar week, weeks starting on Monday, which is what a Chinese speaker means),
"周五"/"星期五" (the coming Friday, never today), month and day without a year ("dec 25",
"8月3日", "元旦") resolved in the field's direction, "月底" and "下个月5号". A month without a
day ("dec", "12月") is refused with its own error, so the answer can ask which day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from models.core.clock import utcnow

LANGUAGES = ["en", "zh"]
# Further than this from today is a typo or a misreading ("the 45th" read as 2045), not a plan.
MAX_YEARS_AWAY = 10


class Lean(StrEnum):
    """Which way a date without a year (or a bare weekday) leans: the field decides."""

    PAST = "past"  # a cost, something done
    FUTURE = "future"  # due dates, reviews, holidays, absences


ABBREVIATIONS = {
    "mon": "monday",
    "tue": "tuesday",
    "tues": "tuesday",
    "wed": "wednesday",
    "thu": "thursday",
    "thur": "thursday",
    "thurs": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
}
ABBREVIATED = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b\.?", re.IGNORECASE)
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name} | {
    name.lower(): number for number, name in enumerate(calendar.month_abbr) if name
}
MONTHS["sept"] = 9
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
EN_MONTH_DAY = re.compile(rf"^{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?$", re.IGNORECASE)
EN_DAY_MONTH = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}$", re.IGNORECASE)
EN_BARE_MONTH = re.compile(rf"^{_MONTH}(?:\s+\d{{4}})?$", re.IGNORECASE)
DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CHINESE_NUMBER = re.compile(r"[零一二两三四五六七八九十]+")
ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# 上周五 / 下周五 / 下下周五: that weekday of the calendar week before, after, or after next.
ZH_WEEK_OFFSETS = {"上": -1, "下": 1, "下下": 2}
ZH_OTHER_WEEK = re.compile(r"^(上|下下|下)(?:个)?(?:周|星期|礼拜)([一二三四五六日天])$")
ZH_THIS_WEEK = re.compile(r"^(?:这|本)?(?:周|星期|礼拜)([一二三四五六日天])$")
ZH_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})[日号]$")
ZH_MONTH_OFFSETS = {"": 0, "这个": 0, "本": 0, "下": 1, "下个": 1, "上": -1, "上个": -1}
ZH_MONTH_END = re.compile(r"^(这个|本|下个|下|上个|上)?月底$")
ZH_DAY_OF_MONTH = re.compile(r"^(这个|本|下个|下|上个|上)月(\d{1,2})[日号]$")
ZH_BARE_MONTH = re.compile(r"^(?:\d{4}年)?\d{1,2}月份?$")
ZH_NEW_YEAR = "元旦"
ZH_AFTER = re.compile(r"^(\d+)\s*(?:个)?(天|日|周|星期|礼拜|月)(?:之)?后$")
ZH_UNITS = {"天": "days", "日": "days", "周": "weeks", "星期": "weeks", "礼拜": "weeks", "月": "months"}


class DateParseError(ValueError):
    """Text that cannot be read as a date."""

    def __init__(self, text: str) -> None:
        super().__init__(f"not a date: {text!r}")
        self.text = text


class MonthWithoutDayError(DateParseError):
    """A month named without its day ("dec", "12月"): the person must say which day."""


def chinese_number(numeral: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十五 → 25 (enough for days and weeks)."""
    if "十" not in numeral:
        return int("".join(str(DIGITS[c]) for c in numeral))
    tens, _, ones = numeral.partition("十")
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)


def _arabic(text: str) -> str:
    return CHINESE_NUMBER.sub(lambda match: str(chinese_number(match.group())), text)


def _nearest_weekday(today: date, weekday: int, lean: Lean) -> date:
    """The coming (or, leaning back, the last) such weekday, never today: "周五" said on a Friday
    means another Friday."""
    if lean is Lean.PAST:
        return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _month_shift(today: date, months: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 + months
    return index // 12, index % 12 + 1


def _day_in_month(today: date, months: int, day: int | None, text: str) -> date:
    """Day `day` (the last day when None) of the month `months` away from today's."""
    year, month = _month_shift(today, months)
    last = calendar.monthrange(year, month)[1]
    if day is not None and not 1 <= day <= last:
        raise DateParseError(text)
    return date(year, month, last if day is None else day)


def month_day(today: date, month: int, day: int, lean: Lean, text: str) -> date:
    """The nearest `month`/`day` on the field's side of today (today included): leaning back,
    this year's unless still to come; leaning forward, this year's unless gone. Feb 29 waits
    for its leap year."""
    step = -1 if lean is Lean.PAST else 1
    for offset in range(0, 8):
        try:
            candidate = date(today.year + step * offset, month, day)
        except ValueError:
            continue
        if (candidate <= today) if lean is Lean.PAST else (candidate >= today):
            return candidate
    raise DateParseError(text)


def _chinese_week(text: str, today: date, lean: Lean) -> date | None:
    if match := ZH_OTHER_WEEK.match(text):
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=ZH_WEEK_OFFSETS[match[1]])
        return monday + timedelta(days=ZH_WEEKDAYS[match[2]])
    if match := ZH_THIS_WEEK.match(text):
        return _nearest_weekday(today, ZH_WEEKDAYS[match[1]], lean)
    return None


def _chinese_month(arabic: str, today: date, lean: Lean) -> date | None:
    """Days named by their month, with numerals already in digits."""
    if arabic == ZH_NEW_YEAR:
        return month_day(today, 1, 1, lean, arabic)
    if match := ZH_MONTH_END.match(arabic):
        return _day_in_month(today, ZH_MONTH_OFFSETS[match[1] or ""], None, arabic)
    if match := ZH_DAY_OF_MONTH.match(arabic):
        return _day_in_month(today, ZH_MONTH_OFFSETS[match[1]], int(match[2]), arabic)
    if ZH_BARE_MONTH.match(arabic):
        raise MonthWithoutDayError(arabic)
    if match := ZH_MONTH_DAY.match(arabic):
        return month_day(today, int(match[1]), int(match[2]), lean, arabic)
    return None


def _chinese(text: str, today: date, lean: Lean) -> date | str:
    """A date the normaliser settles itself, or the text rewritten for dateparser."""
    arabic = _arabic(text)  # after the weekdays: 三 in 周三 is Wednesday, not a number
    settled = _chinese_week(text, today, lean) or _chinese_month(arabic, today, lean)
    if settled is not None:
        return settled
    if match := ZH_AFTER.match(arabic):
        return f"in {match[1]} {ZH_UNITS[match[2]]}"
    return text


def _english(text: str, today: date, lean: Lean) -> date | str:
    """Month and day without a year settled here, where dateparser would not count today as
    still to come ("dec 4" said on Dec 4 is today, not next year)."""
    if match := EN_MONTH_DAY.match(text):
        return month_day(today, MONTHS[match[1].lower()], int(match[2]), lean, text)
    if match := EN_DAY_MONTH.match(text):
        return month_day(today, MONTHS[match[2].lower()], int(match[1]), lean, text)
    if EN_BARE_MONTH.match(text):
        raise MonthWithoutDayError(text)
    return ABBREVIATED.sub(lambda match: ABBREVIATIONS[match[1].lower()], text)


def normalise(text: str, today: date, lean: Lean = Lean.FUTURE) -> date | str:
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise DateParseError(text)
    if re.search(r"[\u4e00-\u9fff]", cleaned):
        return _chinese(cleaned.replace(" ", ""), today, lean)
    return _english(cleaned, today, lean)


def _dateparser(text: str, local_now: datetime, lean: Lean) -> date | None:
    settings = {
        "PREFER_DATES_FROM": lean.value,
        "RELATIVE_BASE": local_now,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parser = DateDataParser(languages=LANGUAGES, settings=settings)
    found = parser.get_date_data(text).date_obj
    return found.date() if found else None


def parse_date(text: str, *, tz: str, now: datetime | None = None, lean: Lean = Lean.FUTURE) -> date:
    """The date `text` means to someone in time zone `tz` at `now`, leaning as the field does."""
    local_now = (now or utcnow()).astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    today = local_now.date()
    try:
        normalised = normalise(text, today, lean)
    except DateParseError as error:
        raise type(error)(text) from None  # the words as typed, not as normalised
    found = normalised if isinstance(normalised, date) else _dateparser(normalised, local_now, lean)
    if found is None or abs(found.year - today.year) > MAX_YEARS_AWAY:
        raise DateParseError(text)
    return found
