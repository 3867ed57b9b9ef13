"""`/pmo plan` and `/pmo plan critical` from the critical path method, and the Gantt's critical bars."""

from __future__ import annotations

from datetime import date

from bot.markup import unescape
from handlers.schedule.gantt import gantt_bar
from models import Project, Task
from models.calendar.working_days import WorkCalendar
from models.core.enums import TaskStatus
from models.schedule.cpm import Link
from models.schedule.plan import plan_rows
from tests.support.charter import create
from tests.support.flows import say
from tests.support.planning import planned
from tests.support.served import RunningBot


def plan_text(bot: RunningBot, args: str = "") -> list[str]:
    return bot.slack.command(f"plan {args}".strip()).json()["text"].splitlines()


def row(lines: list[str], key: str) -> str:
    return next(line for line in lines if f"*{key}*" in line)


def two_chains(bot: RunningBot) -> None:
    """Design Wed to Fri, then Build and Docs side by side Mon to Tue; Review on its own."""
    say(bot, "task add Design start 2026-12-02 due 2026-12-04")
    say(bot, "task add Build start 2026-12-07 due 2026-12-08 after APL-1")
    say(bot, "task add Docs start 2026-12-07 due 2026-12-08 after APL-1")
    say(bot, "task add Review start 2026-12-02 due 2026-12-02")


def test_the_plan_shows_dates_durations_and_float_and_marks_every_critical_task(bot: RunningBot) -> None:
    planned(bot)
    two_chains(bot)
    lines = plan_text(bot)
    assert (
        row(lines, "APL-1")
        == "🔺 *APL-1* Design · nobody · Wed 2026-12-02 → Fri 2026-12-04 (3 d, float 0 d) · to do 0%"
    )
    # The weekend between Design and its successors is neither float nor a break in the path.
    assert row(lines, "APL-2").startswith(
        "🔺 *APL-2* Build · nobody · Mon 2026-12-07 → Tue 2026-12-08 (2 d, float 0 d)"
    )
    assert row(lines, "APL-3").startswith("🔺 *APL-3* Docs")
    # Review could slip Thursday, Friday, Monday and Tuesday without moving the finish.
    assert row(lines, "APL-4").startswith(
        "• *APL-4* Review · nobody · Wed 2026-12-02 → Wed 2026-12-02 (1 d, float 4 d)"
    )
    assert "*Finish* Tue 2026-12-08, on or before the target end Wed 2027-03-31." in lines


def test_a_move_past_the_target_end_shows_negative_float_back_along_its_chain(bot: RunningBot) -> None:
    create(bot, {"target_end_date": "2026-12-08"})
    two_chains(bot)
    say(bot, "task move APL-1 due 2026-12-07")  # Design takes Monday too; its successors follow
    lines = plan_text(bot)
    assert row(lines, "APL-2").startswith(
        "🔺 *APL-2* Build · nobody · Tue 2026-12-08 → Wed 2026-12-09 (2 d, float -1 d)"
    )
    # Its baseline is where it was typed: it now finishes Monday, one working day after Friday.
    assert "(4 d, float -1 d) · baseline Wed 2026-12-02 → Fri 2026-12-04, 1 working day late · to do" in row(
        lines, "APL-1"
    )
    assert "*Finish* Wed 2026-12-09 ⚠️ after the target end Tue 2026-12-08" in "\n".join(lines)


def test_a_finish_after_the_target_end_is_named_and_the_critical_path_shows_alone(bot: RunningBot) -> None:
    create(bot, {"target_end_date": "2026-12-07"})
    two_chains(bot)
    lines = plan_text(bot, "critical")
    assert lines[0] == "APL · Apollo — critical path"
    assert [line.split("*")[1] for line in lines[1:4]] == ["APL-1", "APL-2", "APL-3"]
    assert "(3 d, float -1 d)" in lines[1] and "APL-4" not in "\n".join(lines)
    assert lines[4].startswith("*Finish* Tue 2026-12-08 ⚠️ after the target end Mon 2026-12-07")
    assert "float -1 d" not in row(plan_text(bot), "APL-4") and "(1 d, float 3 d)" in row(
        plan_text(bot), "APL-4"
    )


def test_plan_critical_without_dates_and_a_bad_view_say_so(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Someday")
    assert "no critical path" in "\n".join(plan_text(bot, "critical"))
    answer = unescape(say(bot, "plan sideways"))
    assert "`sideways` is not a view of the plan" in answer and "/pmo plan [critical]" in answer


def test_the_gantt_outlines_every_critical_task_of_tied_chains() -> None:
    project = Project(key="APL", name="Apollo")
    dates = {
        1: ("2026-12-02", "2026-12-04"),
        2: ("2026-12-07", "2026-12-08"),
        3: ("2026-12-07", "2026-12-08"),
        4: ("2026-12-02", "2026-12-02"),
    }
    tasks = [
        Task(
            id=number,
            number=number,
            title=f"Task {number}",
            start_date=date.fromisoformat(start),
            due_date=date.fromisoformat(due),
            status=TaskStatus.TODO,
            percent_complete=0,
        )
        for number, (start, due) in dates.items()
    ]
    # Typed in the other order, the answer is the same: both chains through 2 and 3 are critical.
    for links in ([Link(1, 2), Link(1, 3)], [Link(1, 3), Link(1, 2)]):
        rows = plan_rows(tasks, links, WorkCalendar()).rows
        bars = [gantt_bar(project, one, {}, {}, date(2026, 12, 1)) for one in rows]
        assert {bar.key: bar.critical for bar in bars if bar} == {
            "APL-1": True,
            "APL-2": True,
            "APL-3": True,
            "APL-4": False,
        }
