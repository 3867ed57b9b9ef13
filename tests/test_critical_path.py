"""The critical path method: a published worked example, calendar crossings and random networks.

Day numbers in `solve` are working days from the network's first one, and a task of duration
d occupies days ES..ES + d - 1 (Microsoft Project's convention). Textbooks that count in
periods ending at EF = ES + d publish EF and LF one higher than ours; the test converts.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar.working_days import WorkCalendar
from models.core.enums import LinkKind
from models.schedule.cpm import Activity, Link, Schedule, leaf_links, pushed, schedule, solve
from models.schedule.network import Item

FS, SS, FF = LinkKind.FINISH_TO_START, LinkKind.START_TO_START, LinkKind.FINISH_TO_FINISH
WEEKDAYS = WorkCalendar()
PROPERTIES = settings(max_examples=150, deadline=None, derandomize=True, database=None)


def d(text: str) -> date:
    return date.fromisoformat(text)


# Heizer & Render, "Operations Management", chapter 3 (Project Management): Milwaukee Paper
# Manufacturing's pollution control facility, durations in weeks, activity on node.
MILWAUKEE = {  # activity: (duration, predecessors)
    "A": (2, ""),  # build internal components
    "B": (3, ""),  # modify roof and floor
    "C": (2, "A"),  # construct collection stack
    "D": (4, "AB"),  # pour concrete and install frame
    "E": (4, "C"),  # build high-temperature burner
    "F": (3, "C"),  # install pollution control system
    "G": (5, "DE"),  # install air pollution device
    "H": (2, "FG"),  # inspect and test
}
# The book's table: ES, EF, LS, LF and slack; the critical path A-C-E-G-H takes 15 weeks.
PUBLISHED = {
    "A": (0, 2, 0, 2, 0),
    "B": (0, 3, 1, 4, 1),
    "C": (2, 4, 2, 4, 0),
    "D": (3, 7, 4, 8, 1),
    "E": (4, 8, 4, 8, 0),
    "F": (4, 7, 10, 13, 6),
    "G": (8, 13, 8, 13, 0),
    "H": (13, 15, 13, 15, 0),
}
# Free float is not in the book's table; worked by hand from it: the earliest start of the
# successors less the activity's early finish (B waits for nothing before D, D leaves G a week).
FREE_FLOAT = {"A": 0, "B": 0, "C": 0, "D": 1, "E": 0, "F": 6, "G": 0, "H": 0}


def test_the_textbook_network_gives_the_published_dates_and_slack() -> None:
    ids = {name: number for number, name in enumerate(MILWAUKEE, start=1)}
    activities = [Activity(ids[name], duration) for name, (duration, _) in MILWAUKEE.items()]
    links = [Link(ids[before], ids[name]) for name, (_, befores) in MILWAUKEE.items() for before in befores]
    timings = solve(activities, links)
    for name, (es, ef, ls, lf, slack) in PUBLISHED.items():
        timing = timings[ids[name]]
        ours = (timing.early_start, timing.early_finish + 1, timing.late_start, timing.late_finish + 1)
        assert ours == (es, ef, ls, lf), name
        assert timing.total_float == slack and timing.free_float == FREE_FLOAT[name], name
    assert {name for name in MILWAUKEE if timings[ids[name]].critical} == set("ACEGH")
    assert max(timing.early_finish for timing in timings.values()) + 1 == 15


def plan(
    items: list[Item],
    links: tuple[Link, ...] | list[Link] = (),
    *,
    calendar: WorkCalendar = WEEKDAYS,
    target_end: date | None = None,
) -> Schedule:
    return schedule(items, links, calendar, target_end=target_end)


def test_a_friday_to_monday_hand_off_stays_critical() -> None:
    found = plan(
        [
            Item(1, d("2026-12-02"), d("2026-12-04")),  # Wed to Fri
            Item(2, d("2026-12-07"), d("2026-12-08")),  # Mon to Tue
            Item(3, d("2026-12-02"), d("2026-12-03")),  # Wed to Thu, on its own
        ],
        [Link(1, 2)],
    )
    assert [task.id for task in found.critical] == [1, 2]
    assert found.finish == d("2026-12-08")
    # Thursday to Tuesday leaves Friday, Monday and Tuesday: the weekend is not float.
    assert (found.tasks[3].total_float, found.tasks[3].free_float) == (3, 3)
    assert (found.tasks[1].duration, found.tasks[2].duration) == (3, 2)


def test_a_holiday_is_neither_duration_nor_float() -> None:
    holiday = WorkCalendar(holidays=frozenset({d("2026-12-07")}))
    found = plan(
        [
            Item(1, d("2026-12-03"), d("2026-12-04")),  # Thu to Fri
            Item(2, d("2026-12-08"), d("2026-12-09")),  # Tue to Wed, Monday off
            Item(3, d("2026-12-04"), d("2026-12-08")),  # Fri to Tue across the holiday: two days
        ],
        [Link(1, 2)],
        calendar=holiday,
    )
    assert [task.id for task in found.critical] == [1, 2]
    assert found.tasks[3].duration == 2 and found.tasks[3].total_float == 1


def test_a_task_pushed_past_a_weekend_lands_on_working_days() -> None:
    found = plan(
        [Item(1, d("2026-12-03"), d("2026-12-04")), Item(2, d("2026-12-01"), d("2026-12-02"))], [Link(1, 2)]
    )
    pushed = found.tasks[2]
    assert (pushed.start, pushed.finish) == (d("2026-12-07"), d("2026-12-08"))


def test_equal_parallel_paths_are_both_critical_whatever_the_typing_order() -> None:
    for first, second in ((2, 3), (3, 2)):
        found = plan(
            [
                Item(1, d("2026-12-01"), d("2026-12-01")),
                Item(first, d("2026-12-02"), d("2026-12-04")),
                Item(second, d("2026-12-02"), d("2026-12-04")),
                Item(4, d("2026-12-07"), d("2026-12-07")),
                Item(5, d("2026-12-02"), d("2026-12-02")),  # off the path
            ],
            [Link(1, 2), Link(1, 3), Link(2, 4), Link(3, 4)],
        )
        assert [task.id for task in found.critical] == [1, 2, 3, 4]
        assert found.tasks[5].total_float == 3


def test_a_due_date_the_schedule_passes_gives_negative_float_back_along_the_chain() -> None:
    found = plan(
        [
            Item(1, d("2026-12-07"), d("2026-12-09")),  # Mon to Wed
            Item(2, d("2026-12-08"), d("2026-12-09")),  # typed Tue to Wed, due Wed
            Item(3, d("2026-12-07"), d("2026-12-18")),  # long, independent: the network ends later
        ],
        [Link(1, 2)],
    )
    late = found.tasks[2]
    assert (late.start, late.finish, late.due) == (d("2026-12-10"), d("2026-12-11"), d("2026-12-09"))
    assert (found.tasks[1].total_float, late.total_float) == (-2, -2)
    assert [task.id for task in found.late_tasks] == [2]
    assert {task.id for task in found.critical} == {1, 2, 3}
    assert found.tasks[1].due is None and found.tasks[3].due is None


def test_a_target_end_before_the_network_finish_is_negative_float() -> None:
    items = [Item(1, d("2026-12-07"), d("2026-12-11")), Item(2, d("2026-12-07"), d("2026-12-08"))]
    met = plan(items, target_end=d("2026-12-18"))
    assert (met.tasks[1].total_float, met.tasks[2].total_float, met.misses_target) == (0, 3, False)
    missed = plan(items, target_end=d("2026-12-09"))  # Wednesday: two days short
    assert (missed.tasks[1].total_float, missed.tasks[2].total_float, missed.misses_target) == (-2, 1, True)
    assert missed.finish == d("2026-12-11")


def test_lags_leads_and_start_and_finish_links_count_working_days() -> None:
    items = [
        Item(1, d("2026-12-02"), d("2026-12-03")),  # Wed to Thu
        Item(2, d("2026-12-01"), None),  # after 1 +2d: Friday and Monday are the lag
        Item(3, d("2026-12-01"), d("2026-12-02")),  # starts with 1, a day later, so misses its due
        Item(4, d("2026-12-01"), None),  # finishes with 1
        Item(5, d("2026-12-01"), None),  # after 1 with a day's lead: overlaps its last day
    ]
    links = [Link(1, 2, FS, 2), Link(1, 3, SS, 1), Link(1, 4, FF), Link(1, 5, FS, -1)]
    found = plan(items, links)
    dates = {node: (task.start, task.finish) for node, task in found.tasks.items()}
    assert dates[2] == (d("2026-12-08"), d("2026-12-08"))
    assert dates[3] == (d("2026-12-03"), d("2026-12-04"))
    assert dates[4] == (d("2026-12-03"), d("2026-12-03"))
    assert dates[5] == (d("2026-12-03"), d("2026-12-03"))
    # Task 3 finishes Friday, two working days past its due Wednesday, and so does the task
    # it starts with; 2 drives the finish; 4 and 5 could slip to Tuesday.
    floats = {node: task.total_float for node, task in found.tasks.items()}
    assert floats == {1: -2, 2: 0, 3: -2, 4: 3, 5: 3}
    assert [task.id for task in found.critical] == [1, 3, 2]


def test_summary_tasks_are_not_nodes_and_a_link_to_one_means_its_leaves() -> None:
    items = [
        Item(1, None, None),  # summary
        Item(2, d("2026-12-01"), d("2026-12-02"), parent_id=1),
        Item(3, d("2026-12-01"), d("2026-12-04"), parent_id=1),
        Item(4, d("2026-12-01"), None),
    ]
    links = [Link(1, 4)]
    assert sorted((link.before, link.after) for link in leaf_links(items, links)) == [(2, 4), (3, 4)]
    found = plan(items, links)
    assert 1 not in found.tasks
    assert found.tasks[4].start == d("2026-12-07")  # after the later leaf, over the weekend
    assert [task.id for task in found.critical] == [3, 4]


def test_undated_tasks_are_not_scheduled_and_an_empty_plan_has_no_finish() -> None:
    assert plan([Item(1, None, None)]).finish is None
    assert list(plan([Item(1, None, None), Item(2, None, d("2026-12-05"))]).tasks) == [2]
    assert plan([Item(2, None, d("2026-12-05"))]).tasks[2].start == d("2026-12-04")  # a Saturday due


def test_only_tasks_their_links_hold_back_are_pushed_each_by_its_own_rule() -> None:
    items = [
        Item(1, d("2026-12-01"), d("2026-12-08")),  # just moved: now due Tuesday
        Item(2, d("2026-12-07"), d("2026-12-08")),  # after 1: held to Wednesday
        Item(3, d("2026-12-02"), d("2026-12-03")),  # starts with 1, a day later: fine as it is
        Item(4, d("2026-12-09"), d("2026-12-09")),  # after 2: held to Friday
    ]
    links = [Link(1, 2), Link(1, 3, SS, 1), Link(2, 4)]
    found = pushed(items, links, WEEKDAYS, moved=1)
    assert [(push.id, push.earliest_start, push.current_start) for push in found] == [
        (2, d("2026-12-09"), d("2026-12-07")),
        (4, d("2026-12-11"), d("2026-12-09")),
    ]


def test_a_cycle_saved_before_links_were_checked_leaves_one_link_out_instead_of_failing() -> None:
    timings = solve([Activity(1, 2), Activity(2, 3)], [Link(1, 2), Link(2, 1)])
    assert sorted(timings) == [1, 2]
    assert max(timing.early_finish for timing in timings.values()) + 1 == 5  # one link kept


# -- random networks


@st.composite
def networks(draw: st.DrawFn, kinds: bool = True) -> tuple[list[Activity], list[Link]]:
    """A random DAG: links only go from a lower id to a higher one, so there is no cycle."""
    size = draw(st.integers(1, 14))
    activities = [
        Activity(node, draw(st.integers(1, 6)), draw(st.none() | st.integers(0, 10))) for node in range(size)
    ]
    pairs = [(before, after) for after in range(size) for before in range(after)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=30)) if pairs else []
    kind = st.sampled_from([FS, SS, FF]) if kinds else st.just(FS)
    links = [Link(before, after, draw(kind), draw(st.integers(-2, 3))) for before, after in chosen]
    return activities, links


def longest_path(activities: list[Activity], links: list[Link]) -> int:
    """The network's length by networkx: a longest path from a source to a sink through the
    start-to-start distances that each link and each release imposes."""
    duration = {activity.id: activity.duration for activity in activities}
    graph = nx.DiGraph()
    for activity in activities:
        graph.add_edge("source", activity.id, weight=activity.release or 0)
        graph.add_edge(activity.id, "sink", weight=activity.duration)
    for link in links:
        before, after, lag = link.before, link.after, link.lag
        weight = {
            FS: duration[before] + lag,
            SS: lag,
            FF: duration[before] + lag - duration[after],
        }[link.kind]
        if graph.has_edge(before, after):
            weight = max(weight, graph[before][after]["weight"])
        graph.add_edge(before, after, weight=weight)
    return int(nx.dag_longest_path_length(graph))


@PROPERTIES
@given(networks())
def test_the_project_length_is_the_longest_path(network: tuple[list[Activity], list[Link]]) -> None:
    activities, links = network
    timings = solve(activities, links)
    assert max(timing.early_finish for timing in timings.values()) + 1 == longest_path(activities, links)


@PROPERTIES
@given(networks())
def test_without_a_deadline_no_float_is_negative_and_some_task_is_critical(
    network: tuple[list[Activity], list[Link]],
) -> None:
    timings = solve(*network)
    assert all(timing.total_float >= 0 and timing.free_float >= 0 for timing in timings.values())
    assert all(timing.free_float <= timing.total_float for timing in timings.values())
    finish = max(timing.early_finish for timing in timings.values())
    assert any(timing.critical and timing.early_finish == finish for timing in timings.values())


@PROPERTIES
@given(networks(), st.randoms(use_true_random=False))
def test_the_answer_does_not_depend_on_the_order_tasks_and_links_were_typed(
    network: tuple[list[Activity], list[Link]], random: Random
) -> None:
    activities, links = network
    shuffled_activities, shuffled_links = activities[:], links[:]
    random.shuffle(shuffled_activities)
    random.shuffle(shuffled_links)
    assert solve(shuffled_activities, shuffled_links) == solve(activities, links)


@st.composite
def dated_plans(draw: st.DrawFn) -> tuple[list[Item], list[Link], WorkCalendar]:
    activities, links = draw(networks())
    first = date(2026, 12, 1)
    off = draw(st.sets(st.integers(0, 60).map(lambda days: first + timedelta(days=days)), max_size=8))
    items = [
        Item(activity.id, first + timedelta(days=(activity.release or 0)), None)
        if draw(st.booleans())
        else Item(
            activity.id,
            first + timedelta(days=activity.release or 0),
            first + timedelta(days=(activity.release or 0) + draw(st.integers(0, 9))),
        )
        for activity in activities
    ]
    return items, links, WorkCalendar(holidays=frozenset(off))


@PROPERTIES
@given(dated_plans())
def test_every_link_holds_in_the_early_schedule_on_working_days(
    plan_: tuple[list[Item], list[Link], WorkCalendar],
) -> None:
    items, links, calendar = plan_
    found = schedule(items, links, calendar)
    for task in found.tasks.values():
        assert calendar.is_working(task.start) and calendar.is_working(task.finish)
        assert calendar.span(task.start, task.finish) == task.duration
        typed = next(item for item in items if item.id == task.id)
        assert task.start >= typed.start  # type: ignore[operator]
    for link in links:
        before, after = found.tasks[link.before], found.tasks[link.after]
        gap = {
            FS: calendar.count(before.finish, after.start) - 1,
            SS: calendar.count(before.start, after.start),
            FF: calendar.count(before.finish, after.finish),
        }[link.kind]
        assert gap >= link.lag, link
