"""The Gantt chart renderer: a real PNG, not blank, one bar per task."""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
from matplotlib import dates as mdates
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text

from bot.charts import (
    CRITICAL_EDGE,
    LATE,
    MILESTONE,
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
    capped = pixels(render_gantt(GanttChart("Big", date(2026, 12, 5), bars(ROWS_MAX + 300))))
    at_cap = pixels(render_gantt(GanttChart("Cap", date(2026, 12, 5), bars(ROWS_MAX))))
    assert capped.shape[0] == at_cap.shape[0]


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
