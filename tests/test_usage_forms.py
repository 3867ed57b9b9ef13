"""A usage answer shows the one form of the verb that fits what was typed (issue 20)."""

from __future__ import annotations

import pytest

from handlers.slack.usage import form_for, top_level_forms
from tests.support.charter import create
from tests.support.served import RunningBot
from tests.support.status import say

TASK = (
    "task [add <title> [@owner] [due <when>] | move <KEY> [start <when>] [due <when>] "
    "| link <KEY> after|starts with|finishes with <KEY> [+Nd|-Nd][, <KEY> …]]"
)


def test_forms_split_on_spaced_bars_outside_brackets_only() -> None:
    assert top_level_forms(TASK) == [
        "add <title> [@owner] [due <when>]",
        "move <KEY> [start <when>] [due <when>]",
        "link <KEY> after|starts with|finishes with <KEY> [+Nd|-Nd][, <KEY> …]",
    ]
    assert top_level_forms("tasks [mine|overdue|open]") == ["mine|overdue|open"]
    assert top_level_forms("budget [set <category> <amount> | eac [cpi|cpi-spi]]") == [
        "set <category> <amount>",
        "eac [cpi|cpi-spi]",
    ]


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        (["move"], "task move <KEY> [start <when>] [due <when>]"),
        (["LINK", "APL-1"], "task link <KEY> after|starts with|finishes with <KEY> [+Nd|-Nd][, <KEY> …]"),
        (["frobnicate"], TASK),
        ([], TASK),
    ],
)
def test_the_form_is_the_one_whose_first_word_was_typed(words: list[str], shown: str) -> None:
    assert form_for(TASK, words) == shown


def test_a_task_move_without_its_dates_shows_only_how_to_move(bot: RunningBot) -> None:
    create(bot)
    say(bot, "task add Build the API")
    answer = say(bot, "task move APL-1")
    assert "Write it like this: `/pmo task move <KEY> [start <when>] [due <when>]`" in answer.replace(
        "&lt;", "<"
    ).replace("&gt;", ">")
    assert "link" not in answer and "est <hours>" not in answer


def test_a_milestone_done_without_its_key_shows_only_how_to_mark_one_done(bot: RunningBot) -> None:
    create(bot)
    answer = say(bot, "milestone done").replace("&lt;", "<").replace("&gt;", ">")
    assert "`/pmo milestone done <KEY> [on <when>]`" in answer
    assert "rename" not in answer and "due <when>" not in answer
