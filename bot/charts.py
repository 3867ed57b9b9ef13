"""Charts as PNG bytes from plain data: the Gantt chart of a plan.

Drawn with matplotlib's object API on the Agg canvas, never pyplot, whose global state is not
safe in a threaded web server. Text may be Chinese: every text of a figure is set in the font
bot/fonts.py finds, with DejaVu Sans for what it lacks (or for everything, when none is found).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.fonts import cjk_font, drawable
from bot.lazy import lazy_module

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

mdates = lazy_module("matplotlib.dates")
font_manager = lazy_module("matplotlib.font_manager")
mpatches = lazy_module("matplotlib.patches")

# matplotlib logs a warning for every missing font it tries; the fallback is deliberate.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

DEFAULT_FONT = "DejaVu Sans"
PALETTE = ["#4C78A8", "#F58518", "#54A24B", "#B279A2", "#9D755D", "#72B7B2", "#EECA3B", "#FF9DA6"]
NO_OWNER = "#9E9E9E"
LATE = "#D62728"
CRITICAL_EDGE = "#111111"
TODAY = "#E45756"
MILESTONE = "#333333"
SUMMARY = "#333333"
FLOAT_TAIL = "#8C8C8C"
GHOST = "#C8C8C8"
DAY_OFF = "#EFEFEF"
ROWS_MAX = 200
DPI = 100
ROW_INCHES = 0.32
WIDTH_INCHES = 12
# Every word a chart writes; the handler fills each from the catalog (gantt.label.<name>). The
# axis_* entries are strftime patterns for the time axis: ticks, and the date at its end.
DEFAULT_LABELS = {
    "today": "today",
    "critical": "critical path",
    "late": "late",
    "float": "float",
    "baseline": "baseline",
    "days_off": "non-working day",
    "empty": "nothing scheduled yet",
    "axis_year": "%Y",
    "axis_month": "%b",
    "axis_day": "%d",
    "axis_month_of_year": "%Y-%b",
    "axis_day_of_month": "%Y-%b-%d",
}

# The time axis's date patterns, which every chart with dates shares.
AXIS_LABELS = tuple(name for name in DEFAULT_LABELS if name.startswith("axis_"))


@dataclass(frozen=True)
class GanttBar:
    """A task's row. Its artists carry the gid `<part>:<key>` (bar, summary, float, ghost), so a
    test can find what was drawn for which task."""

    key: str
    title: str
    owner: str | None
    start: date
    end: date
    depth: int = 0
    percent: int = 0
    late: bool = False
    critical: bool = False
    depends_on: tuple[str, ...] = ()
    summary: bool = False  # a parent, drawn as a bracket over its children
    float_until: date | None = None  # its late finish, when it has total float: the tail's end
    baseline: tuple[date, date] | None = None  # first and last day as promised


@dataclass(frozen=True)
class GanttMilestone:
    name: str
    due: date  # the day it sits on: reached, or due
    late: bool = False
    baseline: date | None = None


@dataclass(frozen=True)
class GanttChart:
    title: str
    today: date
    bars: tuple[GanttBar, ...]
    milestones: tuple[GanttMilestone, ...] = ()
    labels: Mapping[str, str] | None = None
    days_off: tuple[tuple[date, date], ...] = ()  # runs of the project's non-working days


def owner_colours(bars: tuple[GanttBar, ...]) -> dict[str | None, str]:
    owners = list(dict.fromkeys(bar.owner for bar in bars if bar.owner is not None))
    colours: dict[str | None, str] = {owner: PALETTE[n % len(PALETTE)] for n, owner in enumerate(owners)}
    colours[None] = NO_OWNER
    return colours


def label_of(labels: Mapping[str, str] | None, name: str) -> str:
    """A chart's word for `name`, English where the caller gave none."""
    return (labels or {}).get(name) or DEFAULT_LABELS[name]


def _label(chart: GanttChart, name: str) -> str:
    return label_of(chart.labels, name)


def agg_figure(**size: Any) -> Figure:
    """A figure on the Agg canvas: no display, safe in threads."""
    figure: Figure = lazy_module("matplotlib.figure").Figure(**size)
    lazy_module("matplotlib.backends.backend_agg").FigureCanvasAgg(figure)
    return figure


def _figure(rows: int) -> tuple[Figure, Axes]:
    figure = agg_figure(figsize=(WIDTH_INCHES, max(2.5, 1.2 + rows * ROW_INCHES)), dpi=DPI)
    axes = figure.add_subplot()
    return figure, axes


def _days(first: date, last: date) -> tuple[float, float]:
    """Where a run of whole days starts on the axis, and how wide it is: a day fills [d, d + 1)."""
    return mdates.date2num(first), (last - first).days + 1


def _draw_bars(axes: Axes, bars: tuple[GanttBar, ...], colours: dict[str | None, str]) -> dict[str, int]:
    rows: dict[str, int] = {}
    for row, bar in enumerate(bars):
        rows[bar.key] = row
        if bar.baseline is not None:
            _draw_ghost(axes, row, bar)
        if bar.summary:
            _draw_summary(axes, row, bar)
            continue
        _draw_task(axes, row, bar, LATE if bar.late else colours[bar.owner])
        if bar.float_until is not None and bar.float_until > bar.end:
            left, width = _days(bar.end + timedelta(days=1), bar.float_until)
            axes.barh(row, width, left=left, height=0.12, color=FLOAT_TAIL, gid=f"float:{bar.key}")
    return rows


def _draw_task(axes: Axes, row: int, bar: GanttBar, colour: str) -> None:
    """The bar itself; every critical task outlined, thick and dark."""
    left, width = _days(bar.start, bar.end)
    axes.barh(
        row,
        width,
        left=left,
        height=0.6,
        color=colour,
        edgecolor=CRITICAL_EDGE if bar.critical else colour,
        linewidth=2.2 if bar.critical else 0.5,
        gid=f"bar:{bar.key}",
    )
    if bar.percent:
        axes.barh(row, width * min(bar.percent, 100) / 100, left=left, height=0.25, color="#00000055")


def _draw_summary(axes: Axes, row: int, bar: GanttBar) -> None:
    """A parent as a bracket: a thin dark bar from its first child's start to its last child's
    finish, with a point hanging down at each end."""
    left, width = _days(bar.start, bar.end)
    right, top, bottom, tip = left + width, row - 0.25, row - 0.1, row + 0.2
    point = min(0.4, width / 4)  # days: a one-day parent still shows both points
    outline = [
        (left, top),
        (right, top),
        (right, tip),
        (right - point, bottom),
        (left + point, bottom),
        (left, tip),
    ]
    axes.add_patch(mpatches.Polygon(outline, closed=True, color=SUMMARY, gid=f"summary:{bar.key}"))


def _draw_ghost(axes: Axes, row: int, bar: GanttBar) -> None:
    """The baseline as a thin light bar just under the current one."""
    assert bar.baseline is not None
    left, width = _days(*bar.baseline)
    axes.barh(row + 0.37, width, left=left, height=0.14, color=GHOST, gid=f"ghost:{bar.key}")


def _draw_days_off(axes: Axes, chart: GanttChart) -> None:
    """The project's weekends and holidays, shaded behind everything."""
    for first, last in chart.days_off:
        left, width = _days(first, last)
        axes.axvspan(left, left + width, color=DAY_OFF, zorder=0, linewidth=0, gid="days_off")


def _draw_dependencies(axes: Axes, bars: tuple[GanttBar, ...], rows: dict[str, int]) -> None:
    ends = {bar.key: bar.end for bar in bars}
    for bar in bars:
        for before in bar.depends_on:
            if before not in rows:
                continue
            axes.annotate(
                "",
                xy=(mdates.date2num(bar.start), rows[bar.key]),
                xytext=(mdates.date2num(ends[before] + timedelta(days=1)), rows[before]),
                arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 0.8},
            )


def _draw_milestones(axes: Axes, chart: GanttChart, first_row: int) -> None:
    """Each milestone a diamond on its own day and row; a hollow light one where it was promised."""
    for offset, milestone in enumerate(chart.milestones):
        if milestone.baseline is not None and milestone.baseline != milestone.due:
            axes.plot(
                mdates.date2num(milestone.baseline),
                first_row + offset,
                marker="D",
                markersize=9,
                markerfacecolor="none",
                color=GHOST,
                gid="ghost:milestone",
            )
        axes.plot(
            mdates.date2num(milestone.due),
            first_row + offset,
            marker="D",
            markersize=9,
            color=LATE if milestone.late else MILESTONE,
        )


def _row_labels(chart: GanttChart, bars: tuple[GanttBar, ...]) -> list[str]:
    labels = [f"{'  ' * bar.depth}{bar.key} {bar.title}"[:48] for bar in bars]
    return labels + [f"◆ {milestone.name}"[:48] for milestone in chart.milestones]


def _legend(axes: Axes, chart: GanttChart, colours: dict[str | None, str]) -> None:
    handles = [
        mpatches.Patch(color=colour, label=owner) for owner, colour in colours.items() if owner is not None
    ]
    handles.append(
        mpatches.Patch(
            facecolor="white", edgecolor=CRITICAL_EDGE, linewidth=2.2, label=_label(chart, "critical")
        )
    )
    handles.append(mpatches.Patch(color=LATE, label=_label(chart, "late")))
    if any(bar.float_until for bar in chart.bars):
        handles.append(mpatches.Patch(color=FLOAT_TAIL, label=_label(chart, "float")))
    if any(bar.baseline for bar in chart.bars) or any(m.baseline for m in chart.milestones):
        handles.append(mpatches.Patch(color=GHOST, label=_label(chart, "baseline")))
    if chart.days_off:
        handles.append(mpatches.Patch(color=DAY_OFF, label=_label(chart, "days_off")))
    axes.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.85)


def date_axis(axes: Axes, labels: Mapping[str, str] | None) -> None:
    """Dates on the time axis as the chart's language writes them ("Dec" or "12月"): the axis_* labels."""
    year, month, day = (label_of(labels, f"axis_{part}") for part in ("year", "month", "day"))
    month_of_year, day_of_month = (
        label_of(labels, "axis_month_of_year"),
        label_of(labels, "axis_day_of_month"),
    )
    locator = mdates.AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(
        mdates.ConciseDateFormatter(
            locator,
            formats=[year, month, day, "%H:%M", "%H:%M", "%S"],
            zero_formats=["", year, month, day, "%H:%M", "%H:%M"],
            offset_formats=["", year, month_of_year, day_of_month, day_of_month, day_of_month],
        )
    )


def render_gantt(chart: GanttChart) -> bytes:
    """The chart as PNG bytes."""
    return png_of(gantt_figure(chart))


def gantt_figure(chart: GanttChart) -> Figure:
    """The chart drawn, before encoding; at most ROWS_MAX task rows, with a note of the rest."""
    bars = chart.bars[:ROWS_MAX]
    rows = len(bars) + len(chart.milestones)
    figure, axes = _figure(rows)
    figure.set_layout_engine("constrained")
    axes.set_title(chart.title)
    if rows == 0:
        axes.text(0.5, 0.5, _label(chart, "empty"), ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return figure
    colours = owner_colours(tuple(bar for bar in bars if not bar.summary))
    _draw_days_off(axes, chart)
    positions = _draw_bars(axes, bars, colours)
    _draw_dependencies(axes, bars, positions)
    _draw_milestones(axes, chart, len(bars))
    axes.axvline(mdates.date2num(chart.today), color=TODAY, linestyle="--", linewidth=1.2)
    axes.set_yticks(range(rows), _row_labels(chart, bars), fontsize=8)
    axes.invert_yaxis()
    date_axis(axes, chart.labels)
    axes.grid(axis="x", alpha=0.3)
    _legend(axes, chart, colours)
    if len(chart.bars) > ROWS_MAX:
        figure.text(0.01, 0.005, f"… +{len(chart.bars) - ROWS_MAX}", fontsize=8)
    return figure


@cache
def font_families() -> tuple[str, ...]:
    """The font that draws Chinese, made known to matplotlib once, then the default font."""
    path = cjk_font()
    if path is None:
        return (DEFAULT_FONT,)
    font_manager.fontManager.addfont(str(path))
    return (font_manager.FontProperties(fname=str(path)).get_name(), DEFAULT_FONT)


@cache
def font_files() -> tuple[Path, ...]:
    """The files behind `font_families()`: what decides which characters can be drawn."""
    default = Path(font_manager.findfont(font_manager.FontProperties(family=DEFAULT_FONT)))
    cjk = cjk_font()
    return (default,) if cjk is None else (cjk, default)


def set_fonts(figure: Figure) -> None:
    """Every text of the figure, ticks drawn later included, in the families that draw it,
    less the characters none of them can (which would show as boxes)."""
    families = list(font_families())
    files = font_files()
    for axes in figure.axes:
        axes.tick_params(labelfontfamily=families)
        for axis in (axes.xaxis, axes.yaxis):
            _drawable_tick_labels(axis.get_major_formatter(), files)
    for text in figure.findobj(lazy_module("matplotlib.text").Text):
        text.set_fontfamily(families)
        text.set_text(drawable(text.get_text(), files))


def _drawable_tick_labels(formatter: Any, files: tuple[Path, ...]) -> None:
    """Labels given as text (task titles) reach their Text objects only when drawn: clean them
    in the formatter. Computed labels (dates, numbers) are left alone."""
    ticker = lazy_module("matplotlib.ticker")
    if isinstance(formatter, ticker.FixedFormatter):
        formatter.seq = [drawable(str(label), files) for label in formatter.seq]
    elif isinstance(formatter, ticker.FuncFormatter):
        label_of = formatter.func
        formatter.func = lambda value, position: drawable(str(label_of(value, position)), files)


def png_of(figure: Figure) -> bytes:
    set_fonts(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
