"""A project's own working week and days off: set by its manager, counted by its schedule."""

from __future__ import annotations

from datetime import date

from models.calendar.working_days import SUNDAY_TO_THURSDAY
from tests.support.charter import project
from tests.support.flows import say
from tests.support.planning import planned, task
from tests.support.served import RunningBot


def sunday_to_thursday(bot: RunningBot) -> None:
    planned(bot)
    assert (
        say(bot, "calendar week sun-thu")
        == "*APL* now works Mon, Tue, Wed, Thu, Sun: its schedule, float, planned value and forecasts "
        "count these days only."
    )


def test_a_sunday_to_thursday_project_moves_its_work_over_its_own_weekend(bot: RunningBot) -> None:
    sunday_to_thursday(bot)
    say(bot, "task add Design start 2026-12-09 due 2026-12-10")  # Wednesday and Thursday
    say(bot, "task add Build start 2026-12-13 due 2026-12-14 after APL-1")  # Sunday and Monday
    answer = say(bot, "task move APL-1 start 2026-12-10 due 2026-12-13")  # Thursday to Sunday: 2 days
    assert answer.splitlines()[1] == (
        "↪ *APL-2* follows it, 1 working day later: now Mon 2026-12-14 to Tue 2026-12-15."
    )
    found = task(bot, 2)
    assert (found.start_date, found.due_date) == (date(2026, 12, 14), date(2026, 12, 15))
    plan = say(bot, "plan")
    assert "Sun 2026-12-13" in plan and "Sat" not in plan


def test_a_day_off_of_the_project_own_is_skipped_by_its_schedule(bot: RunningBot) -> None:
    sunday_to_thursday(bot)
    assert (
        say(bot, "calendar holiday 2026-12-14 Site closed")
        == "Mon 2026-12-14 is a day off for *APL*: its schedule skips it."
    )
    assert say(bot, "calendar holiday 2026-12-14") == "Mon 2026-12-14 is already a day off for *APL*."
    say(bot, "task add Design start 2026-12-09 due 2026-12-10")
    say(bot, "task add Build start 2026-12-13 due 2026-12-15 after APL-1")  # Sunday and Tuesday
    say(bot, "task move APL-1 start 2026-12-10 due 2026-12-13")
    found = task(bot, 2)
    assert (found.start_date, found.due_date) == (date(2026, 12, 15), date(2026, 12, 16))
    shown = say(bot, "calendar")
    assert shown.splitlines()[0] == "*APL* works Mon, Tue, Wed, Thu, Sun."
    assert "Mon 2026-12-14 Site closed" in shown


def test_only_the_manager_sets_the_week_and_a_bad_day_changes_nothing(bot: RunningBot) -> None:
    planned(bot)
    refused = say(bot, "calendar week sun-thu", user="U0003")
    assert refused.startswith("Only the project's manager")
    assert say(bot, "calendar week sun-funday").startswith("`funday` is not a day of the week")
    assert say(bot, "calendar week").startswith("Write `week` and the working days")
    assert project(bot).working_week == "1111100"


def test_the_week_reads_in_chinese(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "calendar week 周日至周四")
    assert project(bot).working_week == SUNDAY_TO_THURSDAY
