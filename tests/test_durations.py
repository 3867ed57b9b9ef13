"""`duration <N>d`: a task typed by its working days is placed where its links and calendar allow.

Microsoft Project's conventions (a task of N days that starts on a working day finishes N - 1
working days later; a finish-to-start successor starts the next working day): see
models/calendar/working_days.py. Checked by hand on the December 2026 calendar below.

        December 2026
    Mo Tu We Th Fr Sa Su
        1  2  3  4  5  6
     7  8  9 10 11 12 13
    14 15 16 17 18 19 20
"""

from __future__ import annotations

from datetime import date

from models import Task
from tests.support.flows import field_errors, open_modal, say, submit
from tests.support.integrity import contents
from tests.support.planning import planned, task
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN


def dates(bot: RunningBot, number: int) -> tuple[date | None, date | None]:
    found: Task = task(bot, number)
    return found.start_date, found.due_date


def test_a_duration_alone_starts_with_the_project_and_skips_the_weekend(bot: RunningBot) -> None:
    planned(bot)  # the project starts Tue 2026-12-01
    answer = say(bot, "task add Design duration 5d")
    assert answer.startswith(
        "Added *APL-1* Design · owner nobody · start Tue 2026-12-01 · due Mon 2026-12-07"
    )
    assert dates(bot, 1) == (date(2026, 12, 1), date(2026, 12, 7))


def test_each_link_places_a_task_by_its_own_rule_across_weekends_and_holidays(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "holidays add 2026-12-10 Company day", user=ADMIN)
    say(bot, "task add Design start 2026-12-02 due 2026-12-04")
    # Finish-to-start with a day's lag: Monday is the lag, Tuesday the start, Thursday is off.
    say(bot, "task add Build duration 3 days after APL-1 +1d")
    assert dates(bot, 2) == (date(2026, 12, 8), date(2026, 12, 11))
    # Two predecessors: the later one decides.
    say(bot, "task add Test duration 2d after APL-1, APL-2")
    assert dates(bot, 3) == (date(2026, 12, 14), date(2026, 12, 15))
    # A lead starts it before its predecessor finishes.
    say(bot, "task add Docs duration 2d after APL-2 -2d")
    assert dates(bot, 4) == (date(2026, 12, 9), date(2026, 12, 11))


def test_a_start_or_a_due_date_anchors_the_duration_and_all_three_must_agree(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Kickoff start 2026-12-05 duration 2d")  # a Saturday rolls to Monday
    assert dates(bot, 1) == (date(2026, 12, 7), date(2026, 12, 8))
    say(bot, "task add Sign-off due 2026-12-18 duration 3d")
    assert dates(bot, 2) == (date(2026, 12, 16), date(2026, 12, 18))
    before = contents(bot.database)
    refused = say(bot, "task add Review start 2026-12-07 due 2026-12-11 duration 3d")
    assert refused.startswith(
        "The start and due date you gave are 5 working days apart, not the 3 of its duration:"
        " give two of the three."
    )
    assert "is not a duration" in say(bot, "task add Review duration three")
    assert say(bot, "task add Review duration 0d").startswith("A duration is 1 to 2000 working days, not 0")
    assert contents(bot.database) == before


def test_the_task_form_takes_a_duration_in_working_days(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Design start 2026-12-02 due 2026-12-04")
    view = open_modal(bot, "task")
    labels = [block["label"]["text"] for block in view["blocks"] if block["type"] == "input"]
    assert "Duration (working days)" in labels
    bad = field_errors(submit(bot, view, {"title": "Build", "duration_days": "soon"}))
    assert bad == {"duration_days": "`soon` is not a duration: write working days, like 3d or 10 days."}
    assert (
        field_errors(submit(bot, view, {"title": "Build", "duration_days": "4d", "depends_on": "APL-1"}))
        == {}
    )
    assert dates(bot, 2) == (date(2026, 12, 7), date(2026, 12, 10))


def test_a_chinese_duration_reads_in_working_days(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add 设计 duration 3天")
    assert dates(bot, 1) == (date(2026, 12, 1), date(2026, 12, 3))


def test_help_task_says_how_each_way_of_typing_a_task_maps_to_its_dates(bot: RunningBot) -> None:
    answer = say(bot, "help task")
    assert "*How a task's dates follow from what you type*" in answer
    for typed in ("`start <when> due <when>`", "`duration 3d` alone", "`due <when> duration 3d`"):
        assert typed in answer.replace("&lt;", "<").replace("&gt;", ">")
