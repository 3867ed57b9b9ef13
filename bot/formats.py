"""Dates, money, numbers and lists written the way the reader's language writes them.

The patterns live in each language's catalog (formats.*), so this is the one place that turns
values into text: "Tue 2026-12-15" and "120,000.00 EUR" in English, "2026年12月15日 周二"
and "120,000.00 欧元" in Chinese. Dates given to any message as a parameter come here too
(see `Translator`), so a date in an error reads like a date in a status report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.markup import mention as markup_mention

if TYPE_CHECKING:
    from bot.i18n import Translator

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def fmt_date(day: date | None, t: Translator) -> str:
    """A date with its weekday, so "due 2026-12-18" also reads as "a Friday"."""
    if day is None:
        return t("formats.no_date")
    weekday = t(f"formats.weekday.{WEEKDAY_KEYS[day.weekday()]}")
    return t("formats.date", year=day.year, month=day.month, day=day.day, weekday=weekday)


def fmt_week(iso_week: str, t: Translator) -> str:
    """An ISO week ("2026-W50") as the reader's language says it: 2026年第50周 in Chinese."""
    year, _, number = iso_week.partition("-W")
    return t("formats.week", year=int(year), number=int(number))


def fmt_moment(moment: datetime, tz: str, t: Translator) -> str:
    """An instant as the clock on the reader's wall showed it, with the zone named."""
    local = moment.astimezone(ZoneInfo(tz))
    return t("formats.moment", date=fmt_date(local.date(), t), time=local.strftime("%H:%M"), zone=tz)


def fmt_money(amount: Decimal | None, currency: str, t: Translator) -> str:
    if amount is None:
        return t("formats.no_amount")
    return t("formats.money", amount=f"{amount:,.2f}", currency=currency_name(currency, t))


def currency_name(code: str, t: Translator) -> str:
    """The name a language gives a currency ("欧元"), or its ISO code where it has none."""
    key = f"formats.currency.{code}"
    return t(key) if t.has(key) else code


def fmt_hours(hours: float) -> str:
    return f"{hours:,.1f}".rstrip("0").rstrip(".")


def fmt_slip(days: int, t: Translator) -> str:
    """A slip against the baseline in words: "3 working days late", "1 working day early"."""
    if days == 0:
        return t("baseline.on_time")
    return t("baseline.late" if days > 0 else "baseline.early", count=abs(days))


def fmt_list(items: Iterable[str], t: Translator) -> str:
    """Items in a sentence: "a, b, c" in English, "a、b、c" in Chinese."""
    return t("formats.list_separator").join(items)


def mention(user_id: str | None, t: Translator) -> str:
    """A person from their stored id; a mention in mrkdwn, the bare id in a file."""
    if not user_id:
        return t("formats.nobody")
    return markup_mention(user_id) if t.escaping else f"<@{user_id}>"
