"""A milestone's forecast comes from the critical path through its own predecessors."""

from __future__ import annotations

from sqlalchemy import select

from models import Task
from tests.support.served import RunningBot
from tests.support.status import day, nth_weekday, running, say, weekdays


def forecast_of(name: str, status: str) -> str:
    line = next(line for line in status.splitlines() if f"* {name} · due " in line)
    return line.split("· forecast ")[1].split(" · ")[0]


def due_of(name: str, status: str) -> str:
    line = next(line for line in status.splitlines() if f"* {name} · due " in line)
    return line.split("· due ")[1].split(" · ")[0]


def test_a_milestone_after_late_work_is_forecast_from_the_work_left_to_do(bot: RunningBot) -> None:
    running(bot)  # Build was planned from day -10 to day -2 and is not done
    say(bot, "milestone add Launch after APL-1")
    status = say(bot, "status")
    # All of Build's working days are still to do, from today on: the milestone waits for them.
    assert nth_weekday(0, weekdays(-10, -2)) in forecast_of("Launch", status)
    # Nothing comes before Beta: its own date stands, whatever the project's SPI says.
    assert forecast_of("Beta", status) == due_of("Beta", status) and day(20) in due_of("Beta", status)


def test_progress_on_the_work_before_it_brings_its_forecast_in(bot: RunningBot) -> None:
    running(bot)
    say(bot, "milestone add Launch after APL-1")
    days = weekdays(-10, -2)
    with bot.database.system_session() as db:
        db.scalars(select(Task).where(Task.number == 1)).one().percent_complete = 50
    left = -(-days // 2)  # the undone half, rounded up to a whole working day
    assert nth_weekday(0, left) in forecast_of("Launch", say(bot, "status"))
