"""A project run in Simplified Chinese, and checks that what a reader sees is in their language."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.i18n import Translator
from tests.support.flows import field_errors, local_today, open_modal, submit
from tests.support.served import RunningBot
from tests.support.workspace import BOB, WEI

ZH = Translator("zh-CN")


# Words a Chinese answer may keep in Latin letters: item keys, earned-value acronyms, emoji codes.
ACRONYMS = "PV|EV|AC|SV|CV|SPI|CPI|BAC|EAC|ETC|VAC|TCPI|EUR|UTC"
LATIN_ALLOWED = re.compile(rf"<@U\w+>|<#C\w+>|\bAPL(-[A-Z]?\d+)?\b|\b({ACRONYMS})\b|`[^`]*`")


def zh_date(day: date) -> str:
    """A date as a Chinese user types it."""
    return f"{day.year}年{day.month}月{day.day}日"


def english_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", LATIN_ALLOWED.sub("", text))


def texts(blocks: object) -> list[str]:
    """Every text a person reads in some Block Kit."""
    if isinstance(blocks, list):
        return [text for item in blocks for text in texts(item)]
    if isinstance(blocks, dict):
        found = [blocks["text"]] if isinstance(blocks.get("text"), str) else []
        return found + [
            text
            for key, value in blocks.items()
            if key != "text" or not isinstance(value, str)
            for text in texts(value)
        ]
    return []


def say(bot: RunningBot, text: str, user: str = WEI) -> str:
    reply = bot.slack.command(text, user=user)
    assert reply.status == 200, reply.text
    return reply.json()["text"]


def chinese_project(bot: RunningBot) -> date:
    """Wei opens /pmo new, fills the charter in Chinese and submits it; the project's start date."""
    today = local_today()
    start, end = today - timedelta(days=20), today + timedelta(days=60)
    view = open_modal(bot, "new", user=WEI)
    values = {
        "name": "阿波罗",
        "key": "APL",
        "goal": "上线新的计费系统",
        "scope_in": "计费、开票",
        "sponsor_id": BOB,
        "start_date": zh_date(start),
        "target_end_date": zh_date(end),
        "budget": "120,000",
        "currency": "eur",
        "stakeholders": "财务团队",
    }
    assert field_errors(submit(bot, view, values, user=WEI)) == {}
    return start
