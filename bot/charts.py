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


@dataclass(frozen=True)
class GanttMilestone:
    name: str
    due: date
    late: bool = False


@dataclass(frozen=True)
class GanttChart:
    title: str
    today: date
    bars: tuple[GanttBar, ...]
    milestones: tuple[GanttMilestone, ...] = ()
    labels: Mapping[str, str] | None = None


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


def _draw_bars(axes: Axes, bars: tuple[GanttBar, ...], colours: dict[str | None, str]) -> dict[str, int]:
    rows: dict[str, int] = {}
    for row, bar in enumerate(bars):
        rows[bar.key] = row
        start = mdates.date2num(bar.start)
        width = (bar.end - bar.start).days + 1
        colour = LATE if bar.late else colours[bar.owner]
        edge = CRITICAL_EDGE if bar.critical else colour
        axes.barh(
            row,
            width,
            left=start,
            height=0.6,
            color=colour,
            edgecolor=edge,
            linewidth=2.2 if bar.critical else 0.5,
        )
        if bar.percent:
            axes.barh(row, width * min(bar.percent, 100) / 100, left=start, height=0.25, color="#00000055")
    return rows


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
    for offset, milestone in enumerate(chart.milestones):
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
    colours = owner_colours(bars)
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
