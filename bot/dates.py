"""Dates in plain words, English and Chinese, read in the person's own time zone.

dateparser does the heavy lifting, restricted to English and Chinese (a bad string then costs
milliseconds, not a second) and preferring the future ("friday" is the coming one). A small
normaliser covers what it misses: "next wed" (abbreviated weekdays after "next"), Chinese
numerals ("两天后", "三周后"), "下周五" (Friday of next calendar week, weeks starting on
Monday, which is what a Chinese speaker means), "周五"/"星期五" (the coming Friday, never
today) and "8月3日" without a year (the next such day).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from models.core.clock import utcnow

LANGUAGES = ["en", "zh"]
# Further than this from today is a typo or a misreading ("the 45th" read as 2045), not a plan.
MAX_YEARS_AWAY = 10

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
DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CHINESE_NUMBER = re.compile(r"[零一二两三四五六七八九十]+")
ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
ZH_NEXT_WEEK = re.compile(r"^下(?:个)?(?:周|星期|礼拜)([一二三四五六日天])$")
ZH_THIS_WEEK = re.compile(r"^(?:这|本)?(?:周|星期|礼拜)([一二三四五六日天])$")
ZH_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})[日号]$")
ZH_AFTER = re.compile(r"^(\d+)\s*(?:个)?(天|日|周|星期|礼拜|月)(?:之)?后$")
ZH_UNITS = {"天": "days", "日": "days", "周": "weeks", "星期": "weeks", "礼拜": "weeks", "月": "months"}


class DateParseError(ValueError):
    """Text that cannot be read as a date."""

    def __init__(self, text: str) -> None:
        super().__init__(f"not a date: {text!r}")
        self.text = text


def chinese_number(numeral: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十五 → 25 (enough for days and weeks)."""
    if "十" not in numeral:
        return int("".join(str(DIGITS[c]) for c in numeral))
    tens, _, ones = numeral.partition("十")
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)


def _arabic(text: str) -> str:
    return CHINESE_NUMBER.sub(lambda match: str(chinese_number(match.group())), text)


def _coming(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _chinese(text: str, today: date) -> date | str:
    """A date the normaliser settles itself, or the text rewritten for dateparser."""
    if match := ZH_NEXT_WEEK.match(text):
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=ZH_WEEKDAYS[match[1]])
    if match := ZH_THIS_WEEK.match(text):
        return _coming(today, ZH_WEEKDAYS[match[1]])
    arabic = _arabic(text)
    if match := ZH_AFTER.match(arabic):
        return f"in {match[1]} {ZH_UNITS[match[2]]}"
    if match := ZH_MONTH_DAY.match(arabic):
        return _next_month_day(today, int(match[1]), int(match[2]), text)
    return text


def _next_month_day(today: date, month: int, day: int, text: str) -> date:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            raise DateParseError(text) from None
        if candidate >= today:
            return candidate
    raise DateParseError(text)


def normalise(text: str, today: date) -> date | str:
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise DateParseError(text)
    if re.search(r"[\u4e00-\u9fff]", cleaned):
        return _chinese(cleaned.replace(" ", ""), today)
    return ABBREVIATED.sub(lambda match: ABBREVIATIONS[match[1].lower()], cleaned)


def _dateparser(text: str, local_now: datetime) -> date | None:
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": local_now, "RETURN_AS_TIMEZONE_AWARE": False}
    parser = DateDataParser(languages=LANGUAGES, settings=settings)
    found = parser.get_date_data(text).date_obj
    return found.date() if found else None


def parse_date(text: str, *, tz: str, now: datetime | None = None) -> date:
    """The date `text` means to someone in time zone `tz` at `now`, preferring the future."""
    local_now = (now or utcnow()).astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    today = local_now.date()
    normalised = normalise(text, today)
    found = normalised if isinstance(normalised, date) else _dateparser(normalised, local_now)
    if found is None or abs(found.year - today.year) > MAX_YEARS_AWAY:
        raise DateParseError(text)
    return found
