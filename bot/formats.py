"""Dates, money and numbers written for people to read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.i18n import Translator


def fmt_date(day: date | None, t: Translator) -> str:
    """A date with its weekday, so "due 2026-12-18" also reads as "a Friday"."""
    if day is None:
        return t("formats.no_date")
    weekday = t(f"formats.weekday.{day.strftime('%a').lower()}")
    return t("formats.date", iso=day.isoformat(), weekday=weekday)


def fmt_money(amount: Decimal | None, currency: str, t: Translator) -> str:
    if amount is None:
        return t("formats.no_amount")
    return t("formats.money", amount=f"{amount:,.2f}", currency=currency)


def fmt_hours(hours: float) -> str:
    return f"{hours:,.1f}".rstrip("0").rstrip(".")


def mention(user_id: str | None, t: Translator) -> str:
    return f"<@{user_id}>" if user_id else t("formats.nobody")
