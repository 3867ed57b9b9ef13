"""The Gantt chart renderer: a real PNG, not blank, one bar per task."""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
from matplotlib import dates as mdates
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text

from bot.charts import (
    CRITICAL_EDGE,
    GHOST,
    LATE,
    MILESTONE,
    NO_OWNER,
    ROWS_MAX,
    TODAY,
    GanttBar,
    GanttChart,
    GanttMilestone,
    gantt_figure,
    owner_colours,
    png_of,
    render_gantt,
)
from bot.heatmap import HIGH, LOW, WATCH, Heatmap, cell_colour, cell_text, render_heatmap
from handlers.schedule.gantt import gantt_bar, gantt_milestone
from models import Milestone, Project, Task
from models.calendar.working_days import SUNDAY_TO_THURSDAY, WorkCalendar
from models.core.enums import TaskStatus
from models.schedule.cpm import Link
from models.schedule.network import Item, rollups
from models.schedule.plan import plan_rows
from tests.support.png import PNG_SIGNATURE, hex_rgb, pixels, runs


def bars(count: int) -> tuple[GanttBar, ...]:
    owners = ["Alice", "Bob"]
    return tuple(
        GanttBar(
            key=f"APL-{n}",
            title=f"Task {n}",
            owner=owners[n % 2],
            start=date(2026, 12, 1),
            end=date(2026, 12, 10) + timedelta(days=n % 20),
            late=n == 2,
            critical=n in (0, 3),
            depends_on=("APL-0",) if n == 3 else (),
        )
        for n in range(count)
    )


def test_a_chart_is_a_png_of_sensible_size_and_not_blank() -> None:
    chart = GanttChart(
        "APL — Gantt", date(2026, 12, 5), bars(5), (GanttMilestone("Go-live", date(2026, 12, 20)),)
    )
    png = render_gantt(chart)
    assert png.startswith(PNG_SIGNATURE)
    picture = pixels(png)
    height, width = picture.shape[:2]
    assert 1000 <= width <= 1400 and 200 <= height <= 600
    assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 50


def test_one_bar_per_task_in_its_owners_colour_and_late_work_in_red() -> None:
    chart = GanttChart("APL", date(2026, 12, 5), bars(5))
    picture = pixels(render_gantt(chart))
    colours = owner_colours(chart.bars)
    late = hex_rgb(LATE)
    # Every bar covers early December, left of the legend (upper right): across those columns
    # the most common count of colour runs is one per bar.
    counts = Counter(
        (
            runs(picture[:, x], hex_rgb(colours["Alice"])),
            runs(picture[:, x], hex_rgb(colours["Bob"])),
            runs(picture[:, x], late),
        )
        for x in range(0, picture.shape[1] * 2 // 5, 4)
    )
    assert counts.most_common(1)[0][0] == (2, 2, 1)  # APL-0, 4 / APL-1, 3 / APL-2 late


def linked_bar(
    key: str, owner: str | None, days: tuple[int, int], *after: str, critical: bool = False
) -> GanttBar:
    """A bar over December `days` (first, last) waiting for the keys `after`."""
    first, last = (date(2026, 12, day) for day in days)
    return GanttBar(key, key, owner, first, last, critical=critical, depends_on=after)


def linked_chart() -> GanttChart:
    """Build → Test → Ship on the critical path, Docs after Build with slack, two milestones."""
    return GanttChart(
        "APL",
        date(2026, 12, 6),
        (
            linked_bar("APL-1", "Alice", (1, 4), critical=True),
            linked_bar("APL-2", "Bob", (5, 9), "APL-1", critical=True),
            linked_bar("APL-3", "Bob", (6, 7), "APL-1"),
            # APL-99 is not drawn: no arrow to nowhere.
            linked_bar("APL-4", None, (10, 10), "APL-2", "APL-99", critical=True),
        ),
        (GanttMilestone("Beta", date(2026, 12, 5), late=True), GanttMilestone("Go-live", date(2026, 12, 12))),
    )


def test_each_dependency_is_an_arrow_from_the_end_of_its_predecessor_to_the_start_of_its_task() -> None:
    chart = linked_chart()
    axes = gantt_figure(chart).axes[0]
    arrows = sorted(
        (text.xyann, text.xy) for text in axes.texts if isinstance(text, Annotation) and text.arrow_patch
    )
    ends = {
        bar.key: (mdates.date2num(bar.end + timedelta(days=1)), row) for row, bar in enumerate(chart.bars)
    }
    starts = {bar.key: (mdates.date2num(bar.start), row) for row, bar in enumerate(chart.bars)}
    expected = [
        (ends["APL-1"], starts["APL-2"]),
        (ends["APL-1"], starts["APL-3"]),
        (ends["APL-2"], starts["APL-4"]),
    ]
    assert arrows == sorted(expected)


def test_today_is_one_dashed_vertical_line_and_each_milestone_a_diamond_on_its_row() -> None:
    chart = linked_chart()
    lines = [line for line in gantt_figure(chart).axes[0].lines if isinstance(line, Line2D)]
    today = mdates.date2num(chart.today)
    verticals = [line for line in lines if list(line.get_xdata()) == [today, today]]
    assert len(verticals) == 1
    assert to_hex(verticals[0].get_color()) == TODAY.lower() and verticals[0].get_linestyle() == "--"
    diamonds = [
        (float(line.get_xdata()[0]), float(line.get_ydata()[0]), to_hex(line.get_color()))
        for line in lines
        if line.get_marker() == "D"
    ]
    first_row = len(chart.bars)  # milestones are drawn below the tasks
    assert diamonds == [
        (mdates.date2num(date(2026, 12, 5)), first_row, LATE.lower()),
        (mdates.date2num(date(2026, 12, 12)), first_row + 1, MILESTONE.lower()),
    ]


def test_only_the_critical_bars_are_outlined() -> None:
    chart = linked_chart()
    drawn = [patch for patch in gantt_figure(chart).axes[0].patches if isinstance(patch, Rectangle)]
    assert len(drawn) == len(chart.bars)
    rows = {round(patch.get_y() + patch.get_height() / 2): patch for patch in drawn}
    dark_edges = {
        row for row, patch in rows.items() if to_hex(patch.get_edgecolor()) == CRITICAL_EDGE.lower()
    }
    thick_edges = {row for row, patch in rows.items() if patch.get_linewidth() > 2}
    critical = {row for row, bar in enumerate(chart.bars) if bar.critical}
    assert dark_edges == thick_edges == critical == {0, 1, 3}


def test_an_empty_plan_still_renders() -> None:
    png = render_gantt(GanttChart("Empty", date(2026, 12, 5), ()))
    assert png.startswith(PNG_SIGNATURE) and pixels(png).shape[0] >= 200


def test_a_huge_plan_is_capped() -> None:
    # Compared before encoding: two PNGs of 200 rows cost seconds and say nothing more.
    capped = gantt_figure(GanttChart("Big", date(2026, 12, 5), bars(ROWS_MAX + 300)))
    at_cap = gantt_figure(GanttChart("Cap", date(2026, 12, 5), bars(ROWS_MAX)))
    assert tuple(capped.get_size_inches()) == tuple(at_cap.get_size_inches())
    rows = [label.get_text() for label in capped.axes[0].get_yticklabels()]
    assert len(rows) == ROWS_MAX and rows == [label.get_text() for label in at_cap.axes[0].get_yticklabels()]


def test_the_heatmap_puts_each_key_in_its_cell_coloured_by_score() -> None:
    cells = {(5, 4): ["APL-R1"], (1, 1): ["APL-R2"], (3, 3): [f"APL-R{n}" for n in range(3, 9)]}
    heatmap = Heatmap("APL — risks", cells, "Probability", "Impact")
    png = render_heatmap(heatmap)
    assert png.startswith(PNG_SIGNATURE)
    picture = pixels(png)
    flat = picture.reshape(-1, 3)
    # All three bands are drawn, each over several cells' worth of pixels.
    area = {
        c: int(np.count_nonzero(np.all(np.abs(flat - hex_rgb(c)) < 0.02, axis=1))) for c in (HIGH, WATCH, LOW)
    }
    assert all(count > 1000 for count in area.values()), area
    assert cell_text(cells[(3, 3)]) == "APL-R3\nAPL-R4\nAPL-R5\nAPL-R6\n+2"
    assert (cell_colour(5, 3), cell_colour(2, 3), cell_colour(1, 5)) == (HIGH, WATCH, LOW)


def test_emoji_no_font_can_draw_are_left_out_rather_than_drawn_as_boxes() -> None:
    """matplotlib warns "Glyph … missing from font(s)" exactly when it draws a box."""
    chart = GanttChart(
        "🚀 APL — Gantt",
        date(2026, 12, 5),
        (replace(bars(1)[0], title="📋 Payments API ✅ 支付"),),
        (GanttMilestone("🎯 Go-live", date(2026, 12, 20)),),
    )
    figure = gantt_figure(chart)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        png = png_of(figure)
    assert png.startswith(PNG_SIGNATURE)
    shown = {text.get_text() for text in figure.findobj(Text)}
    assert "APL — Gantt" in shown
    assert any(label.endswith("Payments API 支付") for label in shown), shown
    assert not any(char in label for label in shown for char in "🚀📋✅🎯")


# -- the schedule drawn: days off, float, summaries, baselines (issue 18, item 11)

SUN_TO_THU = WorkCalendar(SUNDAY_TO_THURSDAY, frozenset({date(2026, 12, 10)}))  # a Thursday holiday


def drawn(figure_axes: Axes, gid: str) -> list[Artist]:
    return [artist for artist in figure_axes.get_children() if artist.get_gid() == gid]


def x_span(patch: Rectangle) -> tuple[date, date]:
    """The whole days a rectangle covers, first and last."""
    first = mdates.num2date(patch.get_x()).date()
    return first, first + timedelta(days=round(patch.get_width()) - 1)


def calendar_task(number: int, start: str, due: str, parent: int | None = None) -> Task:
    return Task(
        id=number,
        number=number,
        title=f"Task {number}",
        parent_id=parent,
        start_date=date.fromisoformat(start),
        due_date=date.fromisoformat(due),
        status=TaskStatus.TODO,
        percent_complete=0,
    )


def sun_to_thu_bars(*tasks: Task, links: tuple[Link, ...] = ()) -> dict[str, GanttBar]:
    rows = plan_rows(list(tasks), list(links), SUN_TO_THU).rows
    found = [gantt_bar(Project(key="APL", name="Apollo"), row, {}, {}, date(2026, 12, 1)) for row in rows]
    return {bar.key: bar for bar in found if bar is not None}


def test_the_days_a_sunday_to_thursday_week_has_off_and_its_holiday_are_shaded() -> None:
    # Fri-Sat is the weekend; Thu 10 Dec is a holiday, which joins that weekend into one run.
    spans = SUN_TO_THU.days_off(date(2026, 12, 1), date(2026, 12, 20))
    assert spans == [
        (date(2026, 12, 4), date(2026, 12, 5)),
        (date(2026, 12, 10), date(2026, 12, 12)),
        (date(2026, 12, 18), date(2026, 12, 19)),
    ]
    chart = replace(linked_chart(), days_off=tuple(spans))
    axes = gantt_figure(chart).axes[0]
    shaded = drawn(axes, "days_off")
    assert sorted(x_span(patch) for patch in shaded) == spans
    # Behind the bars, never over them.
    assert all(patch.get_zorder() < 1 for patch in shaded)


def test_no_day_is_shaded_on_a_plan_with_no_days_off_in_its_window() -> None:
    assert SUN_TO_THU.days_off(date(2026, 12, 6), date(2026, 12, 9)) == []
    assert drawn(gantt_figure(linked_chart()).axes[0], "days_off") == []


def test_float_trails_each_bar_as_a_tail_as_long_as_its_float_in_working_days() -> None:
    """Design (Tue 1 to Thu 3 Dec), then Build (Sun 6 to Wed 9) and Docs (Sun 6); Ship (Sun 13 to
    Mon 14) after Build. Worked by hand on the Sunday-to-Thursday week: Docs may finish as late
    as the project does, Mon 14, and the working days after Sun 6 up to then are Mon 7, Tue 8,
    Wed 9, Sun 13 and Mon 14 (Thu 10 is a holiday, Fri-Sat the weekend): 5 days of float."""
    bars = sun_to_thu_bars(
        calendar_task(1, "2026-12-01", "2026-12-03"),
        calendar_task(2, "2026-12-06", "2026-12-09"),
        calendar_task(3, "2026-12-06", "2026-12-06"),
        calendar_task(4, "2026-12-13", "2026-12-14"),
        links=(Link(1, 2), Link(1, 3), Link(2, 4)),
    )
    docs = bars["APL-3"]
    assert docs.float_until == date(2026, 12, 14)
    assert SUN_TO_THU.between(docs.end, docs.float_until) == 5
    assert {key: bar.float_until for key, bar in bars.items() if key != "APL-3"} == dict.fromkeys(
        ("APL-1", "APL-2", "APL-4")
    )
    axes = gantt_figure(GanttChart("APL", date(2026, 12, 1), tuple(bars.values()))).axes[0]
    [tail] = drawn(axes, "float:APL-3")
    assert x_span(tail) == (date(2026, 12, 7), date(2026, 12, 14))
    assert tail.get_height() < drawn(axes, "bar:APL-3")[0].get_height() / 3  # a thin tail
    assert [drawn(axes, f"float:{key}") for key in ("APL-1", "APL-2", "APL-4")] == [[], [], []]
    # The critical chain Design → Build → Ship is outlined, Docs is not.
    outlined = {
        key for key in bars if to_hex(drawn(axes, f"bar:{key}")[0].get_edgecolor()) == CRITICAL_EDGE.lower()
    }
    assert outlined == {"APL-1", "APL-2", "APL-4"}


def test_a_parent_is_a_bracket_spanning_its_children_not_a_bar() -> None:
    bars = sun_to_thu_bars(
        calendar_task(1, "2026-12-01", "2026-12-01"),
        calendar_task(2, "2026-12-02", "2026-12-03", parent=1),
        calendar_task(3, "2026-12-06", "2026-12-08", parent=1),
    )
    assert bars["APL-1"].summary and not bars["APL-2"].summary
    axes = gantt_figure(GanttChart("APL", date(2026, 12, 1), tuple(bars.values()))).axes[0]
    assert drawn(axes, "bar:APL-1") == [] and len(drawn(axes, "bar:APL-2")) == 1
    [bracket] = drawn(axes, "summary:APL-1")
    xs, ys = bracket.get_xy()[:, 0], bracket.get_xy()[:, 1]
    # From the first child's start to the end of the last child's finish (Tue 8 Dec, whole day).
    assert (min(xs), max(xs)) == (mdates.date2num(date(2026, 12, 2)), mdates.date2num(date(2026, 12, 9)))
    assert -0.5 < min(ys) < max(ys) < 0.5  # on the parent's own row, the first
    # A summary has no owner: it adds no colour to the legend.
    assert owner_colours(tuple(bar for bar in bars.values() if not bar.summary)) == {None: NO_OWNER}


def test_the_baseline_is_a_ghost_bar_under_the_current_one_where_a_baseline_exists() -> None:
    moved = calendar_task(1, "2026-12-06", "2026-12-08")
    moved.baseline_start, moved.baseline_due = date(2026, 12, 1), date(2026, 12, 3)
    unbaselined = calendar_task(2, "2026-12-13", "2026-12-13")
    bars = sun_to_thu_bars(moved, unbaselined)
    assert bars["APL-1"].baseline == (date(2026, 12, 1), date(2026, 12, 3))
    assert bars["APL-2"].baseline is None
    axes = gantt_figure(GanttChart("APL", date(2026, 12, 1), tuple(bars.values()))).axes[0]
    [ghost] = drawn(axes, "ghost:APL-1")
    [bar] = drawn(axes, "bar:APL-1")
    assert x_span(ghost) == (date(2026, 12, 1), date(2026, 12, 3))
    assert x_span(bar) == (date(2026, 12, 6), date(2026, 12, 8))
    # Thin, light and just below the bar (the rows count down the page).
    assert (
        ghost.get_height() < bar.get_height() / 3 and ghost.get_y() >= bar.get_y() + bar.get_height() - 0.01
    )
    assert to_hex(ghost.get_facecolor()) == GHOST.lower()
    assert drawn(axes, "ghost:APL-2") == []


def test_a_summary_is_ghosted_over_its_leaves_baselines_as_microsoft_project_rolls_them_up() -> None:
    def item(id: int, parent: int | None, baseline: tuple[date, date] | None) -> Item:
        return Item(id, date(2026, 12, 7), date(2026, 12, 18), parent_id=parent, baseline=baseline)

    rolled = rollups(
        [
            item(1, None, (date(2026, 11, 2), date(2026, 11, 3))),  # a summary's own stored dates
            item(2, 1, (date(2026, 12, 1), date(2026, 12, 3))),
            item(3, 1, (date(2026, 12, 8), date(2026, 12, 10))),
            item(4, None, None),
            item(5, 4, None),
            item(6, None, (date(2026, 12, 20), date(2026, 12, 21))),
        ]
    )
    # Only the parents roll up: the first spans its leaves' promises, the second has none.
    assert {parent: rollup.baseline for parent, rollup in rolled.items()} == {
        1: (date(2026, 12, 1), date(2026, 12, 10)),
        4: None,
    }


def test_a_milestone_sits_on_its_own_day_with_its_promised_day_as_a_hollow_ghost() -> None:
    beta = Milestone(name="Beta", due_date=date(2026, 12, 15), baseline_due=date(2026, 12, 9))
    reached = Milestone(
        name="Alpha",
        due_date=date(2026, 12, 3),
        baseline_due=date(2026, 12, 3),
        completed_on=date(2026, 12, 2),
    )
    marks = (gantt_milestone(beta, date(2026, 12, 1)), gantt_milestone(reached, date(2026, 12, 5)))
    assert [(mark.due, mark.baseline, mark.late) for mark in marks] == [
        (date(2026, 12, 15), date(2026, 12, 9), False),
        (date(2026, 12, 2), date(2026, 12, 3), False),
    ]
    axes = gantt_figure(GanttChart("APL", date(2026, 12, 1), (), marks)).axes[0]
    ghosts = drawn(axes, "ghost:milestone")
    assert [(line.get_xdata()[0], line.get_ydata()[0], line.get_markerfacecolor()) for line in ghosts] == [
        (mdates.date2num(date(2026, 12, 9)), 0, "none"),
        (mdates.date2num(date(2026, 12, 3)), 1, "none"),
    ]
    solid = [line for line in axes.lines if line.get_marker() == "D" and line.get_gid() is None]
    assert [line.get_xdata()[0] for line in solid] == [
        mdates.date2num(date(2026, 12, 15)),
        mdates.date2num(date(2026, 12, 2)),
    ]
