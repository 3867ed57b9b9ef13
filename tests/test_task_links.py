"""`/pmo task link`: finish-to-start with lags and leads, start-to-start, finish-to-finish, and
the links it refuses, end to end."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.markup import unescape
from handlers.tasks.breakdown import link_answer
from models import AuditEntry, Task, TaskDependency
from models.core.enums import LinkKind
from models.schedule.cpm import Link
from models.tasks.breakdown import Linked, LinkOutcome
from tests.support.flows import count_rows, say
from tests.support.languages import ZH, english_words
from tests.support.planning import planned, task
from tests.support.served import RunningBot


def links(bot: RunningBot) -> set[tuple[int, int, LinkKind, int]]:
    """Each link as (task number, number of the task it waits for, kind, lag)."""
    with bot.database.system_session(write=False) as db:
        numbers = dict(db.execute(select(Task.id, Task.number)).all())
        rows = db.scalars(select(TaskDependency)).all()
        return {(numbers[row.task_id], numbers[row.depends_on_id], row.kind, row.lag_days) for row in rows}


def four_tasks(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Design start 2026-12-01 due 2026-12-03")
    say(bot, "task add Build start 2026-12-08 due 2026-12-11")
    say(bot, "task add Docs start 2026-12-08 due 2026-12-11")
    say(bot, "task add Ship start 2026-12-21 due 2026-12-21")


def test_links_take_a_kind_and_a_lag_and_several_predecessors_at_once(bot: RunningBot) -> None:
    four_tasks(bot)
    assert say(bot, "task link APL-2 after APL-1 +2d") == (
        "Linked: *APL-2* starts after *APL-1* is due, 2 working days later."
    )
    assert say(bot, "task link APL-4 after APL-2, APL-3 -1d") == (
        "Linked: *APL-4* starts after *APL-2* is due.\n"
        "Linked: *APL-4* starts after *APL-3* is due, 1 working day earlier."
    )
    assert say(bot, "task link APL-3 starts with APL-2") == "Linked: *APL-3* starts with *APL-2*."
    assert say(bot, "task link APL-3 finishes with APL-2 +0d") == (
        "Changed the link: *APL-3* finishes with *APL-2* (it was: *APL-3* starts with *APL-2*)."
    )
    fs, ff = LinkKind.FINISH_TO_START, LinkKind.FINISH_TO_FINISH
    assert links(bot) == {(2, 1, fs, 2), (4, 2, fs, 0), (4, 3, fs, -1), (3, 2, ff, 0)}


def test_a_link_that_exists_is_answered_already_and_changes_nothing(bot: RunningBot) -> None:
    four_tasks(bot)
    say(bot, "task link APL-2 after APL-1 +2d")
    assert say(bot, "task link APL-2 after APL-1 +2d") == (
        "Already linked: *APL-2* starts after *APL-1* is due, 2 working days later. Nothing changed."
    )
    assert count_rows(bot.database, TaskDependency) == 1
    with bot.database.system_session(write=False) as db:
        assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "task.link")).all()) == 1


def test_a_summary_task_and_its_own_work_cannot_wait_for_each_other(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Billing")
    say(bot, "task add Invoices under APL-1 start 2026-12-01 due 2026-12-04")
    say(bot, "task add Invoice rules under APL-2 start 2026-12-01 due 2026-12-02")
    refusal = "*APL-1* contains *APL-3*: a summary task and its own work can't wait for each other."
    assert refusal in say(bot, "task link APL-1 after APL-3")
    assert refusal in say(bot, "task link APL-3 after APL-1")
    assert "*APL-2* contains *APL-3*" in say(bot, "task link APL-3 starts with APL-2")
    assert "A task can't wait for itself." in say(bot, "task link APL-2 after APL-2")
    refusal = "The task would be part of *APL-1*, so it can't wait for it."
    assert refusal in say(bot, "task add Totals under APL-2 after APL-1")
    assert count_rows(bot.database, TaskDependency) == 0 and count_rows(bot.database, Task) == 3


def test_a_cycle_through_a_summary_task_is_refused_with_its_path(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Billing")
    say(bot, "task add Invoices under APL-1 start 2026-12-01 due 2026-12-02")
    say(bot, "task add Review start 2026-12-03 due 2026-12-04")
    say(bot, "task link APL-3 after APL-1")  # waits for Billing, so for its leaf APL-2
    answer = say(bot, "task link APL-2 after APL-3")
    assert "That would make a loop of dependencies: APL-2 → APL-3 → APL-2." in answer
    assert links(bot) == {(3, 1, LinkKind.FINISH_TO_START, 0)}


def test_a_link_the_tasks_own_dates_break_is_refused_in_working_days(bot: RunningBot) -> None:
    four_tasks(bot)
    # Design is due Thursday: two days' lag makes the earliest start Tuesday, not Monday.
    assert say(bot, "task link APL-3 after APL-1 +2d").startswith("Linked: *APL-3* starts after *APL-1*")
    answer = say(bot, "task link APL-2 after APL-1 +3d")
    assert "Its link to *APL-1* lets it start no earlier than Wed 2026-12-09, not Tue 2026-12-08." in answer
    answer = say(bot, "task link APL-1 finishes with APL-2")
    assert "Its link to *APL-2* lets it finish no earlier than Fri 2026-12-11, not Thu 2026-12-03." in answer
    assert links(bot) == {(3, 1, LinkKind.FINISH_TO_START, 2)}


def test_badly_written_links_answer_with_the_form(bot: RunningBot) -> None:
    four_tasks(bot)
    for text in (
        "task link APL-2 before APL-1",
        "task link APL-2 after +2d",
        "task link APL-2 after APL-1 +2d +1d",
        "task link APL-2 starts APL-1",
        "task link APL-2",
    ):
        answer = unescape(say(bot, text))
        assert "`after`, `starts with` or `finishes with`" in answer, text
        assert "`/pmo task link <KEY> after|starts with|finishes with" in answer
        assert "add <title>" not in answer
    assert "at most 250 working days either way, not -400" in say(bot, "task link APL-2 after APL-1 -400d")
    assert "no task APL-9" in say(bot, "task link APL-2 after APL-1, APL-9")
    assert count_rows(bot.database, TaskDependency) == 0


def test_a_link_reads_in_chinese() -> None:
    keys = {1: "APL-1", 2: "APL-2"}
    changed = LinkOutcome(Linked.CHANGED, Link(1, 2, LinkKind.START_TO_START, 2), Link(1, 2))
    assert link_answer(keys, changed, ZH) == (
        "已修改关联：*APL-2* 与 *APL-1* 同时开始，滞后2个工作日（原为：*APL-2* 在 *APL-1* 完成后开始）。"
    )
    already = LinkOutcome(Linked.ALREADY, Link(1, 2, LinkKind.FINISH_TO_FINISH, -1))
    answer = link_answer(keys, already, ZH)
    assert answer == "已有这个关联：*APL-2* 与 *APL-1* 同时完成，提前1个工作日。未做任何更改。"
    assert english_words(answer) == []


def test_help_shows_how_to_link_and_to_see_the_critical_path(bot: RunningBot) -> None:
    planned(bot)
    shown = unescape(say(bot, "help"))
    assert "link <KEY> after|starts with|finishes with <KEY> [+Nd|-Nd][, <KEY> …]" in shown
    assert "`/pmo plan [critical]`" in shown and "critical tasks marked" in shown


def test_task_add_takes_a_lag_after_each_predecessor(bot: RunningBot) -> None:
    four_tasks(bot)
    say(bot, "task add Test start 2026-12-09 due 2026-12-10 after APL-1 +2d, APL-3 -3d")
    assert links(bot) == {(5, 1, LinkKind.FINISH_TO_START, 2), (5, 3, LinkKind.FINISH_TO_START, -3)}
    refused = say(bot, "task add Early start 2026-12-08 after APL-1 +3d")
    assert "Its link to *APL-1* lets it start no earlier than Wed 2026-12-09, not Tue 2026-12-08." in refused
    assert "`APL-2 +2d, APL-5`" in unescape(say(bot, "task add Odd after +2d APL-1"))
    assert count_rows(bot.database, TaskDependency) == 2


def test_a_move_is_judged_by_each_links_own_rule(bot: RunningBot) -> None:
    four_tasks(bot)
    say(bot, "task link APL-3 starts with APL-2")
    # Starting with Build, Docs may start before Build is due: only Build's start binds it.
    assert "*APL-3* now runs from Wed 2026-12-09 to Fri 2026-12-11." in say(
        bot, "task move APL-3 start 2026-12-09"
    )
    refused = say(bot, "task move APL-3 start 2026-12-07")
    assert "Its link to *APL-2* lets it start no earlier than Tue 2026-12-08, not Mon 2026-12-07." in refused
    assert task(bot, 3).start_date == date(2026, 12, 9)
