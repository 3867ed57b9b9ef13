"""`/pmo milestone done|move|rename|remove`: a milestone reached on its day, moved to a working
day, renamed and removed, each audited; only by the team, and never in a closed project."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from models import AuditEntry, Milestone, Project
from models.core.enums import Phase
from tests.support.flows import count_rows, local_today, say
from tests.support.planning import planned
from tests.support.served import RunningBot
from tests.support.workspace import BOB


def shown(day: date) -> str:
    return f"{day:%a} {day.isoformat()}"


def milestone(bot: RunningBot) -> Milestone:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Milestone)).one()


def audited(bot: RunningBot, action: str) -> list[AuditEntry]:
    with bot.database.system_session(write=False) as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def plan_line(bot: RunningBot) -> str:
    text = say(bot, "plan")
    return next(line for line in text.splitlines() if "*APL-M1*" in line)


def with_beta(bot: RunningBot, due: str = "2026-12-01") -> None:
    planned(bot)
    say(bot, f"milestone add Beta due {due}")


def test_a_milestone_reached_today_shows_its_day_and_is_no_longer_late(bot: RunningBot) -> None:
    with_beta(bot)
    today = local_today()
    assert "⚠️ late" in plan_line(bot)
    assert say(bot, "milestone done APL-M1") == f"✅ *APL-M1* Beta reached on {shown(today)}."
    assert milestone(bot).completed_on == today
    # Reached after its baseline day: late by the weekdays after Tue 1 Dec up to today.
    after = [date(2026, 12, 1) + timedelta(n) for n in range(1, (today - date(2026, 12, 1)).days + 1)]
    late = sum(1 for day in after if day.weekday() < 5)
    days = f"{late} working day{'s' if late != 1 else ''} late"
    assert plan_line(bot) == (
        f"✅ *APL-M1* Beta · reached {shown(today)} (due Tue 2026-12-01) · baseline Tue 2026-12-01, {days}"
    )
    assert "was reached on" in say(bot, "milestone done APL-M1")
    assert len(audited(bot, "milestone.done")) == 1


def test_a_milestone_reached_earlier_says_on_which_day_and_a_day_to_come_is_refused(bot: RunningBot) -> None:
    with_beta(bot)
    tomorrow = local_today() + timedelta(days=1)
    refused = say(bot, f"milestone done APL-M1 on {tomorrow.isoformat()}")
    assert f"{shown(tomorrow)} is still to come (today is {shown(local_today())})" in refused
    assert milestone(bot).completed_on is None
    earlier = local_today() - timedelta(days=3)
    assert say(bot, f"milestone done APL-M1 on {earlier.isoformat()}") == (
        f"✅ *APL-M1* Beta reached on {shown(earlier)}."
    )
    assert milestone(bot).completed_on == earlier
    assert "`milestone done APL-M1 on yesterday`" in say(bot, "milestone done APL-M1 at noon")


def test_a_moved_milestone_lands_on_a_working_day_and_says_so(bot: RunningBot) -> None:
    with_beta(bot, "2027-01-15")
    assert say(bot, "milestone move APL-M1 to 2027-02-06") == (
        "*APL-M1* Beta moves from Fri 2027-01-15 to Mon 2027-02-08."
        " Sat 2027-02-06 is not a working day, so it lands on the next one."
    )
    assert say(bot, "milestone move APL-M1 2027-02-10") == (
        "*APL-M1* Beta moves from Mon 2027-02-08 to Wed 2027-02-10."
    )
    found = milestone(bot)
    assert (found.due_date, found.baseline_due) == (date(2027, 2, 10), date(2027, 1, 15))
    assert "`milestone move APL-M1 to next friday`" in say(bot, "milestone move APL-M1 to")
    say(bot, "milestone done APL-M1")
    assert "a reached milestone keeps its day" in say(bot, "milestone move APL-M1 to 2027-03-01")
    assert [entry.after for entry in audited(bot, "milestone.move")] == [
        {"due_date": "2027-02-08"},
        {"due_date": "2027-02-10"},
    ]


def test_a_milestone_is_renamed_and_removed_with_an_answer_and_an_audit_entry(bot: RunningBot) -> None:
    with_beta(bot, "2027-01-15")
    assert (
        say(bot, "milestone rename APL-M1 Public beta") == "*APL-M1* is now called Public beta (it was Beta)."
    )
    assert milestone(bot).name == "Public beta"
    assert (
        say(bot, "milestone remove APL-M1")
        == "Removed milestone *APL-M1* Public beta (it was due Fri 2027-01-15)."
    )
    assert count_rows(bot.database, Milestone) == 0
    (removed,) = audited(bot, "milestone.remove")
    assert (removed.subject, removed.before) == ("APL-M1", {"name": "Public beta", "due_date": "2027-01-15"})
    assert "There is no milestone `APL-M1`" in say(bot, "milestone remove APL-M1")


def test_only_the_team_changes_milestones_and_a_closed_project_refuses(bot: RunningBot) -> None:
    with_beta(bot, "2027-01-15")
    for command in ("done APL-M1", "move APL-M1 to 2027-02-01", "rename APL-M1 Gamma", "remove APL-M1"):
        assert "Only the project's team" in say(bot, f"milestone {command}", user=BOB)
    with bot.database.system_session() as db:
        db.execute(update(Project).values(phase=Phase.CLOSED))
    assert "APL is closed and read-only" in say(bot, "milestone rename APL-M1 Gamma")
    found = milestone(bot)
    assert (found.name, found.due_date, found.completed_on) == ("Beta", date(2027, 1, 15), None)
    assert audited(bot, "milestone.rename") == []


def test_a_milestone_command_that_cannot_be_read_says_how_to_write_it(bot: RunningBot) -> None:
    with_beta(bot)
    assert "`done`, `move`, `rename` or `remove`" in say(bot, "milestone finish APL-M1")
    assert say(bot, "milestone done").startswith("Name the milestone by its key, like APL-M1.")
    assert "Write `remove` and the milestone's key, nothing more." in say(bot, "milestone remove APL-M1 now")


def test_a_milestone_after_tasks_is_due_at_their_latest_finish_and_follows_them(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Design start 2026-12-07 due 2026-12-09")
    say(bot, "task add Build start 2026-12-10 due 2026-12-11 after APL-1")
    say(bot, "task add Docs start 2026-12-07 due 2026-12-08")
    say(bot, "task add Someday")
    assert say(bot, "milestone add Beta after APL-2, APL-3 deliverable") == (
        "Added milestone *APL-M1* Beta · due Fri 2026-12-11 · deliverable,"
        " when APL-2, APL-3 finish; it follows them when they move."
    )
    answer = say(bot, "task move APL-1 start 2026-12-09 due 2026-12-11")
    assert "↪ *APL-2* follows it, 2 working days later: now Mon 2026-12-14 to Tue 2026-12-15." in answer
    assert answer.endswith("◆ *APL-M1* Beta follows its tasks: due Tue 2026-12-15 (was Fri 2026-12-11).")
    assert milestone(bot).due_date == date(2026, 12, 15)
    assert [entry.after for entry in audited(bot, "milestone.follow")] == [{"due_date": "2026-12-15"}]
    # A day set by hand is kept: the milestone stops following.
    say(bot, "milestone move APL-M1 to 2026-12-18")
    assert "APL-M1" not in say(bot, "task move APL-1 start 2026-12-07 due 2026-12-09")
    assert milestone(bot).due_date == date(2026, 12, 18)
    assert "have no dates yet" in say(bot, "milestone add Gamma after APL-4")
    assert "There is no task APL-9" in say(bot, "milestone add Gamma after APL-9")
    assert "`after`" in say(bot, "milestone add Gamma")
    mixed = say(bot, "milestone add Gamma due 2027-01-04 after APL-1")
    assert "can't read `2027-01-04 after APL-1` as a date" in mixed
    assert count_rows(bot.database, Milestone) == 1
