"""Holidays, absences and away statuses: when nobody is prompted or reminded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.calendar.away import status_says_away
from models.core.workspace import SlackUser
from tests.support.flows import local_today
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, CAROL


def say(bot: RunningBot, text: str, user: str = ADMIN) -> str:
    return bot.slack.command(text, user=user).json()["text"]


def test_holidays_are_added_by_administrators_once_and_listed_when_still_to_come(bot: RunningBot) -> None:
    coming, gone = local_today() + timedelta(days=30), local_today() - timedelta(days=30)
    shown = f"{coming:%a %Y-%m-%d}"
    assert say(bot, "holidays").startswith("No holidays recorded.")
    assert say(bot, f"holidays add {coming}, Founders' day") == (
        f"{shown} is a holiday: nobody will be prompted or reminded."
    )
    assert say(bot, f"holidays add {coming}") == f"{shown} is already a holiday."
    say(bot, f"holidays add {gone} Spring festival")
    assert say(bot, "holidays", user=CAROL).splitlines() == ["*Coming holidays*", f"• {shown} Founders' day"]
    assert say(bot, f"holidays remove {coming}").startswith(
        "Write `add`, the date and a name, like `add dec 25 Christmas`"
    )
    assert say(bot, f"holidays add {coming}", user=CAROL).startswith("Only PMO administrators")


def test_an_absence_needs_two_dates_in_order(bot: RunningBot) -> None:
    assert "Write when you leave and when you are back" in say(bot, "away tomorrow", user=CAROL)
    assert "You come back (Wed 2026-12-09) before you leave (Fri 2026-12-11)." in say(
        bot, "away 2026-12-11 to 2026-12-09", user=CAROL
    )
    assert say(bot, "away 2026-12-24 to 2027-01-02", user=CAROL).startswith(
        "Away from Thu 2026-12-24 to Sat 2027-01-02"
    )


@pytest.mark.parametrize(
    ("text", "emoji", "away"),
    [
        ("", ":palm_tree:", True),
        ("On vacation until Monday", "", True),
        ("OOO", "", True),
        ("休假中", "", True),
        ("Out of office", ":calendar:", True),
        ("Focusing", ":headphones:", False),
        ("At the zoo with the kids", "", False),
        ("", "", False),
    ],
)
def test_a_slack_status_says_away_by_its_emoji_or_its_words(text: str, emoji: str, away: bool) -> None:
    person = SlackUser(user_id="U0001", status_text=text or None, status_emoji=emoji or None)
    assert status_says_away(person) is away
