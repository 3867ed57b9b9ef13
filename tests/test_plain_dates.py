"""Dates in plain words through every date argument and field, read in the typist's own time zone
and echoed back resolved, end to end over HTTP."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import Issue, Risk, Task
from tests.support.charter import create
from tests.support.flows import field_errors, local_today, open_modal, submit
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, CAROL

ZH_WEEKDAY = "一二三四五六日"
MADRID = "Europe/Madrid"  # Carol's Slack time zone; Alice's is Asia/Shanghai


def shown(day: date) -> str:
    return f"{day:%a} {day.isoformat()}"


def next_calendar_week(today: date, weekday: int) -> date:
    """What 下周X means: that weekday of the week after this one (weeks start on Monday)."""
    return today - timedelta(days=today.weekday()) + timedelta(days=7 + weekday)


def say(bot: RunningBot, text: str, user: str = ALICE) -> str:
    return bot.slack.command(text, user=user).json()["text"]


def due_of(bot: RunningBot, number: int) -> date | None:
    with bot.database.system_session(write=False) as db:
        return db.scalar(select(Task.due_date).where(Task.number == number))


def started(bot: RunningBot) -> date:
    create(bot, {"start_date": (local_today() - timedelta(days=30)).isoformat()})
    say(bot, "team add <@U0003> member")
    return local_today()


def test_every_listed_form_is_read_in_a_task_line_and_echoed(bot: RunningBot) -> None:
    today = started(bot)
    later = today + timedelta(days=40)
    exact = {
        "tomorrow": today + timedelta(days=1),
        "in 2 weeks": today + timedelta(days=14),
        later.strftime("%b %d").lower(): later,  # "dec 15"
        later.isoformat(): later,
        "两天后": today + timedelta(days=2),
        f"{later.month}月{later.day}日": later,
        "下周五": next_calendar_week(today, 4),
        f"下周{ZH_WEEKDAY[today.weekday()]}": next_calendar_week(today, today.weekday()),
    }
    for number, (words, expected) in enumerate(exact.items(), start=1):
        answer = say(bot, f"task add Item {number} due {words}")
        assert f"due {shown(expected)}" in answer, (words, answer)
        assert due_of(bot, number) == expected, words
    # The coming weekday: the right day of the week, within the next seven days.
    for words, weekday in (("next friday", 4), ("next wed", 2)):
        answer = say(bot, f"task add Weekly due {words}")
        number = len(exact) + 1 + ("wed" in words)
        found = due_of(bot, number)
        assert found is not None and found.weekday() == weekday and 1 <= (found - today).days <= 7, words
        assert f"due {shown(found)}" in answer


def test_dates_are_read_in_the_typists_own_time_zone(bot: RunningBot) -> None:
    started(bot)
    answer = say(bot, "task add Call the bank due tomorrow", user=CAROL)
    madrid_tomorrow = local_today(MADRID) + timedelta(days=1)
    assert f"due {shown(madrid_tomorrow)}" in answer and due_of(bot, 1) == madrid_tomorrow
    say(bot, "task add Book the room due 两天后", user=CAROL)
    assert due_of(bot, 2) == local_today(MADRID) + timedelta(days=2)
    # Carol's time zone came from users.info once, then from the cache.
    asked = [call for call in bot.fake.calls_to("users.info") if call.args.get("user") == CAROL]
    assert len(asked) == 1


def test_every_date_field_of_a_form_reads_plain_words_and_the_answer_echoes_it(bot: RunningBot) -> None:
    today = started(bot)
    friday = next_calendar_week(today, 4)

    view = open_modal(bot, "task")
    values = {"title": "Spec", "start_date": "两天后", "due_date": "下周五"}
    assert field_errors(submit(bot, view, values)) == {}
    answer = bot.fake.wait_for("chat.postEphemeral")[-1].args["text"]
    assert f"start {shown(today + timedelta(days=2))} · due {shown(friday)}" in answer

    view = open_modal(bot, "risk")
    assert field_errors(submit(bot, view, {"title": "Vendor late", "review_date": "in 2 weeks"})) == {}
    answer = bot.fake.wait_for("chat.postEphemeral", 2)[-1].args["text"]
    assert answer.endswith(f"Next review {shown(today + timedelta(days=14))}.")

    view = open_modal(bot, "issue")
    assert field_errors(submit(bot, view, {"title": "Staging down", "due_date": "tomorrow"})) == {}
    answer = bot.fake.wait_for("chat.postEphemeral", 3)[-1].args["text"]
    assert answer == f"Logged *APL-I1* Staging down. Due {shown(today + timedelta(days=1))}."

    view = open_modal(bot, "update APL-1")
    assert field_errors(submit(bot, view, {"due_date": "两周后"})) == {}
    answer = bot.fake.wait_for("chat.postEphemeral", 4)[-1].args["text"]
    assert f"due {shown(today + timedelta(days=14))}" in answer

    with bot.database.system_session(write=False) as db:
        assert db.scalar(select(Risk.review_date)) == today + timedelta(days=14)
        assert db.scalar(select(Issue.due_date)) == today + timedelta(days=1)
        assert db.scalar(select(Task.due_date)) == today + timedelta(days=14)


def test_commands_with_dates_echo_them_and_refuse_what_cannot_be_read(bot: RunningBot) -> None:
    today = started(bot)
    friday = next_calendar_week(today, 4)
    assert f"due {shown(friday)}" in say(bot, "milestone add Beta due 下周五")
    say(bot, "task add Build start tomorrow due in 2 weeks")
    assert f"to {shown(friday)}" in say(bot, "task move APL-1 due 下周五")
    say(bot, "budget set people 1000")
    yesterday = today - timedelta(days=1)
    assert f"({shown(yesterday)})" in say(bot, "cost 50 people taxi on yesterday")
    say(bot, "task add Deliverable")
    with bot.database.system_session() as db:
        db.scalars(select(Task).where(Task.number == 2)).one().is_deliverable = True
    assert f"planned for {shown(friday)}" in say(bot, "quality review APL-2 <@U0003|carol> 下周五")
    refusal = say(bot, "milestone add Gamma due the day after never")
    assert "can't read `the day after never` as a date. Try one of: next friday, in 2 weeks" in refusal
