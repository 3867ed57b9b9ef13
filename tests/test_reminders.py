"""Overdue reminders from the `reminders` pass at chosen times: time zones, holidays and absences."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Task
from tests.support.charter import create
from tests.support.flows import field_errors, open_modal, submit
from tests.support.passes import dms_to
from tests.support.reminders import overdue, reminder_dms, reminders
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL, TEAM


def test_each_owner_is_reminded_at_nine_in_their_own_time_zone_once_a_day(bot: RunningBot) -> None:
    overdue(bot)
    # Monday 2026-12-07 08:30 in Madrid is 02:30 in New York: nobody yet.
    reminders(bot, "2026-12-07T07:30+00:00")
    assert reminder_dms(bot, CAROL) == [] and reminder_dms(bot, BOB) == []
    # 09:10 in Madrid: Carol, with both her task and her issue; Bob's morning is still to come.
    reminders(bot, "2026-12-07T08:10+00:00")
    assert reminder_dms(bot, CAROL) == ["⏰ You have 2 overdue items:"]
    assert reminder_dms(bot, BOB) == []
    dm = next(c.args for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == CAROL)
    assert "*APL-I1* Flaky CI · APL · due Thu 2026-12-03 · 4 days late" in str(dm["blocks"])
    assert {"task_done", "reminder_snooze", "reminder_new_date", "issue_resolve"} <= {
        element["action_id"]
        for block in dm["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }
    # 09:05 in New York: Bob. Later runs that day send nothing again.
    reminders(bot, "2026-12-07T14:05+00:00")
    reminders(bot, "2026-12-07T20:00+00:00")
    assert len(reminder_dms(bot, CAROL)) == 1 and len(reminder_dms(bot, BOB)) == 1


def test_no_reminders_on_weekends_or_holidays_and_not_to_people_away(bot: RunningBot) -> None:
    overdue(bot)
    reminders(bot, "2026-12-05T10:00+00:00")  # Saturday
    assert reminder_dms(bot, CAROL) == []
    assert (
        "is a holiday" in bot.slack.command("holidays add 2026-12-08, Inmaculada", user=ADMIN).json()["text"]
    )
    assert (
        "Only PMO administrators" in bot.slack.command("holidays add 2026-12-09", user=CAROL).json()["text"]
    )
    reminders(bot, "2026-12-08T10:00+00:00")  # the holiday
    assert reminder_dms(bot, CAROL) == []
    answer = bot.slack.command("away 2026-12-09 to 2026-12-11", user=CAROL).json()["text"]
    assert answer.startswith("Away from Wed 2026-12-09 to Fri 2026-12-11")
    # 09:30 in Madrid, 16:30 in Shanghai: still within Alice's working day.
    reminders(bot, "2026-12-09T08:30+00:00")
    assert reminder_dms(bot, CAROL) == []
    # Away: her overdue work goes to the manager's summary instead.
    summary = [text for text in dms_to(bot, ALICE) if text.startswith("📋")]
    assert summary and "*APL-1* Build · <@U0003>" in summary[0]


def test_snooze_quiets_an_item_until_tomorrow_and_a_new_date_moves_it(bot: RunningBot) -> None:
    overdue(bot)
    bot.slack.block_action("reminder_snooze", value="APL-I1", user=CAROL)
    assert (
        "*APL-I1* is snoozed: no reminder about it until after"
        in bot.fake.wait_for("response_url")[-1].args["text"]
    )
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("reminder_new_date", value="APL-1", user=CAROL)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert (
        "already passed"
        in field_errors(submit(bot, view, {"due_date": "2026-01-01"}, user=CAROL))["due_date"]
    )
    assert field_errors(submit(bot, view, {"due_date": None}, user=CAROL)) == {
        "due_date": "Give the new due date."
    }
    assert field_errors(submit(bot, view, {"due_date": "2027-01-15"}, user=CAROL)) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalar(select(Task.due_date).where(Task.number == 1)) == date(2027, 1, 15)
    bot.slack.block_action("reminder_snooze", value="APL-9", user=CAROL)
    assert "There is no task APL-9" in bot.fake.wait_for("response_url", 2)[-1].args["text"]
    bot.slack.block_action("reminder_snooze", value="APL-1:someday", user=CAROL)
    assert bot.fake.wait_for("response_url", 3)[-1].args["text"] == "That reminder button is no longer valid."


def test_a_slack_status_that_says_away_is_respected(bot: RunningBot) -> None:
    bot.fake.add_user(
        TEAM, "U0005", name="dave", real_name="Dave Li", tz="Europe/Madrid", status_emoji=":palm_tree:"
    )
    bot.fake.add_user(
        TEAM, "U0006", name="erin", real_name="Erin Wu", tz="Europe/Madrid", status_text="OOO until Monday"
    )
    create(bot)
    for user in ("U0005", "U0006"):
        bot.slack.command(f"team add <@{user}> member")
        bot.slack.command(f"task add Job of {user} <@{user}> start 2026-12-01 due 2026-12-02")
    reminders(bot, "2026-12-07T08:30+00:00")  # 09:30 in Madrid, 16:30 in Shanghai
    assert reminder_dms(bot, "U0005") == [] and reminder_dms(bot, "U0006") == []
    summary = next(text for text in dms_to(bot, ALICE) if text.startswith("📋"))
    assert "<@U0005>" in summary and "<@U0006>" in summary


def test_an_away_owners_work_late_only_one_to_three_days_goes_to_the_managers_summary(
    bot: RunningBot,
) -> None:
    overdue(bot)  # Build (Carol) and Docs (Bob) are 3 days late on Monday, Flaky CI (Carol) 4
    bot.slack.command("away 2026-12-07 to 2026-12-07", user=CAROL)
    reminders(bot, "2026-12-07T08:30+00:00")  # 09:30 in Madrid, 16:30 in Shanghai
    [summary] = [text for text in dms_to(bot, ALICE) if text.startswith("📋")]
    assert "• *APL-1* Build · <@U0003> · 3 days late" in summary.splitlines()
    assert "<@U0002>" not in summary  # Bob is here: 3 days late is his own to chase


def test_a_reminder_missed_all_day_is_not_sent_in_the_evening_but_the_next_working_day(
    bot: RunningBot,
) -> None:
    overdue(bot)
    reminders(bot, "2026-12-07T16:05+00:00")  # Monday 17:05 in Madrid: the day is over
    assert reminder_dms(bot, CAROL) == []
    reminders(bot, "2026-12-08T07:55+00:00")  # Tuesday 08:55: not yet
    assert reminder_dms(bot, CAROL) == []
    reminders(bot, "2026-12-08T08:05+00:00")  # Tuesday 09:05
    assert reminder_dms(bot, CAROL) == ["⏰ You have 2 overdue items:"]


def test_the_reminders_line_of_the_plan_sets_the_days_the_time_and_on_or_off(bot: RunningBot) -> None:
    overdue(bot)
    view = open_modal(bot, "comms edit reminders")
    assert field_errors(submit(bot, view, {"days": "tue,thu", "local_time": "11:00"})) == {}
    reminders(bot, "2026-12-07T10:05+00:00")  # Monday 11:05 in Madrid: not a reminder day
    reminders(bot, "2026-12-08T09:05+00:00")  # Tuesday 10:05: before the line's 11:00
    assert reminder_dms(bot, CAROL) == []
    reminders(bot, "2026-12-08T10:05+00:00")  # Tuesday 11:05
    assert reminder_dms(bot, CAROL) == ["⏰ You have 2 overdue items:"]
    summaries = [text for text in dms_to(bot, ALICE) if text.startswith("📋")]
    assert len(summaries) == 1 and "4 days late" in summaries[0]  # Tuesday's, at Alice's 11:00
    view = open_modal(bot, "comms edit reminders")
    assert field_errors(submit(bot, view, {"enabled": None})) == {}
    reminders(bot, "2026-12-10T10:05+00:00")  # Thursday 11:05, but switched off
    assert len(reminder_dms(bot, CAROL)) == 1
    assert len([text for text in dms_to(bot, ALICE) if text.startswith("📋")]) == 1
