"""Rescheduling: a moved task carries the work that follows it by each link's rule, in working
days; end to end through `/pmo task move`, and as a property over random networks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from handlers.tasks.breakdown import followed_lines
from models import AuditEntry, Project, Task
from models.calendar.working_days import WorkCalendar
from models.core.enums import LinkKind
from models.schedule.cpm import Link
from models.schedule.network import Item
from models.schedule.reschedule import Followed, Shift, follow
from tests.support.flows import say
from tests.support.languages import ZH, english_words
from tests.support.planning import planned, task
from tests.support.served import RunningBot

CHRISTMAS = WorkCalendar(holidays=frozenset({date(2026, 12, 25)}))
MONDAY = date(2026, 12, 7)
WEEKDAYS = WorkCalendar()  # the test workspace's: no holidays


def linked_chain(bot: RunningBot) -> None:
    """Design Mon to Wed; Build after it, Docs starting a day into it, Review finishing with Build."""
    planned(bot)
    say(bot, "task add Design start 2026-12-07 due 2026-12-09")
    say(bot, "task add Build start 2026-12-10 due 2026-12-11 after APL-1")
    say(bot, "task add Docs start 2026-12-08 due 2026-12-10")
    say(bot, "task add Review start 2026-12-10 due 2026-12-11")
    say(bot, "task add Unrelated start 2026-12-07 due 2026-12-07")
    say(bot, "task link APL-3 starts with APL-1 +1d")
    say(bot, "task link APL-4 finishes with APL-2")


def dates(bot: RunningBot, number: int) -> tuple[str, str]:
    found = task(bot, number)
    assert found.start_date is not None and found.due_date is not None
    return found.start_date.isoformat(), found.due_date.isoformat()


def test_a_move_carries_finish_to_start_start_to_start_and_finish_to_finish_successors_over_a_weekend(
    bot: RunningBot,
) -> None:
    linked_chain(bot)
    answer = say(bot, "task move APL-1 start 2026-12-09 due 2026-12-11").splitlines()
    assert answer[0] == "*APL-1* now runs from Wed 2026-12-09 to Fri 2026-12-11."
    assert sorted(answer[1:4]) == [
        "↪ *APL-2* follows it, 2 working days later: now Mon 2026-12-14 to Tue 2026-12-15.",
        "↪ *APL-3* follows it, 2 working days later: now Thu 2026-12-10 to Mon 2026-12-14.",
        "↪ *APL-4* follows it, 2 working days later: now Mon 2026-12-14 to Tue 2026-12-15.",
    ]
    assert answer[4:] == ["The project's finish moves from Fri 2026-12-11 to Tue 2026-12-15."]
    assert [dates(bot, number) for number in (2, 3, 4, 5)] == [
        ("2026-12-14", "2026-12-15"),
        ("2026-12-10", "2026-12-14"),  # three working days: Thursday, Friday, Monday
        ("2026-12-14", "2026-12-15"),
        ("2026-12-07", "2026-12-07"),  # not linked: stays
    ]
    with bot.database.system_session(write=False) as db:
        followed = db.scalars(select(AuditEntry).where(AuditEntry.reason == "APL-1")).all()
    assert sorted(entry.subject for entry in followed) == ["APL-2", "APL-3", "APL-4"]


def test_successors_that_waited_for_the_task_follow_it_back_and_others_keep_their_room(
    bot: RunningBot,
) -> None:
    linked_chain(bot)
    say(bot, "task add Launch start 2026-12-17 due 2026-12-17 after APL-2")  # three days of room
    answer = say(bot, "task move APL-1 start 2026-12-03 due 2026-12-07")  # Thu to Mon: 2 days earlier
    assert "↪ *APL-2* follows it, 2 working days earlier: now Tue 2026-12-08 to Wed 2026-12-09." in answer
    assert "↪ *APL-3* follows it, 2 working days earlier: now Fri 2026-12-04 to Tue 2026-12-08." in answer
    assert "APL-6" not in answer and dates(bot, 6) == ("2026-12-17", "2026-12-17")
    assert "The project's finish stays Thu 2026-12-17." in answer
    # Pushed later again, the room is used up before the launch moves.
    answer = say(bot, "task move APL-1 start 2026-12-09 due 2026-12-15")
    assert "↪ *APL-6* follows it, 1 working day later: now Fri 2026-12-18 to Fri 2026-12-18." in answer
    assert "The project's finish moves from Thu 2026-12-17 to Fri 2026-12-18." in answer


def test_a_task_with_nothing_after_it_moves_alone(bot: RunningBot) -> None:
    linked_chain(bot)
    assert (
        say(bot, "task move APL-5 due 2026-12-08")
        == "*APL-5* now runs from Mon 2026-12-07 to Tue 2026-12-08."
    )


def test_the_answer_reads_in_chinese() -> None:
    project = Project(key="APL")
    moved = Task(number=2, start_date=date(2026, 12, 14), due_date=date(2026, 12, 15))
    moved.id = 7
    followed = Followed([Shift(7, (None, None), (None, None), 2)], date(2026, 12, 11), date(2026, 12, 15))
    lines = followed_lines(project, followed, {7: moved}, ZH)
    assert lines[0].startswith("↪ *APL-2* 随之推后2个工作日")
    assert english_words("\n".join(lines)) == []


# -- the rule of every link holds after any move


def gap(calendar: WorkCalendar, first: date, second: date) -> int:
    """Signed working days from one working day to another, each numbered from a fixed origin."""
    origin = MONDAY - timedelta(days=60)
    return calendar.count(origin, second) - calendar.count(origin, first)


def holds(link: Link, before: Item, after: Item, calendar: WorkCalendar) -> bool:
    """Each link's rule written as working days between the two tasks' own dates."""
    assert before.start and before.due and after.start and after.due
    if link.kind is LinkKind.START_TO_START:
        return gap(calendar, before.start, after.start) >= link.lag
    if link.kind is LinkKind.FINISH_TO_FINISH:
        return gap(calendar, before.due, after.due) >= link.lag
    return gap(calendar, before.due, after.start) >= 1 + link.lag


def placed(item: Item, first: date, duration: int, calendar: WorkCalendar) -> Item:
    return replace(item, start=first, due=calendar.add(first, duration - 1))


def earliest(
    item: Item, duration: int, links: list[Link], tasks: dict[int, Item], calendar: WorkCalendar
) -> Item:
    """`item` at its own first day or, day by day, the first that keeps its incoming links."""
    assert item.start is not None
    candidate = placed(item, calendar.on_or_after(item.start), duration, calendar)
    incoming = [link for link in links if link.after == item.id]
    while not all(holds(link, tasks[link.before], candidate, calendar) for link in incoming):
        candidate = placed(item, calendar.add(candidate.start or MONDAY, 1), duration, calendar)
    return candidate


networks = st.integers(min_value=2, max_value=9).flatmap(
    lambda size: st.tuples(
        st.lists(st.integers(0, 15), min_size=size, max_size=size),  # each task's own first day
        st.lists(st.integers(1, 5), min_size=size, max_size=size),  # durations
        st.lists(
            st.tuples(
                st.integers(0, size - 1),
                st.integers(0, size - 1),
                st.sampled_from(list(LinkKind)),
                st.integers(-2, 3),
            ),
            max_size=2 * size,
        ),
        st.integers(0, size - 1),  # the task moved
        st.integers(-6, 6),  # by how many working days
        st.integers(-2, 2),  # and how much longer
    )
)


@settings(max_examples=300, deadline=None)
@given(networks)
def test_every_links_rule_holds_after_any_move(
    network: tuple[list[int], list[int], list[tuple[int, int, LinkKind, int]], int, int, int],
) -> None:
    offsets, durations, pairs, moved, shift, longer = network
    calendar = CHRISTMAS
    # Links only from a lower to a higher number, so the network has no loop.
    links = sorted(
        {Link(a, b, kind, lag) for a, b, kind, lag in pairs if a < b},
        key=lambda found: (found.after, found.before),
    )
    links = list({(link.before, link.after): link for link in links}.values())
    tasks: dict[int, Item] = {}
    for node, (offset, duration) in enumerate(zip(offsets, durations, strict=True)):
        own = Item(node, calendar.add(MONDAY, offset), None)
        tasks[node] = earliest(own, duration, links, tasks, calendar)
    was = tasks[moved]
    assert was.start is not None
    duration = max(durations[moved] + longer, 1)
    wanted = Item(moved, calendar.add(was.start, shift), None)
    tasks[moved] = earliest(wanted, duration, links, tasks, calendar)  # a move its own links allow

    followed = follow(list(tasks.values()), links, calendar, moved=moved, was=was)

    after = dict(tasks)
    for found in followed.shifts:
        after[found.id] = replace(after[found.id], start=found.now[0], due=found.now[1])
        assert gap(calendar, tasks[found.id].start or MONDAY, found.now[0] or MONDAY) == found.days
    reachable, stack = set(), [moved]
    while stack:  # only the work after the moved task may move
        node = stack.pop()
        later = {link.after for link in links if link.before == node} - reachable
        reachable |= later
        stack.extend(later)
    assert {found.id for found in followed.shifts} <= reachable
    broken = [link for link in links if not holds(link, after[link.before], after[link.after], calendar)]
    assert broken == []
    for node, item in after.items():  # durations are kept, and every date is a working day
        assert item.start and item.due and calendar.is_working(item.start) and calendar.is_working(item.due)
        assert calendar.span(item.start, item.due) == calendar.span(
            tasks[node].start or MONDAY, tasks[node].due or MONDAY
        )


def test_a_pinned_successor_stays_and_is_listed_with_its_negative_float(bot: RunningBot) -> None:
    linked_chain(bot)
    assert say(bot, "task pin APL-2") == (
        "*APL-2* is pinned to start Thu 2026-12-10: moves of the work before it no longer carry it, "
        "and a conflict shows as negative float."
    )
    answer = say(bot, "task move APL-1 start 2026-12-09 due 2026-12-11")
    assert (
        "⚠ *APL-2* is pinned to start Thu 2026-12-10, but its links now need Mon 2026-12-14: "
        "float -2 working days (2 days late)."
    ) in answer
    assert "↪ *APL-2*" not in answer and dates(bot, 2) == ("2026-12-10", "2026-12-11")
    assert "↪ *APL-4* follows it" not in answer  # it finishes with the pinned task, which stayed
    say(bot, "task unpin APL-2")
    answer = say(bot, "task move APL-1 start 2026-12-09 due 2026-12-14")
    assert "↪ *APL-2* follows it, 3 working days later: now Tue 2026-12-15 to Wed 2026-12-16." in answer


def test_a_task_without_a_start_cannot_be_pinned(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Design due 2026-12-09")
    assert say(bot, "task pin APL-1").startswith("*APL-1* has no start date to pin")
    assert not task(bot, 1).start_pinned


def test_a_move_down_a_long_chain_names_the_first_tasks_it_carries_and_counts_the_rest(
    bot: RunningBot,
) -> None:
    """23 one-day tasks in a chain, Monday 7 Dec onwards: moving the first a working day later
    carries all 22 after it; the answer names 20 and counts 2, every one of them is saved."""
    planned(bot)
    days = [WEEKDAYS.add(MONDAY, n) for n in range(23)]
    say(bot, f"task add Step 1 start {days[0]} due {days[0]}")
    for number, day in enumerate(days[1:], start=2):
        say(bot, f"task add Step {number} start {day} due {day} after APL-{number - 1}")
    answer = say(bot, f"task move APL-1 start {days[1]} due {days[1]}").splitlines()
    carried = [line for line in answer if line.startswith("↪ *APL-")]
    assert len(carried) == 20
    assert "↪ …and 2 more tasks follow it: `/pmo plan` shows where." in answer
    assert [dates(bot, number)[0] for number in range(2, 24)] == [day.isoformat() for day in days[2:]] + [
        WEEKDAYS.add(days[-1], 1).isoformat()
    ]
