"""Baseline against current in words (issue 18, item 6): `/pmo plan` per line, `/pmo status` in
short, the final report's milestones, all counted in working days of the project's calendar."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.flows import local_today, say
from tests.support.languages import chinese_project
from tests.support.languages import say as say_chinese
from tests.support.planning import planned
from tests.support.served import RunningBot

# Its plans are written in the dates of one December week: read on that week's clock.
pytestmark = pytest.mark.usefixtures("written_for")


def moved_plan(bot: RunningBot, say_as: Callable[[RunningBot, str], str] = say) -> None:
    """Design (Mon 7 to Wed 9 Dec) moves two working days later and carries Build (Thu 10 to
    Fri 11) over the weekend to Mon 14 to Tue 15; Docs stays. Beta moves from Fri 11 to Tue 15
    (two working days, four calendar days), Alpha from Wed 9 to Tue 8 (one day early)."""
    say_as(bot, "task add Design start 2026-12-07 due 2026-12-09")
    say_as(bot, "task add Build start 2026-12-10 due 2026-12-11 after APL-1")
    say_as(bot, "task add Docs start 2026-12-07 due 2026-12-08")
    say_as(bot, "milestone add Beta due 2026-12-11")
    say_as(bot, "milestone add Alpha due 2026-12-09")
    say_as(bot, "task move APL-1 start 2026-12-09 due 2026-12-11")
    say_as(bot, "milestone move APL-M1 to 2026-12-15")
    say_as(bot, "milestone move APL-M2 to 2026-12-08")


def line_of(text: str, key: str) -> str:
    return next(line for line in text.splitlines() if f"*{key}*" in line)


def test_the_plan_shows_each_slipped_task_and_milestone_against_its_baseline(bot: RunningBot) -> None:
    planned(bot)
    moved_plan(bot)
    plan = say(bot, "plan")
    assert line_of(plan, "APL-1").endswith(
        "Wed 2026-12-09 → Fri 2026-12-11 (3 d, float 0 d)"
        " · baseline Mon 2026-12-07 → Wed 2026-12-09, 2 working days late · to do 0%"
    )
    # Fri 11 to Tue 15 is four calendar days but two working days.
    assert line_of(plan, "APL-2").endswith(
        "Mon 2026-12-14 → Tue 2026-12-15 (2 d, float 0 d)"
        " · baseline Thu 2026-12-10 → Fri 2026-12-11, 2 working days late · to do 0%"
    )
    assert "baseline" not in line_of(plan, "APL-3")  # where it was promised: nothing to say
    assert "· due Tue 2026-12-15 · baseline Fri 2026-12-11, 2 working days late" in line_of(plan, "APL-M1")
    assert "· due Tue 2026-12-08 · baseline Wed 2026-12-09, 1 working day early" in line_of(plan, "APL-M2")
    # The critical path alone says the same of its tasks.
    assert "baseline Mon 2026-12-07 → Wed 2026-12-09, 2 working days late" in say(bot, "plan critical")


def test_status_counts_the_slipped_tasks_and_gives_each_milestone_slip(bot: RunningBot) -> None:
    planned(bot)
    moved_plan(bot)
    status = say(bot, "status")
    lines = status.splitlines()
    assert (
        "*Against the baseline* 2 tasks now finish later than promised: `/pmo plan` shows by how much."
        in lines
    )
    assert "· baseline Fri 2026-12-11, 2 working days late" in line_of(status, "APL-M1")
    assert "· baseline Wed 2026-12-09, 1 working day early" in line_of(status, "APL-M2")
    # Saving a new baseline makes the plan as it is the promise: nothing has slipped against it.
    say(bot, "baseline save client agreed the new dates")
    status = say(bot, "status")
    assert "Against the baseline" not in status and "baseline Fri" not in status
    assert "baseline" not in line_of(say(bot, "plan"), "APL-1")


def test_one_slipped_task_is_said_in_the_singular(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Design start 2026-12-07 due 2026-12-09")
    say(bot, "task move APL-1 start 2026-12-08 due 2026-12-10")
    assert "*Against the baseline* 1 task now finishes later than promised" in say(bot, "status")
    assert ", 1 working day late · to do" in line_of(say(bot, "plan"), "APL-1")


def test_a_chinese_project_reads_its_slips_in_chinese(bot: RunningBot) -> None:
    chinese_project(bot)
    moved_plan(bot, say_chinese)
    plan = say_chinese(bot, "plan")
    assert "，晚2个工作日" in line_of(plan, "APL-2")
    assert "，早1个工作日" in line_of(plan, "APL-M2")
    status = say_chinese(bot, "status")
    assert "*对照基准* 有2项任务的完成日期晚于承诺：`/pmo plan` 可查看各晚多少。" in status.splitlines()
    assert "，晚2个工作日" in line_of(status, "APL-M1")


def test_the_final_report_gives_milestone_slips_in_working_days_and_the_slipped_tasks(
    bot: RunningBot,
) -> None:
    planned(bot)
    say(bot, "calendar week sun-thu")
    say(bot, "milestone add Kickoff due 2026-12-01")
    say(bot, "milestone done APL-M1 on 2026-12-04")
    say(bot, "task add Design start 2026-12-06 due 2026-12-07")
    say(bot, "task move APL-1 start 2026-12-07 due 2026-12-08")
    uploads = len(bot.fake.calls_to("files.completeUploadExternal"))
    say(bot, "report")
    bot.fake.wait_for("files.completeUploadExternal", uploads + 1, timeout=60)
    report = bot.fake.uploaded_bytes(f"APL-report-{local_today().isoformat()}.md").decode()
    # Reached Friday, promised Tuesday: Wednesday and Thursday are the working days between on a
    # Sunday-to-Thursday week (three calendar days).
    assert "| Working days late |" in report
    assert "| APL-M1 | Kickoff | Tue 2026-12-01 | Tue 2026-12-01 | Fri 2026-12-04 | +2 |" in report
    assert "1 task finished, or is planned to finish, later than its baseline." in report
