"""Dates, money, times and lists written the way each language writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.formats import fmt_date, fmt_list, fmt_moment, fmt_money
from bot.i18n import Translator, language_name

EN, ZH = Translator("en"), Translator("zh-CN")


@pytest.mark.parametrize(
    ("day", "english", "chinese"),
    [
        (date(2026, 12, 15), "Tue 2026-12-15", "2026年12月15日（周二）"),
        (date(2027, 3, 5), "Fri 2027-03-05", "2027年3月5日（周五）"),
        (date(2026, 11, 29), "Sun 2026-11-29", "2026年11月29日（周日）"),
        (None, "no date", "未定"),
    ],
)
def test_dates(day: date | None, english: str, chinese: str) -> None:
    assert (fmt_date(day, EN), fmt_date(day, ZH)) == (english, chinese)


@pytest.mark.parametrize(
    ("amount", "currency", "english", "chinese"),
    [
        (Decimal("120000"), "EUR", "120,000.00 EUR", "120,000.00 欧元"),
        (Decimal("1234.5"), "CNY", "1,234.50 CNY", "1,234.50 元"),
        (Decimal("-80"), "USD", "-80.00 USD", "-80.00 美元"),
        (Decimal("99"), "XOF", "99.00 XOF", "99.00 XOF"),  # no Chinese name: the ISO code
        (None, "EUR", "not set", "未设置"),
    ],
)
def test_money(amount: Decimal | None, currency: str, english: str, chinese: str) -> None:
    assert (fmt_money(amount, currency, EN), fmt_money(amount, currency, ZH)) == (english, chinese)


def test_moments_are_shown_on_the_readers_clock() -> None:
    moment = datetime(2026, 12, 14, 17, 30, tzinfo=UTC)
    assert fmt_moment(moment, "Asia/Shanghai", EN) == "Tue 2026-12-15 01:30 Asia/Shanghai"
    assert fmt_moment(moment, "Asia/Shanghai", ZH) == "2026年12月15日（周二）01:30（Asia/Shanghai）"


def test_lists() -> None:
    assert fmt_list(["a", "b", "c"], EN) == "a, b, c"
    assert fmt_list(["设计", "测试"], ZH) == "设计、测试"
    assert fmt_list([], ZH) == ""


def test_a_date_given_to_any_message_is_written_in_its_language() -> None:
    kwargs = {"due": date(2026, 12, 1), "start": date(2026, 12, 5)}
    assert (
        EN("tasks.due_before_start", **kwargs)
        == "The due date (Tue 2026-12-01) is before the start (Sat 2026-12-05)."
    )
    assert (
        ZH("tasks.due_before_start", **kwargs)
        == "截止日期2026年12月1日（周二）早于开始日期2026年12月5日（周六）。"
    )


def test_each_language_is_named_in_its_own_words() -> None:
    assert (language_name("en"), language_name("zh-CN")) == ("English", "简体中文")
